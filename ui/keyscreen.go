package ui

import (
	"errors"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/soratui/soratui/keys"
)

// keyModel is the screen that asks for an API key.
type keyModel struct {
	input  textinput.Model
	err    error
	saving bool
	width  int
	// reason is why no key was found at start.
	reason error
}

func newKeyModel(st styles, reason error) keyModel {
	in := textinput.New()
	in.Prompt = "API key: "
	in.Placeholder = "paste your APIDot key (sk-…)"
	in.EchoMode = textinput.EchoPassword
	in.EchoCharacter = '•'
	in.CharLimit = keys.MaxLength
	in.SetStyles(st.textinput())
	in.Focus()
	return keyModel{input: in, reason: reason}
}

func (k keyModel) init() tea.Cmd { return nil }

func (k *keyModel) setStyles(st styles) { k.input.SetStyles(st.textinput()) }

func (k *keyModel) setSize(w int) {
	k.width = w
	k.input.SetWidth(max(20, min(60, w-12)))
}

func (k keyModel) update(msg tea.Msg) (keyModel, tea.Cmd) {
	var cmd tea.Cmd
	k.input, cmd = k.input.Update(msg)
	return k, cmd
}

func (k keyModel) view(st styles, km keyMap, demo bool) string {
	w := k.width
	var b strings.Builder
	b.WriteString(st.title.Render("Connect soratui to APIDot") + "\n\n")
	for _, l := range wrap("soratui needs your APIDot API key to submit jobs. It is saved in the OS keyring (service soratui), never in a file, and shown only masked.", w-2) {
		b.WriteString(l + "\n")
	}
	b.WriteString("\n" + k.input.View() + "\n")
	switch {
	case k.saving:
		b.WriteString(st.faint.Render("Saving to the keyring…") + "\n")
	case k.err != nil:
		for _, l := range wrap(k.err.Error(), w-2) {
			b.WriteString(st.bad.Render(l) + "\n")
		}
		if advice := keys.Advice(k.err); advice != "" {
			for _, l := range wrap(advice, w-2) {
				b.WriteString(st.warn.Render(l) + "\n")
			}
		}
	case k.reason != nil && !isNoKeyOnly(k.reason):
		what := "No key was found, and the OS keyring could not be used here."
		if errors.Is(k.reason, keys.ErrTimeout) {
			what = "No key was found: the OS keyring did not answer in time."
		}
		for _, l := range wrap(what, w-2) {
			b.WriteString(st.warn.Render(l) + "\n")
		}
		for _, l := range wrap(keys.Advice(k.reason), w-2) {
			b.WriteString(st.faint.Render(l) + "\n")
		}
	default:
		b.WriteString("\n")
		for _, l := range wrap("No keyring here? Quit and start soratui with the key in the APIDOT_API_KEY environment variable instead.", w-2) {
			b.WriteString(st.faint.Render(l) + "\n")
		}
	}
	if demo {
		b.WriteString("\n")
		for _, l := range wrap("No key yet? Press ctrl+t to try the demo: a built-in simulator, no key, no network, nothing billed.", w-2) {
			b.WriteString(st.notice.Render(l) + "\n")
		}
	}
	return b.String()
}

// isNoKeyOnly reports a plain "no key anywhere", which needs no warning.
func isNoKeyOnly(err error) bool { return !keys.KeyringUnusable(err) }
