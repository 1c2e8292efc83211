package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/jobs"
	"github.com/soratui/soratui/keys"
)

// Timings of the interface's own clock.
const (
	idleInterval  = time.Second // spinners and elapsed times
	flashDuration = 5 * time.Second
)

// headerHeight is the title line and the rule under it.
const headerHeight = 2

// Root-only messages.
type (
	resumedMsg struct {
		n   int
		err error
	}
	// demoMsg switches to the built-in simulator.
	demoMsg struct {
		backend Backend
		key     keys.Key
		err     error
	}
	// shownMsg tells a screen it is on show again with nothing new to do.
	shownMsg struct{}
)

// Model is the root of the interface: it routes messages to screens (see
// screen.go for the rules) and owns what they share.
type Model struct {
	sh      *shared
	screens [numScreens]screen
	current screenID
	// back is, for each screen, the one it was opened from.
	back [numScreens]screenID
	help help.Model

	width, height int
	events        chan jobs.Event
	// stopListen ends the service listener that feeds events.
	stopListen func()

	// keyed is set by the first key press: the start screen stays put.
	keyed bool

	flash    string
	flashBad bool
	flashAt  time.Time
	quitting bool
}

// New builds the root model; Run shows it.
func New(ctx context.Context, cfg Config) Model {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	sh := &shared{ctx: ctx, cfg: cfg, backend: cfg.Backend, key: cfg.Key, st: newStyles(true), km: newKeyMap(), now: now, wait: realWaiter()}
	m := Model{sh: sh, help: help.New(), width: 80, height: 24, events: make(chan jobs.Event, 64)}
	m.help.Styles = sh.st.help
	if cfg.Settings.Notify {
		sh.notes = newNoteSink(cfg.Terminal)
	}
	m.screens = [numScreens]screen{
		keyID:     newKeyScreen(sh, cfg.KeyErr),
		composeID: newComposeScreen(sh),
		jobsID:    newJobsScreen(sh),
		detailID:  newDetailScreen(sh),
		historyID: newHistoryScreen(sh),
		helpID:    newHelpScreen(sh),
		batchID:   newBatchScreen(sh),
	}
	for i := range m.back {
		m.back[i] = jobsID
	}
	m.back[keyID] = composeID
	if cfg.SettingsErr != nil {
		m.flash, m.flashBad, m.flashAt = "Config file ignored, defaults in use: "+cfg.SettingsErr.Error(), true, now()
	}
	m.current = keyID
	if cfg.Key.Value != "" {
		m.current = composeID
	}
	m.resize()
	return m
}

// Init asks for the background colour, connects when there is a key, and
// starts the clock.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, m.waitEvent(), m.tick(), m.loadSpend()}
	if m.sh.key.Value != "" {
		cmds = append(cmds, m.connect(m.sh.backend, m.sh.key))
	}
	for _, s := range m.screens {
		if i, ok := s.(interface{ init() tea.Cmd }); ok {
			cmds = append(cmds, i.init())
		}
	}
	return tea.Batch(cmds...)
}

// close lets each screen finish its work when the program has ended:
// compose writes the draft.
func (m Model) close() {
	for _, s := range m.screens {
		if c, ok := s.(interface{ close() error }); ok {
			_ = c.close() // the program has ended: nowhere to show an error
		}
	}
}

// stop stops listening to the job service; the command line closes it.
func (m Model) stop() {
	if m.stopListen != nil {
		m.stopListen()
	}
}

func (m Model) waitEvent() tea.Cmd { return m.sh.wait.event(m.sh.ctx, m.events) }

// tick drives spinners, elapsed times and noticing other processes, once
// a second: one redraw a second keeps twenty live jobs under 1 % of a core.
func (m Model) tick() tea.Cmd {
	return m.sh.wait.every(idleInterval, func(t time.Time) tea.Msg { return tickMsg{at: t} })
}

