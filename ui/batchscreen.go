package ui

import (
	"fmt"
	"os"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/batch"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/jobs"
	"github.com/soratui/soratui/ledger"
)

// batchParallel is how many of a batch's jobs the interface keeps
// unfinished at once (the command line's default).
const batchParallel = 2

// Replies addressed to the batch screen.
type (
	// batchPlannedMsg is a shot list read, validated and planned.
	batchPlannedMsg struct {
		seq  int
		plan batch.Plan
		err  error
	}
	// batchDoneMsg says a batch run ended.
	batchDoneMsg struct {
		res batch.Result
		err error
	}
)

func (batchPlannedMsg) owner() screenID { return batchID }
func (batchDoneMsg) owner() screenID    { return batchID }

// batchScreen starts a shot list from a file and shows its progress: a
// file name, then the plan and its estimate, then the batch's jobs as they
// move. A run goes on while other screens are on show.
type batchScreen struct {
	sh     *shared
	input  textinput.Model
	seq    int
	plan   *batch.Plan
	err    string
	run    string // "", "running", or how the run ended
	expect int    // the jobs a run makes, with those of earlier runs
	jobs   map[string]history.Job
	order  []string
	width  int
	height int
}

func newBatchScreen(sh *shared) *batchScreen {
	in := textinput.New()
	in.Placeholder = "shots.jsonl or shots.csv"
	in.Prompt = ""
	in.CharLimit = 4096
	in.SetStyles(sh.st.textinput())
	return &batchScreen{sh: sh, input: in, jobs: map[string]history.Job{}}
}

// SetSize is the body's size.
func (s *batchScreen) SetSize(w, h int) {
	s.width, s.height = w, h
	s.input.SetWidth(max(10, w-8))
}

// typing: the file name is a text field until a plan is shown.
func (s *batchScreen) typing() bool { return s.plan == nil }

// Keys are enter (plan, then start) and esc.
func (s *batchScreen) Keys() help.KeyMap {
	km := s.sh.km
	what := "read the file"
	if s.plan != nil && s.run == "" {
		what = "start the batch"
	}
	enter := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", what))
	return keyHelp{short: []key.Binding{enter, km.Back}, full: [][]key.Binding{{enter, km.Back}}}
}

// Update reads keys, plans and runs, and follows the batch's jobs.
func (s *batchScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case shownMsg:
		if s.run == "running" {
			return s, nil // back to a run under way: keep showing it
		}
		s.plan, s.run, s.err = nil, "", ""
		return s, s.input.Focus()
	case tea.KeyPressMsg:
		return s, s.key(msg)
	case batchPlannedMsg:
		if msg.seq == s.seq {
			s.planned(msg)
		}
	case batchDoneMsg:
		s.run = fmt.Sprintf("ended: %d job(s) sent", len(msg.res.Jobs))
		if msg.err != nil {
			s.run = "stopped: " + describeError(msg.err)
		}
		if msg.res.Unsent > 0 {
			s.run += fmt.Sprintf("; %d line(s) not sent: start the file again to send them", msg.res.Unsent)
		}
	case jobEventMsg:
		s.track(msg.ev)
	case stylesMsg:
		s.input.SetStyles(s.sh.st.textinput())
	case tea.PasteMsg:
		var cmd tea.Cmd
		s.input, cmd = s.input.Update(msg)
		return s, cmd
	}
	return s, nil
}

func (s *batchScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, s.sh.km.Back):
		if s.plan != nil && s.run == "" {
			s.plan, s.err = nil, "" // back to the file name
			return s.input.Focus()
		}
		return s.sh.back(batchID)
	case msg.String() == "enter" && s.plan == nil:
		s.seq++
		s.err = "reading the file…"
		return s.planCmd(s.seq, strings.TrimSpace(s.input.Value()))
	case msg.String() == "enter" && s.run == "":
		return s.start()
	case s.plan == nil:
		var cmd tea.Cmd
		s.input, cmd = s.input.Update(msg)
		return cmd
	}
	return nil
}

// planCmd reads, validates and plans the file in a command.
func (s *batchScreen) planCmd(seq int, path string) tea.Cmd {
	store, now, check := s.sh.backend.Store, s.sh.now, s.sh.backend.CheckImage
	set := s.sh.cfg.Settings
	d := batch.Defaults{Model: set.Model, Duration: set.Duration, Aspect: set.Aspect, Resolution: set.Resolution}
	if d.Model == "" {
		d.Model = apidot.ModelStandard
	}
	if d.Duration == 0 {
		d.Duration = apidot.DefaultDuration
	}
	ctx := s.sh.ctx
	return func() tea.Msg {
		if store == nil {
			return batchPlannedMsg{seq: seq, err: fmt.Errorf("no history is open")}
		}
		f, err := os.Open(path)
		if err != nil {
			return batchPlannedMsg{seq: seq, err: err}
		}
		defer f.Close()
		shots, err := batch.Parse(ctx, f, d, check)
		if err != nil {
			return batchPlannedMsg{seq: seq, err: err}
		}
		plan, err := batch.NewPlan(store, shots, now())
		return batchPlannedMsg{seq: seq, plan: plan, err: err}
	}
}

func (s *batchScreen) planned(msg batchPlannedMsg) {
	if msg.err != nil {
		s.err = msg.err.Error()
		return
	}
	s.plan, s.err, s.run = &msg.plan, "", ""
	s.jobs, s.order = map[string]history.Job{}, nil
	for _, l := range msg.plan.Lines {
		for _, j := range l.Sent {
			s.keep(j)
		}
	}
	s.input.Blur()
}

// refusal is why the plan may not start: nothing to send, or the budget.
func (s *batchScreen) refusal() string {
	p := s.plan
	if len(p.ToSend()) == 0 {
		return fmt.Sprintf("%d of %d already submitted: nothing to send", len(p.Lines), len(p.Lines))
	}
	budget := s.sh.cfg.Settings.MonthlyBudget
	if budget > 0 && !s.sh.spend.known {
		return "reading this month's spend for the budget…"
	}
	if err := ledger.CheckBudget(budget, s.sh.spend.month, p.Estimate()); err != nil {
		return err.Error()
	}
	return ""
}

// start runs the plan through the tracker in a command.
func (s *batchScreen) start() tea.Cmd {
	if r := s.refusal(); r != "" {
		return flash("Cannot start the batch: "+r, true)
	}
	svc := s.sh.svc
	if svc == nil {
		return flash("Cannot start the batch: not connected to APIDot yet", true)
	}
	s.run = "running"
	s.expect = s.plan.Jobs() + s.sentBefore()
	plan, ctx := *s.plan, s.sh.ctx
	return func() tea.Msg {
		res, err := batch.Runner{Service: svc, Parallel: batchParallel}.Run(ctx, plan, true)
		return batchDoneMsg{res: res, err: err}
	}
}

// track keeps the records of the batch's jobs.
func (s *batchScreen) track(ev jobs.Event) {
	if s.plan == nil || ev.Err != nil || ev.Kind != jobs.JobChanged || ev.Job.BatchID != s.plan.BatchID {
		return
	}
	s.keep(ev.Job)
}

func (s *batchScreen) keep(j history.Job) {
	if _, ok := s.jobs[j.ID]; !ok {
		s.order = append(s.order, j.ID)
	}
	s.jobs[j.ID] = j
}
