package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/jobs"
	"github.com/soratui/soratui/keys"
)

// screen is what the body shows.
type screen int

const (
	screenKey screen = iota
	screenCompose
	screenJobs
	screenDetail
	screenHistory
)

// Timings of the interface's own clock.
const (
	idleInterval  = time.Second     // spinners and elapsed times
	stampInterval = 2 * time.Second // how often to look for other processes' writes
	recentLimit   = 1000            // jobs the live list keeps
	topPage       = 50              // jobs reread when another process writes
	flashDuration = 5 * time.Second
)

// Messages.
type (
	jobEventMsg struct{ ev jobs.Event }
	tickMsg     struct{ at time.Time }
	recentMsg   struct {
		jobs  []history.Job
		stamp history.Stamp
		limit int
		merge bool
		err   error
	}
	stampMsg struct {
		stamp history.Stamp
		file  fileState
		err   error
	}
	connectedMsg struct {
		tracker *jobs.Tracker
		key     keys.Key
		backend *Backend
		err     error
	}
	resumedMsg struct {
		n   int
		err error
	}
	keySavedMsg      struct{ key keys.Key }
	keySaveFailedMsg struct{ err error }
	flashMsg         struct {
		text string
		bad  bool
	}
	groupMsg struct {
		group string
		jobs  []history.Job
	}
)

// Model is the root of the interface: it routes messages to the screen on
// show and owns what screens share (size, styles, keys, store, tracker).
type Model struct {
	ctx     context.Context
	cfg     Config
	backend Backend
	now     func() time.Time

	st   styles
	km   keyMap
	help help.Model

	width, height int
	screen        screen
	back          screen
	showHelp      bool

	key     keys.Key
	tracker *jobs.Tracker
	events  chan jobs.Event

	compose composeModel
	list    listModel
	detail  detailModel
	hist    historyModel
	keyIn   keyModel

	frame    int
	stamp    history.Stamp
	stampAt  time.Time
	fileSeen fileState
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
	st := newStyles(true)
	m := Model{
		ctx:     ctx,
		cfg:     cfg,
		backend: cfg.Backend,
		now:     now,
		st:      st,
		km:      newKeyMap(),
		help:    help.New(),
		width:   80,
		height:  24,
		events:  make(chan jobs.Event, 64),
		compose: newCompose(st),
		list:    newList(),
		hist:    newHistory(st),
		keyIn:   newKeyModel(st, cfg.KeyErr),
		key:     cfg.Key,
	}
	m.help.Styles = st.help
	m.applySettings()
	m.screen = screenKey
	if cfg.Key.Value != "" {
		m.screen = screenCompose
	}
	m.layout()
	return m
}

// Init asks for the background colour, connects when there is a key, and
// starts the clock.
func (m Model) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, m.waitEvent(), m.tick(), m.keyIn.init()}
	if m.key.Value != "" {
		cmds = append(cmds, m.connect(m.backend, m.key), m.compose.prompt.Focus())
	}
	if m.backend.Store != nil {
		cmds = append(cmds, m.loadFirst())
	}
	return tea.Batch(cmds...)
}

// wait lets background follows finish writing after the program ends.
func (m Model) wait() {
	if m.tracker != nil {
		m.tracker.Wait()
	}
}

func (m Model) onEvent(ev jobs.Event) {
	select {
	case m.events <- ev:
	case <-m.ctx.Done():
	}
}

func (m Model) waitEvent() tea.Cmd {
	ch, ctx := m.events, m.ctx
	return func() tea.Msg {
		select {
		case ev := <-ch:
			return jobEventMsg{ev: ev}
		case <-ctx.Done():
			return nil
		}
	}
}

// tick drives spinners, elapsed times and noticing other processes, once
// a second on the second: one redraw a second keeps twenty live jobs
// under 1 % of a core.
func (m Model) tick() tea.Cmd {
	return tea.Every(idleInterval, func(t time.Time) tea.Msg { return tickMsg{at: t} })
}

func (m Model) connect(b Backend, k keys.Key) tea.Cmd {
	onEvent := m.onEvent
	return func() tea.Msg {
		if b.NewTracker == nil {
			return connectedMsg{err: errors.New("no API connection configured")}
		}
		tr, err := b.NewTracker(k.Value, onEvent)
		return connectedMsg{tracker: tr, key: k, backend: &b, err: err}
	}
}

