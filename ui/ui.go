package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/soratui/soratui/config"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/internal/draft"
	"github.com/soratui/soratui/jobs"
	"github.com/soratui/soratui/keys"
	"github.com/soratui/soratui/notify"
)

// Backend is what the interface works on: a history, and how to reach the
// API once it has a key. The command line builds it.
type Backend struct {
	Store *history.Store
	// NewService builds the job service that authenticates with key: the
	// one route by which the interface submits, follows, downloads and
	// deletes, and learns of every change (its events).
	NewService func(key string) (*jobs.Service, error)
	// CheckImage checks a guiding image URL.
	CheckImage func(ctx context.Context, url string) error
	// Frames takes frames of finished videos for Detail and History
	// (package frames); nil turns previews off.
	Frames Previewer
	// Demo is true for the built-in simulator.
	Demo bool
}

// Config starts the interface.
type Config struct {
	Version string
	Backend Backend
	// Key is the key found at start; its zero value opens the key screen,
	// with KeyErr saying why none was found.
	Key    keys.Key
	KeyErr error
	// SaveKey stores a key pasted on the key screen.
	SaveKey func(ctx context.Context, key string) error
	// Demo switches to the built-in simulator from the key screen.
	Demo func() (Backend, keys.Key, error)
	// OpenURL opens a URL or a file in the system's browser or player.
	OpenURL func(target string) error
	// Drafts keeps the compose form across runs; nil keeps none.
	Drafts *draft.Store
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Settings are the configured defaults compose opens with; SettingsErr,
	// when set, is a bad config file the interface reports on start.
	Settings    config.Settings
	SettingsErr error
	// Terminal is how to reach the terminal's notifications (tmux or
	// not); used when Settings.Notify is on.
	Terminal notify.Terminal
}

// Run shows the interface until the user quits. Unfinished jobs stay in
// the history and resume at the next start.
func Run(ctx context.Context, cfg Config, opts ...tea.ProgramOption) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	m := New(ctx, cfg)
	p := tea.NewProgram(m, append(programOptions(ctx), opts...)...)
	final, err := p.Run()
	cancel()
	if fm, ok := final.(Model); ok {
		fm.stop()
		fm.close()
	}
	return err
}

// frameRate caps redraws. The renderer wakes this often even when nothing
// changed, a large part of what an idle interface costs: 12 a second
// keeps typing fluid (at most 83 ms to echo); 4 a second would save about
// a third of the idle CPU and let a typed letter wait 250 ms.
const frameRate = 12

// programOptions are the options every run of the interface uses.
func programOptions(ctx context.Context) []tea.ProgramOption {
	return []tea.ProgramOption{tea.WithContext(ctx), tea.WithFPS(frameRate)}
}
