package ui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// keyMap is every key binding of the interface, built once and shared by
// the screens; each screen picks the ones that work now for its keyHelp.
type keyMap struct {
	// Everywhere (outside text fields but ForceQuit).
	Quit      key.Binding
	ForceQuit key.Binding
	Help      key.Binding
	Back      key.Binding
	Suspend   key.Binding
	Tab1      key.Binding
	Tab2      key.Binding
	Tab3      key.Binding

	// Shortcuts to screens from the lists.
	New     key.Binding
	History key.Binding
	Batch   key.Binding

	// Lists.
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
	Open     key.Binding
	Filter   key.Binding
	Status   key.Binding
	Model    key.Binding

	// Compose.
	Submit     key.Binding
	NextField  key.Binding
	PrevField  key.Binding
	Left       key.Binding
	Right      key.Binding
	Toggle     key.Binding
	RecallPrev key.Binding
	RecallNext key.Binding

	// Detail.
	Play       key.Binding
	Copy       key.Binding
	Download   key.Binding
	Duplicate  key.Binding
	PrevMember key.Binding
	NextMember key.Binding
	Delete     key.Binding
	Retry      key.Binding
	Confirm    key.Binding
	Preview    key.Binding

	// History.
	Thumbs key.Binding

	// Key screen.
	SaveKey key.Binding
	Demo    key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit (keeps the draft)")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "all keys")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Suspend:   key.NewBinding(key.WithKeys("ctrl+z"), key.WithHelp("ctrl+z", "suspend")),
		Tab1:      key.NewBinding(key.WithKeys("1"), key.WithHelp("1", "compose")),
		Tab2:      key.NewBinding(key.WithKeys("2"), key.WithHelp("2", "jobs")),
		Tab3:      key.NewBinding(key.WithKeys("3"), key.WithHelp("3", "history")),

		New:     key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "new job")),
		History: key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "history")),
		Batch:   key.NewBinding(key.WithKeys("b"), key.WithHelp("b", "batch from a file")),

		Up:       key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/home", "top")),
		Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G/end", "bottom")),
		Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Filter:   key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		Status:   key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "status filter")),
		Model:    key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "model filter")),

		Submit:     key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "submit")),
		NextField:  key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next field")),
		PrevField:  key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous")),
		Left:       key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/→", "choose")),
		Right:      key.NewBinding(key.WithKeys("right", "l")),
		Toggle:     key.NewBinding(key.WithKeys("space", "x"), key.WithHelp("space", "toggle")),
		RecallPrev: key.NewBinding(key.WithKeys("ctrl+p"), key.WithHelp("ctrl+p/n", "earlier prompts")),
		RecallNext: key.NewBinding(key.WithKeys("ctrl+n")),

		Play:       key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open video")),
		Copy:       key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy URL")),
		Download:   key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "download")),
		Duplicate:  key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit as new")),
		PrevMember: key.NewBinding(key.WithKeys("["), key.WithHelp("[/]", "other variant")),
		NextMember: key.NewBinding(key.WithKeys("]")),
		Delete:     key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "delete")),
		Retry:      key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "resolve unconfirmed")),
		Confirm:    key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "yes")),
		Preview:    key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "frame")),
		Thumbs:     key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "thumbnails")),

		SaveKey: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "save key")),
		Demo:    key.NewBinding(key.WithKeys("ctrl+t"), key.WithHelp("ctrl+t", "try the demo")),
	}
}

// global are the keys the root handles, for help.
func (k keyMap) global() []key.Binding {
	return []key.Binding{k.Tab1, k.Tab2, k.Tab3, k.Help, k.Quit, k.ForceQuit, k.Suspend}
}

// movement are the list keys, for help.
func (k keyMap) movement() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom}
}

// farthest is a step past either end of any list.
const farthest = 1 << 30

// listStep is how many rows a movement key moves in a list or a scrolled
// view of page rows (top and bottom: farther than any end); ok is false
// for other keys.
func (k keyMap) listStep(msg tea.KeyPressMsg, page int) (n int, ok bool) {
	switch {
	case key.Matches(msg, k.Up):
		return -1, true
	case key.Matches(msg, k.Down):
		return 1, true
	case key.Matches(msg, k.PageUp):
		return -page, true
	case key.Matches(msg, k.PageDown):
		return page, true
	case key.Matches(msg, k.Top):
		return -farthest, true
	case key.Matches(msg, k.Bottom):
		return farthest, true
	}
	return 0, false
}

// keyHelp is one screen's key map as bubbles/help reads it: short for the
// key bar, full for the help screen.
type keyHelp struct {
	short []key.Binding
	full  [][]key.Binding
}

var _ help.KeyMap = keyHelp{}

// ShortHelp is the key bar.
func (k keyHelp) ShortHelp() []key.Binding { return k.short }

// FullHelp is the help screen's columns.
func (k keyHelp) FullHelp() [][]key.Binding { return k.full }