func (m Model) resume() tea.Cmd {
	tr, ctx := m.tracker, m.ctx
	return func() tea.Msg {
		n, err := tr.Resume(ctx)
		return resumedMsg{n: n, err: err}
	}
}

// loadRecent reads the newest limit jobs; merge folds them into the list
// instead of replacing it.
func (m Model) loadRecent(limit int, merge bool) tea.Cmd {
	store := m.backend.Store
	return func() tea.Msg {
		js, stamp, err := store.ListStamped(history.Query{Limit: limit})
		return recentMsg{jobs: js, stamp: stamp, limit: limit, merge: merge, err: err}
	}
}

// loadFirst reads just what the first frame shows; the rest follows.
func (m Model) loadFirst() tea.Cmd { return m.loadRecent(max(m.bodyHeight(), 10), false) }

// checkStamp looks for writes by other processes: the file's size and
// modification time first, which cost one stat, and the stamp inside only
// when they moved.
func (m Model) checkStamp() tea.Cmd {
	store := m.backend.Store
	if store == nil {
		return nil
	}
	seen := m.fileSeen
	return func() tea.Msg {
		info, err := os.Stat(store.Path())
		if err == nil && seen.matches(info) {
			return nil
		}
		s, err := store.Stamp()
		return stampMsg{stamp: s, file: fileStateOf(info), err: err}
	}
}

// fileState is what a stat says of the history file.
type fileState struct {
	size    int64
	modTime time.Time
}

func fileStateOf(info os.FileInfo) fileState {
	if info == nil {
		return fileState{}
	}
	return fileState{size: info.Size(), modTime: info.ModTime()}
}

func (f fileState) matches(info os.FileInfo) bool {
	return !f.modTime.IsZero() && info.Size() == f.size && info.ModTime().Equal(f.modTime)
}

// Update routes one message, then leaves keyboard focus (and its
// blinking cursor) only on the screen on show.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	next, cmd := m.update(msg)
	nm := next.(Model)
	nm.syncFocus()
	return nm, cmd
}

// syncFocus blurs the text fields of screens that are not on show, so an
// idle interface does not redraw for a cursor nobody sees.
func (m *Model) syncFocus() {
	if m.screen != screenCompose || m.showHelp {
		m.compose.prompt.Blur()
		m.compose.image.Blur()
	}
	if m.screen != screenKey {
		m.keyIn.input.Blur()
	} else if !m.keyIn.input.Focused() {
		m.keyIn.input.Focus()
	}
}

func (m Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		return m, nil
	case tea.BackgroundColorMsg:
		m.setStyles(newStyles(msg.IsDark()))
		return m, nil
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.MouseWheelMsg:
		return m.handleWheel(msg)
	case tickMsg:
		return m.handleTick(msg.at)
	case jobEventMsg:
		return m.handleEvent(msg.ev)
	case recentMsg:
		return m.handleRecent(msg)
	case stampMsg:
		if msg.err == nil {
			m.fileSeen = msg.file
		}
		if msg.err == nil && msg.stamp != m.stamp {
			// Another process (or this one) wrote: new jobs sit at the
			// top, and this process's own changes arrive as events.
			return m, m.loadRecent(topPage, true)
		}
		return m, nil
	case connectedMsg:
		return m.handleConnected(msg)
	case resumedMsg:
		if msg.err != nil {
			return m.flashError(fmt.Errorf("resuming unfinished jobs: %w", msg.err))
		}
		return m, nil
	case submittedMsg:
		return m.handleSubmitted(msg)
	case imageCheckRequestMsg:
		return m, m.checkImage(msg.url)
	case imageCheckedMsg:
		m.compose.imageChecked(msg)
		return m, nil
	case keySavedMsg:
		m.keyIn.saving = false
		m.flash, m.flashBad, m.flashAt = "Saved the key "+msg.key.Masked()+" to the keyring.", false, m.now()
		return m, m.connect(m.backend, msg.key)
	case keySaveFailedMsg:
		m.keyIn.saving = false
		m.keyIn.err = msg.err
		return m, nil
	case demoMsg:
		return m.handleDemo(msg)
	case groupMsg:
		m.detail.setGroup(msg)
		return m, nil
	case historyPageMsg:
		m.hist.loaded(msg)
		return m, nil
	case downloadProgressMsg:
		return m.handleDownloadProgress(msg)
	case downloadDoneMsg:
		return m.handleDownloadDone(msg)
	case flashMsg:
		m.flash, m.flashBad, m.flashAt = msg.text, msg.bad, m.now()
		return m, nil
	}
	return m.routeToScreen(msg)
}