// connect builds the job service and hands its events to the program
// through the events channel.
func (m Model) connect(b Backend, k keys.Key) tea.Cmd {
	ch, ctx := m.events, m.sh.ctx
	return func() tea.Msg {
		if b.NewService == nil {
			return connectedMsg{err: errors.New("no API connection configured")}
		}
		svc, err := b.NewService(k.Value)
		if err != nil {
			return connectedMsg{err: err}
		}
		stop := svc.Listen(func(ev jobs.Event) {
			select {
			case ch <- ev:
			case <-ctx.Done():
			}
		})
		return connectedMsg{svc: svc, stop: stop, key: k, backend: &b}
	}
}

// resume has the service follow every unfinished job of the history.
func (m Model) resume() tea.Cmd {
	svc := m.sh.svc
	return func() tea.Msg {
		js, err := svc.Resume()
		return resumedMsg{n: len(js), err: err}
	}
}

// Update routes one message; see screen.go for the rules.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.resize()
		return m, nil
	case tea.BackgroundColorMsg:
		m.sh.st = newStyles(msg.IsDark())
		m.help.Styles = m.sh.st.help
		return m.broadcast(stylesMsg{})
	case tea.ColorProfileMsg:
		// Pictures need to know whether colours reach the terminal at all.
		return m.broadcast(msg)
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.MouseMsg:
		return m.deliver(m.current, bodyMouse(msg))
	case navMsg, backMsg:
		return m.navigate(msg)
	case flashMsg:
		m.flash, m.flashBad, m.flashAt = msg.text, msg.bad, m.sh.now()
		return m, nil
	case tickMsg:
		return m.handleTick(msg)
	case jobEventMsg:
		return m.handleEvent(msg)
	case connectedMsg:
		return m.handleConnected(msg)
	case startOnJobsMsg:
		if m.current == composeID && !m.keyed {
			return m.show(jobsID, nil, false)
		}
		return m, nil
	case connectRequestMsg:
		return m, m.connect(m.sh.backend, msg.key)
	case demoMsg:
		return m.handleDemo(msg)
	case spendMsg:
		return m.handleSpend(msg)
	case resumedMsg:
		if msg.err != nil {
			return m, flashErr(fmt.Errorf("resuming unfinished jobs: %w", msg.err))
		}
		return m, nil
	case addressed:
		return m.deliver(msg.owner(), msg)
	case broadcaster:
		return m.broadcast(msg)
	}
	return m.deliver(m.current, msg)
}

// deliver hands msg to one screen, then applies the navigation it asked
// for before anything else can arrive.
func (m Model) deliver(id screenID, msg tea.Msg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	m.screens[id], cmd = m.screens[id].Update(msg)
	cmds := []tea.Cmd{cmd}
	for req, ok := m.sh.takeNav(); ok; req, ok = m.sh.takeNav() {
		var c tea.Cmd
		m, c = m.navigate(req)
		cmds = append(cmds, c)
	}
	return m, tea.Batch(cmds...)
}

// navigate applies one navigation request: navMsg or backMsg.
func (m Model) navigate(req tea.Msg) (Model, tea.Cmd) {
	switch req := req.(type) {
	case navMsg:
		return m.show(req.to, req.payload, true)
	case backMsg:
		if req.from == m.current {
			return m.show(m.back[m.current], nil, false)
		}
	}
	return m, nil
}

// broadcast hands msg to every screen.
func (m Model) broadcast(msg tea.Msg) (Model, tea.Cmd) {
	cmds := make([]tea.Cmd, 0, numScreens)
	for id := range m.screens {
		var cmd tea.Cmd
		m, cmd = m.deliver(screenID(id), msg)
		cmds = append(cmds, cmd)
	}
	return m, tea.Batch(cmds...)
}

// show puts a screen on show and hands it payload (shownMsg when nil);
// opened records where it was opened from, for esc.
func (m Model) show(to screenID, payload tea.Msg, opened bool) (Model, tea.Cmd) {
	if opened && to != m.current {
		m.back[to] = m.current
	}
	m.current = to
	if payload == nil {
		payload = shownMsg{}
	}
	return m.deliver(to, payload)
}

// bodyMouse makes a mouse message's Y relative to the body.
func bodyMouse(msg tea.MouseMsg) tea.Msg {
	switch msg := msg.(type) {
	case tea.MouseClickMsg:
		msg.Y -= headerHeight
		return msg
	case tea.MouseWheelMsg:
		msg.Y -= headerHeight
		return msg
	}
	return msg
}

