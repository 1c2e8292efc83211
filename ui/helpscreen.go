package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
)

// helpForMsg opens the help screen on the keys of the screen it came from.
type helpForMsg struct{ keys help.KeyMap }

// helpScreen lists every key of the screen it was opened from, and the
// keys that work everywhere.
type helpScreen struct {
	sh    *shared
	of    help.KeyMap
	model help.Model
	width int
}

func newHelpScreen(sh *shared) *helpScreen {
	return &helpScreen{sh: sh, model: help.New(), of: keyHelp{}}
}

// SetSize is the body's size.
func (s *helpScreen) SetSize(w, _ int) {
	s.width = w
	s.model.SetWidth(w)
}

// Keys close the help.
func (s *helpScreen) Keys() help.KeyMap {
	km := s.sh.km
	close := key.NewBinding(key.WithKeys("?"), key.WithHelp("?/esc", "close"))
	return keyHelp{short: []key.Binding{close, km.Quit}, full: [][]key.Binding{{close}}}
}

// Update takes the keys to show and closes on esc.
func (s *helpScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case helpForMsg:
		s.of = msg.keys
	case tea.KeyPressMsg:
		if key.Matches(msg, s.sh.km.Back) {
			return s, s.sh.back(helpID)
		}
	}
	return s, nil
}

// View is the columns of keys and a note on text fields.
func (s *helpScreen) View() string {
	st := s.sh.st
	h := s.model
	h.Styles = st.help
	h.ShowAll = true
	groups := append(s.of.FullHelp(), s.sh.km.global())
	cols := h.FullHelpView(groups)
	if lipgloss.Width(cols) > s.width {
		half := (len(groups) + 1) / 2
		cols = h.FullHelpView(groups[:half]) + "\n\n" + h.FullHelpView(groups[half:])
	}
	var b strings.Builder
	b.WriteString(st.title.Render("Keys") + "\n\n" + cols + "\n")
	for _, l := range wrapLines("In the prompt and URL fields letters type text: tab leaves them, ctrl+s submits, esc goes back. 1, 2 and 3 switch screens outside text fields; ctrl+c quits at once and keeps the draft. The mouse wheel scrolls lists and a click selects a row. ? or esc closes this help.", s.width-1) {
		b.WriteString("\n" + st.faint.Render(l))
	}
	return b.String()
}