func (m Model) routeToScreen(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch m.screen {
	case screenCompose:
		m.compose, cmd = m.compose.update(msg, m.km)
	case screenKey:
		m.keyIn, cmd = m.keyIn.update(msg)
	case screenHistory:
		m.hist, cmd = m.hist.update(msg, m.km, m.backend.Store)
	}
	return m, cmd
}

func (m *Model) setStyles(st styles) {
	m.st = st
	m.help.Styles = st.help
	m.compose.setStyles(st)
	m.hist.setStyles(st)
	m.keyIn.setStyles(st)
}

// bodyHeight is what the screens get between header and key bar.
func (m Model) bodyHeight() int { return max(4, m.height-4) }

func (m *Model) layout() {
	h := m.bodyHeight()
	m.help.SetWidth(m.width)
	m.compose.setSize(m.width, h)
	m.list.setHeight(h - 1)
	m.hist.setSize(m.width, h)
	m.detail.setSize(m.width, h)
	m.keyIn.setSize(m.width)
}

func (m Model) handleTick(at time.Time) (tea.Model, tea.Cmd) {
	m.frame++
	if m.flash != "" && m.now().Sub(m.flashAt) > flashDuration {
		m.flash = ""
	}
	// Another process's changes are looked for every couple of seconds,
	// however fast the spinner turns.
	if at.Sub(m.stampAt) < stampInterval {
		return m, m.tick()
	}
	m.stampAt = at
	return m, tea.Batch(m.tick(), m.checkStamp())
}

func (m Model) handleEvent(ev jobs.Event) (tea.Model, tea.Cmd) {
	cmds := []tea.Cmd{m.waitEvent()}
	if ev.Err != nil {
		if apidot.IsAuth(ev.Err) {
			m.flash, m.flashBad, m.flashAt = "The API key was refused while following "+ev.Job.ID+": set a valid one with 'soratui key set' or APIDOT_API_KEY.", true, m.now()
		}
		return m, tea.Batch(cmds...)
	}
	m.list.upsert(ev.Job)
	m.detail.refresh(ev.Job)
	m.hist.refresh(ev.Job)
	return m, tea.Batch(cmds...)
}

func (m Model) handleRecent(msg recentMsg) (tea.Model, tea.Cmd) {
	if msg.err != nil {
		return m.flashError(msg.err)
	}
	m.stamp = msg.stamp
	var cmds []tea.Cmd
	if msg.merge {
		for _, j := range msg.jobs {
			m.list.upsert(j)
		}
	} else {
		m.list.replace(msg.jobs)
		if msg.limit < recentLimit && len(msg.jobs) == msg.limit {
			cmds = append(cmds, m.loadRecent(recentLimit, false))
		}
	}
	for _, j := range msg.jobs {
		m.detail.refresh(j)
	}
	// Follow jobs another process added.
	if m.tracker != nil {
		for _, j := range msg.jobs {
			if !j.Status.Terminal() && j.TaskID != "" && !m.tracker.Following(j.ID) {
				m.tracker.Start(m.ctx, j.ID)
			}
		}
	}
	return m, tea.Batch(cmds...)
}

func (m Model) handleConnected(msg connectedMsg) (tea.Model, tea.Cmd) {
	if msg.err != nil {
		m.keyIn.err = msg.err
		m.screen = screenKey
		return m, nil
	}
	m.tracker, m.key = msg.tracker, msg.key
	if msg.backend != nil {
		m.backend = *msg.backend
	}
	if m.screen == screenKey {
		m.screen = screenCompose
	}
	return m, tea.Batch(m.resume(), m.loadFirst(), m.compose.focusField(fieldPrompt))
}

