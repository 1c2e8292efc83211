package ui

import (
	"errors"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/soratui/soratui/keys"
)

// Messages about the key.
type (
	// keySavedMsg says the key screen's key is in the keyring.
	keySavedMsg struct{ key keys.Key }
	// keyFailedMsg says saving the key or starting the demo failed.
	keyFailedMsg struct{ err error }
	// connectRequestMsg asks the root to connect with a key.
	connectRequestMsg struct{ key keys.Key }
)

func (keySavedMsg) owner() screenID  { return keyID }
func (keyFailedMsg) owner() screenID { return keyID }

// keyScreen asks for an API key.
type keyScreen struct {
	sh     *shared
	input  textinput.Model
	err    error
	saving bool
	width  int
	// reason is why no key was found at start.
	reason error
}

func newKeyScreen(sh *shared, reason error) *keyScreen {
	in := textinput.New()
	in.Prompt = "API key: "
	in.Placeholder = "paste your APIDot key (sk-…)"
	in.EchoMode = textinput.EchoPassword
	in.EchoCharacter = '•'
	in.CharLimit = keys.MaxLength
	in.SetStyles(sh.st.textinput())
	in.Focus()
	return &keyScreen{sh: sh, input: in, reason: reason}
}

// SetSize is the body's size.
func (k *keyScreen) SetSize(w, _ int) {
	k.width = w
	k.input.SetWidth(max(20, min(60, w-12)))
}

// typing is always true: the screen is one text field.
func (k *keyScreen) typing() bool { return true }

// Keys are save, the demo when offered, and back when a key exists.
func (k *keyScreen) Keys() help.KeyMap {
	km := k.sh.km
	b := []key.Binding{km.SaveKey}
	if k.sh.cfg.Demo != nil {
		b = append(b, km.Demo)
	}
	if k.sh.key.Value != "" {
		b = append(b, km.Back)
	}
	b = append(b, km.ForceQuit)
	return keyHelp{short: b, full: [][]key.Binding{b}}
}

// Update edits, saves and reports on the key.
func (k *keyScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case keySavedMsg:
		k.saving = false
		return k, tea.Batch(flash("Saved the key "+msg.key.Masked()+" to the keyring.", false),
			func() tea.Msg { return connectRequestMsg{key: msg.key} })
	case keyFailedMsg:
		k.saving, k.err = false, msg.err
	case connectedMsg:
		k.err = msg.err
	case stylesMsg:
		k.input.SetStyles(k.sh.st.textinput())
	case shownMsg:
		return k, k.input.Focus()
	case tea.KeyPressMsg:
		return k, k.key(msg)
	default:
		var cmd tea.Cmd
		k.input, cmd = k.input.Update(msg)
		return k, cmd
	}
	return k, nil
}

func (k *keyScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	km := k.sh.km
	switch {
	case key.Matches(msg, km.Demo) && k.sh.cfg.Demo != nil:
		demo := k.sh.cfg.Demo
		return func() tea.Msg {
			b, key, err := demo()
			return demoMsg{backend: b, key: key, err: err}
		}
	case key.Matches(msg, km.Back):
		if k.sh.key.Value != "" {
			return k.sh.back(keyID)
		}
		return nil
	case key.Matches(msg, km.SaveKey):
		return k.save()
	}
	var cmd tea.Cmd
	k.input, cmd = k.input.Update(msg)
	return cmd
}

func (k *keyScreen) save() tea.Cmd {
	value := strings.TrimSpace(k.input.Value())
	if err := keys.CheckShape(value); err != nil {
		k.err = err
		return nil
	}
	k.saving, k.err = true, nil
	k.input.SetValue("")
	save, ctx := k.sh.cfg.SaveKey, k.sh.ctx
	key := keys.Key{Value: value, Source: keys.SourceKeyring}
	return func() tea.Msg {
		if save == nil {
			return keyFailedMsg{err: errors.New("saving keys is not available here; set APIDOT_API_KEY")}
		}
		if err := save(ctx, value); err != nil {
			return keyFailedMsg{err: err}
		}
		return keySavedMsg{key: key}
	}
}

// View explains the key, shows the field and what went wrong.
func (k *keyScreen) View() string {
	st, w := k.sh.st, k.width-2
	var b strings.Builder
	para := func(s lipgloss.Style, text string) {
		for _, l := range wrapLines(text, w) {
			b.WriteString(s.Render(l) + "\n")
		}
	}
	b.WriteString(st.title.Render("Connect soratui to APIDot") + "\n\n")
	para(st.app, "soratui needs your APIDot API key to submit jobs. It is saved in the OS keyring (service soratui), never in a file, and shown only masked.")
	b.WriteString("\n" + k.input.View() + "\n")
	switch {
	case k.saving:
		b.WriteString(st.faint.Render("Saving to the keyring…") + "\n")
	case k.err != nil:
		para(st.bad, k.err.Error())
		if advice := keys.Advice(k.err); advice != "" {
			para(st.warn, advice)
		}
	case k.reason != nil && keys.KeyringUnusable(k.reason):
		what := "No key was found, and the OS keyring could not be used here."
		if errors.Is(k.reason, keys.ErrTimeout) {
			what = "No key was found: the OS keyring did not answer in time."
		}
		para(st.warn, what)
		para(st.faint, keys.Advice(k.reason))
	default:
		b.WriteString("\n")
		para(st.faint, "No keyring here? Quit and start soratui with the key in the APIDOT_API_KEY environment variable instead.")
	}
	if k.sh.cfg.Demo != nil {
		b.WriteString("\n")
		para(st.notice, "No key yet? Press ctrl+t to try the demo: a built-in simulator, no key, no network, nothing billed.")
	}
	return b.String()
}
