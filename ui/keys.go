package ui

import "charm.land/bubbles/v2/key"

// keyMap is every key binding of the interface. Screens switch bindings on
// and off with SetEnabled, so the help shows only what works now.
type keyMap struct {
	// Everywhere.
	Quit      key.Binding
	ForceQuit key.Binding
	Help      key.Binding
	Back      key.Binding

	// Screens.
	Compose key.Binding
	Jobs    key.Binding
	History key.Binding

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
	Submit    key.Binding
	NextField key.Binding
	PrevField key.Binding
	Left      key.Binding
	Right     key.Binding
	Toggle    key.Binding

	// Detail.
	Play      key.Binding
	Copy      key.Binding
	Download  key.Binding
	Duplicate key.Binding

	// Key screen.
	SaveKey key.Binding
	Demo    key.Binding
}

func newKeyMap() keyMap {
	return keyMap{
		Quit:      key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "all keys")),
		Back:      key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),

		Compose: key.NewBinding(key.WithKeys("n", "1"), key.WithHelp("n", "new job")),
		Jobs:    key.NewBinding(key.WithKeys("2"), key.WithHelp("2", "jobs")),
		History: key.NewBinding(key.WithKeys("h", "3"), key.WithHelp("h", "history")),

		Up:       key.NewBinding(key.WithKeys("k", "up"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("j", "down"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top")),
		Bottom:   key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom")),
		Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Filter:   key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		Status:   key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "status filter")),
		Model:    key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "model filter")),

		Submit:    key.NewBinding(key.WithKeys("ctrl+s"), key.WithHelp("ctrl+s", "submit")),
		NextField: key.NewBinding(key.WithKeys("tab"), key.WithHelp("tab", "next field")),
		PrevField: key.NewBinding(key.WithKeys("shift+tab"), key.WithHelp("shift+tab", "previous")),
		Left:      key.NewBinding(key.WithKeys("left", "h"), key.WithHelp("←/→", "choose")),
		Right:     key.NewBinding(key.WithKeys("right", "l")),
		Toggle:    key.NewBinding(key.WithKeys("space", "x"), key.WithHelp("space", "toggle")),

		Play:      key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open video")),
		Copy:      key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy URL")),
		Download:  key.NewBinding(key.WithKeys("d"), key.WithHelp("d", "download")),
		Duplicate: key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "edit as new")),

		SaveKey: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "save key")),
		Demo:    key.NewBinding(key.WithKeys("ctrl+t"), key.WithHelp("ctrl+t", "try the demo")),
	}
}