func (m Model) handleSubmitted(msg submittedMsg) (tea.Model, tea.Cmd) {
	for _, j := range msg.jobs {
		m.list.upsert(j)
		if !j.Status.Terminal() && j.TaskID != "" {
			m.tracker.Start(m.ctx, j.ID)
		}
	}
	if msg.err != nil {
		return m.flashError(msg.err)
	}
	n := len(msg.jobs)
	if n == 1 {
		m.flash = "Submitted " + msg.jobs[0].ID + "."
	} else {
		m.flash = fmt.Sprintf("Submitted %d variants as one group.", n)
	}
	m.flashBad, m.flashAt = false, m.now()
	return m, nil
}

func (m Model) flashError(err error) (tea.Model, tea.Cmd) {
	m.flash, m.flashBad, m.flashAt = describeError(err), true, m.now()
	return m, nil
}

// describeError is the sentence the interface shows for a failure.
func describeError(err error) string {
	var verr *apidot.ValidationError
	switch {
	case errors.As(err, &verr):
		return "Not sent: " + verr.Fields[0].Error()
	case apidot.IsAuth(err):
		return "APIDot refused the key: set a valid one with 'soratui key set' or APIDOT_API_KEY."
	case apidot.IsInsufficientCredits(err):
		return "Your APIDot balance cannot cover this job; nothing was retried."
	case apidot.IsAmbiguousSubmit(err):
		return "No answer to the submit: the task may exist (and be billed), so it was kept as unconfirmed and not resent."
	case apidot.IsInvalid(err):
		return "APIDot refused the request: " + err.Error()
	case errors.Is(err, history.ErrLocked):
		return err.Error()
	}
	return err.Error()
}

func (m Model) checkImage(url string) tea.Cmd {
	check, ctx := m.backend.CheckImage, m.ctx
	if check == nil {
		check = func(ctx context.Context, u string) error { return apidot.CheckImage(ctx, nil, u) }
	}
	return func() tea.Msg { return imageCheckedMsg{url: url, err: check(ctx, url)} }
}

// handleKey applies global keys, then the screen's.
func (m Model) handleKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if key.Matches(msg, m.km.ForceQuit) {
		m.quitting = true
		return m, tea.Quit
	}
	if m.showHelp {
		if key.Matches(msg, m.km.Help, m.km.Back, m.km.Quit) {
			m.showHelp = false
			if m.screen == screenCompose {
				return m, m.compose.focusField(m.compose.focus)
			}
		}
		return m, nil
	}
	typing := m.typing()
	if !typing {
		switch {
		case key.Matches(msg, m.km.Quit):
			m.quitting = true
			return m, tea.Quit
		case key.Matches(msg, m.km.Help):
			m.showHelp = true
			return m, nil
		}
	}
	switch m.screen {
	case screenKey:
		return m.keyScreenKey(msg)
	case screenCompose:
		return m.composeKey(msg)
	case screenJobs:
		return m.jobsKey(msg)
	case screenDetail:
		return m.detailKey(msg)
	case screenHistory:
		return m.historyKey(msg)
	}
	return m, nil
}

// typing reports whether printable keys belong to a text field.
func (m Model) typing() bool {
	switch m.screen {
	case screenKey:
		return true
	case screenCompose:
		return m.compose.typing()
	case screenHistory:
		return m.hist.filtering
	}
	return false
}

// screenSwitch handles the keys that change screens from lists.
func (m Model) screenSwitch(msg tea.KeyPressMsg) (Model, tea.Cmd, bool) {
	switch {
	case key.Matches(msg, m.km.Compose):
		m.screen = screenCompose
		return m, m.compose.focusField(m.compose.focus), true
	case key.Matches(msg, m.km.Jobs):
		m.screen = screenJobs
		return m, nil, true
	case key.Matches(msg, m.km.History):
		m.screen = screenHistory
		return m, m.hist.reload(m.backend.Store), true
	}
	return m, nil, false
}

func (m Model) composeKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.km.Submit):
		return m.submit()
	case key.Matches(msg, m.km.Back):
		m.screen = screenJobs
		return m, nil
	}
	var cmd tea.Cmd
	m.compose, cmd = m.compose.update(msg, m.km)
	return m, cmd
}

