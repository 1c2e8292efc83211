package ui

import (
	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"
)

// The screen contract.
//
// Every screen (compose, jobs, detail, history, key, help) is a type in its
// own file that satisfies screen. The root model (model.go) knows screens
// only through it and does four things: it handles global keys, switches
// screens when one asks for it (sh.open, sh.back), hands out the window
// size, and delivers messages. No screen writes another's fields; what they
// share (styles, key bindings, clock, backend, job service) sits in *shared,
// which only the root writes, but for the navigation requests in sh.nav.
//
// Delivery rules, in the order the root applies them:
//   - tea.WindowSizeMsg: every screen's SetSize, with the body's size.
//   - tea.KeyPressMsg and mouse messages: global keys first (ctrl+c, and
//     outside text fields q, ?, 1/2/3, ctrl+z), then the visible screen.
//     Mouse Y is made relative to the body.
//   - navigation: a screen calls sh.open(to, payload) or sh.back(from)
//     while it handles a message; as soon as that screen returns, in the
//     same Update, the root shows the screen and delivers the payload to it
//     (shownMsg when nil), or returns to the screen the current one was
//     opened from. navMsg and backMsg do the same as messages.
//   - addressed messages (an owner method): to that screen, visible or not.
//     An async reply carries its owner and, where a newer request can
//     supersede it, a seq the screen compares with its own to drop stale
//     answers.
//   - broadcast messages (a broadcast method: job events, the clock,
//     background changes, a new connection): to every screen.
//   - flashMsg: the root's message line.
//   - anything else (a text field's own messages): the visible screen.
//
// Adding a screen: give it a screenID below, a type with the four methods
// (plus typing() when it has text fields, tabTitle() when it is a header
// tab), build it in newScreens, and open it with sh.open(id, payload) from
// another screen. Adding a pane to a screen: a small type
// with update/view/setSize kept as a field of that screen, fed from the
// screen's own Update, laid out in its View (see the download pane in
// detail.go); its async replies are addressed to the screen that owns it.
type screen interface {
	// Update handles one message and returns the screen (itself) and a
	// command: I/O only inside the command.
	Update(tea.Msg) (screen, tea.Cmd)
	// View is the body: at most the size given to SetSize.
	View() string
	// SetSize is the body's size (the terminal minus header and footer).
	SetSize(w, h int)
	// Keys are the bindings that work now, for the key bar and help.
	Keys() help.KeyMap
}

// screenID names a screen; the root keeps one of each.
type screenID int

const (
	keyID screenID = iota
	composeID
	jobsID
	detailID
	historyID
	helpID
	batchID
	numScreens
)

// typer is a screen whose focus can be in a text field, where printable
// keys type instead of acting globally.
type typer interface{ typing() bool }

// titled is a screen with a header tab; the title may carry a count.
type titled interface{ tabTitle() string }

// addressed is a message for one screen, delivered visible or not.
type addressed interface{ owner() screenID }

// broadcaster is a message every screen receives.
type broadcaster interface{ broadcast() }

// navMsg asks the root to show a screen, handing it payload (may be nil).
type navMsg struct {
	to      screenID
	payload tea.Msg
}

// backMsg asks the root to close screen from, when it is on show, and
// return to the screen it was opened from.
type backMsg struct{ from screenID }

// router holds the navigation a screen asked for while it handled a
// message. The root applies it before it takes the next message, so keys
// typed right after one that opens a screen reach the screen it opened.
type router struct{ pending []tea.Msg }

// open asks the root to show screen to and hand it payload (may be nil).
// It returns no command, so it fits wherever a screen returns one.
func (sh *shared) open(to screenID, payload tea.Msg) tea.Cmd {
	sh.nav.pending = append(sh.nav.pending, navMsg{to: to, payload: payload})
	return nil
}

// back asks the root to close screen from and return to the one it was
// opened from.
func (sh *shared) back(from screenID) tea.Cmd {
	sh.nav.pending = append(sh.nav.pending, backMsg{from: from})
	return nil
}

// takeNav hands the root the oldest navigation request, if any.
func (sh *shared) takeNav() (tea.Msg, bool) {
	if len(sh.nav.pending) == 0 {
		return nil, false
	}
	req := sh.nav.pending[0]
	sh.nav.pending = sh.nav.pending[1:]
	return req, true
}

// flashMsg puts a sentence on the message line under the body.
type flashMsg struct {
	text string
	bad  bool
}

// flash is the command that shows a sentence on the message line.
func flash(text string, bad bool) tea.Cmd {
	return func() tea.Msg { return flashMsg{text: text, bad: bad} }
}

// flashErr shows an error as the sentence describeError makes of it.
func flashErr(err error) tea.Cmd { return flash(describeError(err), true) }
