package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/soratui/soratui/jobs"
	"github.com/soratui/soratui/keys"
)

// shared is what every screen reads and only the root writes: the
// context, configuration, backend, connection, styles, keys and clock.
type shared struct {
	ctx     context.Context
	cfg     Config
	backend Backend
	svc     *jobs.Service
	key     keys.Key
	st      styles
	km      keyMap
	now     func() time.Time
	// frame counts clock ticks, for spinners.
	frame int
	// wait makes the commands that wait; tests swap it so none does.
	wait waiter
	// spend is this month's spend; notes, when notifications are on,
	// tells the terminal of finished jobs.
	spend spendState
	notes *noteSink
	// nav is the navigation screens ask for; the root drains it.
	nav router
}

// waiter makes the commands that wait: for a delay, for the next whole
// interval, or for the next job event.
type waiter struct {
	after func(time.Duration, func(time.Time) tea.Msg) tea.Cmd
	every func(time.Duration, func(time.Time) tea.Msg) tea.Cmd
	event func(context.Context, <-chan jobs.Event) tea.Cmd
}

// realWaiter waits for real.
func realWaiter() waiter {
	return waiter{after: tea.Tick, every: tea.Every, event: nextEvent}
}

// nextEvent waits for the next job event, or the end of the program.
func nextEvent(ctx context.Context, ch <-chan jobs.Event) tea.Cmd {
	return func() tea.Msg {
		select {
		case ev := <-ch:
			return jobEventMsg{ev: ev}
		case <-ctx.Done():
			return nil
		}
	}
}

// Messages every screen receives.
type (
	// jobEventMsg is a change to a job this process records or follows.
	jobEventMsg struct{ ev jobs.Event }
	// tickMsg is the interface's clock.
	tickMsg struct{ at time.Time }
	// stylesMsg says the styles changed with the background.
	stylesMsg struct{}
	// connectedMsg says a job service is ready (or why not).
	connectedMsg struct {
		svc     *jobs.Service
		stop    func()
		key     keys.Key
		backend *Backend
		err     error
	}
	// backendMsg says the backend changed (the demo replaced it).
	backendMsg struct{}
)

func (jobEventMsg) broadcast()  {}
func (tickMsg) broadcast()      {}
func (stylesMsg) broadcast()    {}
func (connectedMsg) broadcast() {}
func (backendMsg) broadcast()   {}