func (m Model) submit() (tea.Model, tea.Cmd) {
	m.compose.tried = true
	if probs := m.compose.problems(); len(probs) > 0 {
		for f := fieldPrompt; f < numFields; f++ {
			if r := probs[f]; r != "" {
				m.flash, m.flashBad, m.flashAt = "Cannot submit yet: "+r, true, m.now()
				break
			}
		}
		return m, nil
	}
	if m.tracker == nil {
		return m.flashError(errors.New("not connected to APIDot yet"))
	}
	reqs := m.compose.requests()
	m.compose.reset()
	m.screen = screenJobs
	m.list.cursor, m.list.offset = 0, 0
	m.flash, m.flashBad, m.flashAt = "Submitting…", false, m.now()
	return m, submitCmd(m.ctx, m.tracker, reqs)
}

func (m Model) jobsKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if m2, cmd, ok := m.screenSwitch(msg); ok {
		return m2, cmd
	}
	switch {
	case key.Matches(msg, m.km.Open):
		if j, ok := m.list.selected(); ok {
			return m.openDetail(j, screenJobs)
		}
	case key.Matches(msg, m.km.Back):
		m.screen = screenCompose
		return m, m.compose.focusField(m.compose.focus)
	default:
		m.list.move(msg, m.km)
	}
	return m, nil
}

func (m Model) openDetail(j history.Job, from screen) (tea.Model, tea.Cmd) {
	m.back = from
	m.screen = screenDetail
	m.detail.show(j)
	return m, m.loadGroup(j)
}

func (m Model) loadGroup(j history.Job) tea.Cmd {
	if j.GroupID == "" || m.backend.Store == nil {
		return nil
	}
	store := m.backend.Store
	return func() tea.Msg {
		// Members of a group are recorded in one transaction with one
		// created_at, so they sit together at the top of a short page.
		js, err := store.List(history.Query{CreatedBefore: j.CreatedAt.Add(time.Millisecond), Limit: 64})
		if err != nil {
			return flashMsg{text: err.Error(), bad: true}
		}
		var group []history.Job
		for _, g := range js {
			if g.GroupID == j.GroupID {
				group = append(group, g)
			}
		}
		return groupMsg{group: j.GroupID, jobs: group}
	}
}

func (m Model) detailKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	j := m.detail.job
	switch {
	case key.Matches(msg, m.km.Back):
		m.screen = m.back
		return m, nil
	case key.Matches(msg, m.km.Duplicate):
		m.screen = screenCompose
		return m, m.compose.fill(j)
	case key.Matches(msg, m.km.Copy):
		if len(j.VideoURLs) == 0 {
			return m.flashError(errors.New("nothing to copy: the job has no result URL yet"))
		}
		m.flash, m.flashBad, m.flashAt = "Copied the video URL to the clipboard (OSC 52).", false, m.now()
		return m, tea.SetClipboard(j.VideoURLs[0])
	case key.Matches(msg, m.km.Play):
		return m, m.open(j)
	case key.Matches(msg, m.km.Download):
		return m, m.download(j)
	}
	if m2, cmd, ok := m.screenSwitch(msg); ok {
		return m2, cmd
	}
	m.detail.scroll(msg, m.km)
	return m, nil
}

// open shows the local file if downloaded, else the URL.
func (m Model) open(j history.Job) tea.Cmd {
	target := j.LocalPath
	if target == "" && len(j.VideoURLs) > 0 {
		target = j.VideoURLs[0]
	}
	if target == "" {
		return func() tea.Msg { return flashMsg{text: "Nothing to open yet: the job has no result.", bad: true} }
	}
	openURL := m.cfg.OpenURL
	return func() tea.Msg {
		if openURL == nil {
			return flashMsg{text: "No way to open files here; the result is at " + target, bad: true}
		}
		if err := openURL(target); err != nil {
			return flashMsg{text: "Could not open a player or browser (" + err.Error() + "); the result is at " + target, bad: true}
		}
		return flashMsg{text: "Opened " + target}
	}
}

// download is provided by download.go.

