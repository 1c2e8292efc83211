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
	k := keyMap{
		Quit:      bindKey("q", "quit"),
		ForceQuit: bindKey("ctrl+c", "quit (keeps the draft)"),
		Help:      bindKey("?", "all keys"),
		Back:      bindKey("esc", "back"),
		Suspend:   bindKey("ctrl+z", "suspend"),
		Tab1:      bindKey("1", "compose"),
		Tab2:      bindKey("2", "jobs"),
		Tab3:      bindKey("3", "history"),

		New:     bindKey("n", "new job"),
		History: bindKey("h", "history"),
		Batch:   bindKey("b", "batch from a file"),

		Up:       key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g/home", "top")),
		Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G/end", "bottom")),
		Open:     bindKey("enter", "open"),
		Filter:   bindKey("/", "search"),
		Status:   bindKey("s", "status filter"),
		Model:    bindKey("m", "model filter"),

		Submit:    bindKey("ctrl+s", "submit"),
		NextField: bindKey("tab", "next field"),
		PrevField: bindKey("shift+tab", "previous"),
		Toggle:    key.NewBinding(key.WithKeys("space", "x"), key.WithHelp("space", "toggle")),

		Play:      bindKey("o", "open video"),
		Copy:      bindKey("y", "copy URL"),
		Download:  bindKey("d", "download"),
		Duplicate: bindKey("e", "edit as new"),
		Delete:    bindKey("x", "delete"),
		Retry:     bindKey("r", "resolve unconfirmed"),
		Confirm:   bindKey("y", "yes"),
		Preview:   bindKey("p", "frame"),
		Thumbs:    bindKey("t", "thumbnails"),

		SaveKey: bindKey("enter", "save key"),
		Demo:    bindKey("ctrl+t", "try the demo"),
	}
	// Pairs of opposite keys share one help entry, shown with the first.
	k.Left, k.Right = keyPair("←/→", "choose", []string{"left", "h"}, []string{"right", "l"})
	k.RecallPrev, k.RecallNext = keyPair("ctrl+p/n", "earlier prompts", []string{"ctrl+p"}, []string{"ctrl+n"})
	k.PrevMember, k.NextMember = keyPair("[/]", "other variant", []string{"["}, []string{"]"})
	return k
}

// bindKey is a binding to one key whose help shows that key, so the key
// pressed and the key shown cannot drift apart.
func bindKey(k, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(k), key.WithHelp(k, desc))
}

// keyPair is two opposite bindings with one help entry, which the first
// carries.
func keyPair(help, desc string, first, second []string) (key.Binding, key.Binding) {
	return key.NewBinding(key.WithKeys(first...), key.WithHelp(help, desc)), key.NewBinding(key.WithKeys(second...))
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