// bodyHeight is what the screens get between header and footer.
func (m Model) bodyHeight() int { return max(4, m.height-headerHeight-footerHeight) }

func (m *Model) resize() {
	m.help.SetWidth(m.width)
	for _, s := range m.screens {
		s.SetSize(m.width, m.bodyHeight())
	}
}

func (m Model) handleTick(msg tickMsg) (tea.Model, tea.Cmd) {
	m.sh.frame++
	if m.flash != "" && m.sh.now().Sub(m.flashAt) > flashDuration {
		m.flash = ""
	}
	m, cmd := m.broadcast(msg)
	if m.sh.frame%spendRefreshTicks == 0 {
		cmd = tea.Batch(cmd, m.loadSpend())
	}
	return m, tea.Batch(m.tick(), cmd)
}

func (m Model) handleEvent(msg jobEventMsg) (tea.Model, tea.Cmd) {
	if ev := msg.ev; ev.Kind == jobs.JobChanged && ev.Err != nil && apidot.IsAuth(ev.Err) {
		m.flash, m.flashBad, m.flashAt = "The API key was refused while following "+ev.Job.ID+": set a valid one with 'soratui key set' or APIDOT_API_KEY.", true, m.sh.now()
	}
	m, cmd := m.broadcast(msg)
	return m, tea.Batch(m.waitEvent(), cmd, m.afterEvent(msg.ev))
}

func (m Model) handleConnected(msg connectedMsg) (tea.Model, tea.Cmd) {
	if msg.err == nil {
		m.stop()
		m.sh.svc, m.sh.key, m.stopListen = msg.svc, msg.key, msg.stop
		if msg.backend != nil {
			m.sh.backend = *msg.backend
		}
	}
	m, cmd := m.broadcast(msg)
	if msg.err != nil {
		m, show := m.show(keyID, nil, true)
		return m, tea.Batch(cmd, show)
	}
	cmds := []tea.Cmd{cmd, m.resume()}
	if m.current == keyID {
		var show tea.Cmd
		m, show = m.show(composeID, nil, false)
		cmds = append(cmds, show)
	}
	return m, tea.Batch(cmds...)
}

func (m Model) handleDemo(msg demoMsg) (tea.Model, tea.Cmd) {
	if msg.err != nil {
		return m.deliver(keyID, keyFailedMsg{err: msg.err})
	}
	m.sh.backend = msg.backend
	m, cmd := m.broadcast(backendMsg{})
	return m, tea.Batch(cmd, m.connect(msg.backend, msg.key))
}

// typing reports whether printable keys belong to a text field.
func (m Model) typing() bool {
	t, ok := m.screens[m.current].(typer)
	return ok && t.typing()
}

// handleKey applies global keys, then the visible screen's.
func (m Model) handleKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	km := m.sh.km
	m.keyed = true
	switch {
	case key.Matches(msg, km.ForceQuit):
		m.quitting = true
		return m, tea.Sequence(m.sh.notes.done(), tea.Quit)
	case key.Matches(msg, km.Suspend):
		return m, tea.Suspend
	case m.typing():
		return m.deliver(m.current, msg)
	case key.Matches(msg, km.Quit):
		m.quitting = true
		return m, tea.Sequence(m.sh.notes.done(), tea.Quit)
	case key.Matches(msg, km.Help) && m.current == helpID:
		return m.show(m.back[helpID], nil, false)
	case key.Matches(msg, km.Help):
		return m.show(helpID, helpForMsg{keys: m.screens[m.current].Keys()}, true)
	case key.Matches(msg, km.Tab1):
		return m.show(composeID, nil, true)
	case key.Matches(msg, km.Tab2):
		return m.show(jobsID, nil, true)
	case key.Matches(msg, km.Tab3):
		return m.show(historyID, nil, true)
	}
	return m.deliver(m.current, msg)
}

// View draws the header, the screen, the message line and the key bar.
func (m Model) View() tea.View {
	var v tea.View
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "soratui"
	if m.quitting {
		return v
	}
	v.SetContent(m.render())
	return v
}