func (m Model) historyKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if !m.hist.filtering {
		if key.Matches(msg, m.km.Open) {
			if j, ok := m.hist.selected(); ok {
				return m.openDetail(j, screenHistory)
			}
			return m, nil
		}
		if key.Matches(msg, m.km.Back) {
			m.screen = screenJobs
			return m, nil
		}
		if m2, cmd, ok := m.screenSwitch(msg); ok {
			return m2, cmd
		}
	}
	var cmd tea.Cmd
	m.hist, cmd = m.hist.update(msg, m.km, m.backend.Store)
	return m, cmd
}

func (m Model) keyScreenKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.km.Demo) && m.cfg.Demo != nil:
		demo := m.cfg.Demo
		return m, func() tea.Msg {
			b, k, err := demo()
			return demoMsg{backend: b, key: k, err: err}
		}
	case key.Matches(msg, m.km.Back):
		if m.key.Value != "" {
			m.screen = screenCompose
		}
		return m, nil
	case key.Matches(msg, m.km.SaveKey):
		return m.saveKey()
	}
	var cmd tea.Cmd
	m.keyIn, cmd = m.keyIn.update(msg)
	return m, cmd
}

// demoMsg switches to the built-in simulator.
type demoMsg struct {
	backend Backend
	key     keys.Key
	err     error
}

func (m Model) handleDemo(msg demoMsg) (tea.Model, tea.Cmd) {
	if msg.err != nil {
		m.keyIn.err = msg.err
		return m, nil
	}
	m.backend = msg.backend
	m.list.replace(nil)
	return m, tea.Batch(m.connect(msg.backend, msg.key), m.loadFirst())
}

func (m Model) saveKey() (tea.Model, tea.Cmd) {
	value := strings.TrimSpace(m.keyIn.input.Value())
	if err := keys.CheckShape(value); err != nil {
		m.keyIn.err = err
		return m, nil
	}
	m.keyIn.saving, m.keyIn.err = true, nil
	m.keyIn.input.SetValue("")
	save, ctx := m.cfg.SaveKey, m.ctx
	k := keys.Key{Value: value, Source: keys.SourceKeyring}
	return m, func() tea.Msg {
		if save == nil {
			return keySaveFailedMsg{err: errors.New("saving keys is not available here; set APIDOT_API_KEY")}
		}
		if err := save(ctx, value); err != nil {
			return keySaveFailedMsg{err: err}
		}
		return keySavedMsg{key: k}
	}
}

func (m Model) handleWheel(msg tea.MouseWheelMsg) (tea.Model, tea.Cmd) {
	down := msg.Button == tea.MouseWheelDown
	up := msg.Button == tea.MouseWheelUp
	if !down && !up {
		return m, nil
	}
	step := 1
	if up {
		step = -1
	}
	switch m.screen {
	case screenJobs:
		m.list.step(step * 3)
	case screenHistory:
		var cmd tea.Cmd
		m.hist, cmd = m.hist.step(step*3, m.backend.Store)
		return m, cmd
	case screenDetail:
		m.detail.offset = max(0, m.detail.offset+step*3)
	}
	return m, nil
}

// View draws the header, the screen, the flash line and the key bar.
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

// render is the whole frame as a string.
func (m Model) render() string {
	w := m.width
	body := ""
	h := m.bodyHeight()
	if m.showHelp {
		body = m.helpView()
	} else {
		switch m.screen {
		case screenKey:
			body = m.keyIn.view(m.st, m.km, m.cfg.Demo != nil)
		case screenCompose:
			body = m.compose.view(m.st, m.km)
		case screenJobs:
			body = m.list.view(m.st, w, m.frame, m.now())
		case screenDetail:
			body = m.detail.view(m.st, m.frame, m.now())
		case screenHistory:
			body = m.hist.view(m.st, w, m.frame, m.now())
		}
	}
	body = fitHeight(body, h)
	flash := ""
	if m.flash != "" {
		s := m.st.notice
		if m.flashBad {
			s = m.st.bad
		}
		flash = s.Render(truncate(m.flash, w))
	}
	frame := m.header() + "\n" + body + "\n" + flash + "\n" + m.keyBar()
	return clipLines(frame, w)
}

// clipLines cuts every line of s to w cells, so nothing wraps.
func clipLines(s string, w int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if len(l) > w && width(l) > w {
			lines[i] = ansi.Truncate(l, w, "…")
		}
	}
	return strings.Join(lines, "\n")
}

