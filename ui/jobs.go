package ui

import (
	"fmt"
	"os"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/jobs"
)

// Timings and sizes of the live list.
const (
	stampInterval = 2 * time.Second // how often to look for other processes' writes
	recentLimit   = 1000            // jobs the live list keeps
	topPage       = 50              // jobs reread when another process writes
)

// Messages addressed to the jobs screen.
type (
	recentMsg struct {
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
)

// listTopMsg opens the list at its newest job.
type listTopMsg struct{}

func (recentMsg) owner() screenID { return jobsID }
func (stampMsg) owner() screenID  { return jobsID }

// jobsScreen is the live job list: the newest jobs, updated in place from
// job events, and from the history file when another process writes.
type jobsScreen struct {
	sh *shared
	// opened is set once the first read of the history arrived.
	opened   bool
	list     listModel
	width    int
	stamp    history.Stamp
	stampAt  time.Time
	fileSeen fileState
}

func newJobsScreen(sh *shared) *jobsScreen { return &jobsScreen{sh: sh, list: newList()} }

func (s *jobsScreen) init() tea.Cmd { return s.loadFirst() }

// SetSize leaves lines for the summary and the column names.
func (s *jobsScreen) SetSize(w, h int) {
	s.width = w
	s.list.setHeight(h - 2)
}

func (s *jobsScreen) tabTitle() string { return fmt.Sprintf("Jobs (%d)", len(s.list.jobs)) }

// Keys are the list's keys.
func (s *jobsScreen) Keys() help.KeyMap {
	km := s.sh.km
	return keyHelp{
		short: []key.Binding{km.Open, km.Up, km.Down, km.New, km.History, km.Help, km.Quit},
		full:  [][]key.Binding{km.movement(), {km.Open, km.New, km.History, km.Batch, km.Back}},
	}
}

// Update handles list keys, the mouse, job events and reloads.
func (s *jobsScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case listTopMsg:
		s.list.cursor, s.list.offset = 0, 0
	case tea.KeyPressMsg:
		return s, s.key(msg)
	case tea.MouseWheelMsg:
		s.list.step(wheelStep(msg))
	case tea.MouseClickMsg:
		return s, s.click(msg)
	case jobEventMsg:
		s.event(msg.ev)
	case recentMsg:
		return s, s.loaded(msg)
	case stampMsg:
		return s, s.stamped(msg)
	case tickMsg:
		return s, s.ticked(msg.at)
	case connectedMsg:
		if msg.err == nil {
			return s, s.loadFirst()
		}
	case backendMsg:
		s.list.replace(nil)
		return s, s.loadFirst()
	}
	return s, nil
}

func (s *jobsScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	km := s.sh.km
	switch {
	case key.Matches(msg, km.Open):
		if j, ok := s.list.selected(); ok {
			return s.sh.open(detailID, openDetailMsg{job: j})
		}
	case key.Matches(msg, km.New):
		return s.sh.open(composeID, focusPromptMsg{})
	case key.Matches(msg, km.History):
		return s.sh.open(historyID, nil)
	case key.Matches(msg, km.Batch):
		return s.sh.open(batchID, nil)
	case key.Matches(msg, km.Back):
		return s.sh.open(composeID, nil)
	default:
		s.list.move(msg, km)
	}
	return nil
}

// click selects the row under the pointer; a second click opens it.
func (s *jobsScreen) click(msg tea.MouseClickMsg) tea.Cmd {
	if msg.Button != tea.MouseLeft {
		return nil
	}
	row := s.list.offset + msg.Y - 2
	if msg.Y < 2 || row >= len(s.list.jobs) {
		return nil
	}
	if row == s.list.cursor {
		return s.sh.open(detailID, openDetailMsg{job: s.list.jobs[row]})
	}
	s.list.cursor = row
	s.list.clamp()
	return nil
}