// fitHeight pads or cuts s to exactly h lines.
func fitHeight(s string, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

func (m Model) header() string {
	tabs := []struct {
		name string
		s    screen
	}{{"Compose", screenCompose}, {fmt.Sprintf("Jobs (%d)", len(m.list.jobs)), screenJobs}, {"History", screenHistory}}
	var parts []string
	parts = append(parts, m.st.title.Render("soratui"))
	for _, t := range tabs {
		style := m.st.tab
		if m.screen == t.s || (m.screen == screenDetail && m.back == t.s) {
			style = m.st.tabActive
		}
		parts = append(parts, style.Render(t.name))
	}
	left := strings.Join(parts, " ")
	right := ""
	switch {
	case m.backend.Demo:
		right = m.st.warn.Render("demo: simulator, no key, no network")
	case m.key.Value != "":
		right = m.st.faint.Render("key " + m.key.Masked() + " (" + string(m.key.Source) + ")")
	}
	gap := m.width - lipgloss.Width(left) - lipgloss.Width(right)
	if gap < 1 {
		right, gap = "", max(1, m.width-lipgloss.Width(left))
	}
	line := left + strings.Repeat(" ", gap) + right
	return truncate(line, m.width) + "\n" + m.st.rule.Render(strings.Repeat("─", m.width))
}

// bindings are the keys that work on the current screen.
func (m Model) bindings() []key.Binding {
	km := m.km
	switch {
	case m.showHelp:
		return []key.Binding{km.Help, km.Back}
	}
	switch m.screen {
	case screenKey:
		b := []key.Binding{km.SaveKey}
		if m.cfg.Demo != nil {
			b = append(b, km.Demo)
		}
		if m.key.Value != "" {
			b = append(b, km.Back)
		}
		return append(b, km.ForceQuit)
	case screenCompose:
		b := []key.Binding{km.Submit, km.NextField, km.PrevField}
		if !m.compose.typing() {
			b = append(b, km.Left)
			if m.compose.focus == fieldCompare {
				b = append(b, km.Toggle)
			}
			b = append(b, km.Help)
		}
		return append(b, key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "jobs")), km.ForceQuit)
	case screenJobs:
		return []key.Binding{km.Open, km.Up, km.Down, km.Compose, km.History, km.Help, km.Quit}
	case screenDetail:
		return []key.Binding{km.Play, km.Copy, km.Download, km.Duplicate, km.Back, km.Help, km.Quit}
	case screenHistory:
		if m.hist.filtering {
			return []key.Binding{key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "apply")), key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear"))}
		}
		return []key.Binding{km.Open, km.Filter, km.Status, km.Model, km.Back, km.Help, km.Quit}
	}
	return nil
}

func (m Model) keyBar() string {
	return m.help.ShortHelpView(m.bindings())
}

// fullHelp groups every binding for the ? screen.
func (m Model) fullHelp() [][]key.Binding {
	km := m.km
	return [][]key.Binding{
		{km.Compose, km.Jobs, km.History, km.Help, km.Back, km.Quit, km.ForceQuit},
		{km.Up, km.Down, km.PageUp, km.PageDown, km.Top, km.Bottom, km.Open},
		{km.Submit, km.NextField, km.PrevField, km.Left, km.Toggle},
		{km.Play, km.Copy, km.Download, km.Duplicate, km.Filter, km.Status, km.Model},
	}
}

func (m Model) helpView() string {
	h := m.help
	h.ShowAll = true
	groups := m.fullHelp()
	cols := h.FullHelpView(groups)
	if lipgloss.Width(cols) > m.width {
		half := (len(groups) + 1) / 2
		cols = h.FullHelpView(groups[:half]) + "\n\n" + h.FullHelpView(groups[half:])
	}
	var b strings.Builder
	b.WriteString(m.st.title.Render("Keys") + "\n\n" + cols + "\n")
	for _, l := range wrap("In the prompt and URL fields letters type text: tab leaves them, ctrl+s submits, esc goes to the job list. The mouse wheel scrolls lists. ? or esc closes this help.", m.width-1) {
		b.WriteString("\n" + m.st.faint.Render(l))
	}
	return b.String()
}