// wheelStep is three rows a notch.
func wheelStep(msg tea.MouseWheelMsg) int {
	switch msg.Button {
	case tea.MouseWheelDown:
		return 3
	case tea.MouseWheelUp:
		return -3
	}
	return 0
}

// View is the summary line and the visible rows.
func (s *jobsScreen) View() string { return s.list.view(s.sh.st, s.width, s.sh.frame, s.sh.now()) }

// loadRecent reads the newest limit jobs; merge folds them into the list
// instead of replacing it.
func (s *jobsScreen) loadRecent(limit int, merge bool) tea.Cmd {
	store := s.sh.backend.Store
	if store == nil {
		return nil
	}
	return func() tea.Msg {
		js, stamp, err := store.ListStamped(history.Query{Limit: limit})
		return recentMsg{jobs: js, stamp: stamp, limit: limit, merge: merge, err: err}
	}
}

// loadFirst reads just what the first frame shows; the rest follows.
func (s *jobsScreen) loadFirst() tea.Cmd { return s.loadRecent(max(s.list.height+1, 10), false) }

func (s *jobsScreen) loaded(msg recentMsg) tea.Cmd {
	if msg.err != nil {
		return flashErr(msg.err)
	}
	s.stamp = msg.stamp
	var cmds []tea.Cmd
	if msg.merge {
		s.list.merge(msg.jobs, len(msg.jobs) < msg.limit)
	} else {
		s.list.replace(msg.jobs)
		if !s.opened {
			s.opened = true
			cmds = append(cmds, s.opening())
		}
		if msg.limit < recentLimit && len(msg.jobs) == msg.limit {
			cmds = append(cmds, s.loadRecent(recentLimit, false))
		}
	}
	// The service follows jobs another process added.
	if svc := s.sh.svc; svc != nil {
		for _, j := range msg.jobs {
			if !j.Status.Terminal() && j.TaskID != "" && !svc.Following(j.ID) {
				svc.Follow(j.ID)
			}
		}
	}
	return tea.Batch(cmds...)
}

// startOnJobsMsg asks the root to open on the job list, since jobs are
// unfinished; it does unless the user has already pressed a key.
type startOnJobsMsg struct{}

// opening asks to start on the job list when any job is unfinished.
func (s *jobsScreen) opening() tea.Cmd {
	for _, j := range s.list.jobs {
		if !j.Status.Terminal() {
			return func() tea.Msg { return startOnJobsMsg{} }
		}
	}
	return nil
}

// event applies a change the job service reports.
func (s *jobsScreen) event(ev jobs.Event) {
	switch {
	case ev.Kind == jobs.JobDeleted:
		s.list.remove(ev.Job.ID)
	case ev.Kind == jobs.JobChanged && ev.Err == nil, ev.Kind == jobs.DownloadFinished:
		s.list.upsert(ev.Job)
	}
}

// ticked looks for other processes' writes every couple of seconds,
// however fast the spinner turns.
func (s *jobsScreen) ticked(at time.Time) tea.Cmd {
	if at.Sub(s.stampAt) < stampInterval {
		return nil
	}
	s.stampAt = at
	return s.checkStamp()
}

// checkStamp looks for writes by other processes: the file's size and
// modification time first, which cost one stat, and the stamp inside only
// when they moved.
func (s *jobsScreen) checkStamp() tea.Cmd {
	store := s.sh.backend.Store
	if store == nil {
		return nil
	}
	seen := s.fileSeen
	return func() tea.Msg {
		info, err := os.Stat(store.Path())
		if err == nil && seen.matches(info) {
			return nil
		}
		st, err := store.Stamp()
		return stampMsg{stamp: st, file: fileStateOf(info), err: err}
	}
}

func (s *jobsScreen) stamped(msg stampMsg) tea.Cmd {
	if msg.err != nil {
		return nil
	}
	s.fileSeen = msg.file
	if msg.stamp == s.stamp {
		return nil
	}
	// Another process (or this one) wrote: new jobs sit at the top, and
	// this process's own changes arrive as events.
	return s.loadRecent(topPage, true)
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
