package ui

import (
	"bytes"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/jobs"
	"github.com/soratui/soratui/ledger"
	"github.com/soratui/soratui/notify"
)

// spendRefreshTicks is how many clock ticks pass between rereads of the
// month's spend, so jobs another process sent count too.
const spendRefreshTicks = 30

// spendState is this month's spend as last read from the history.
type spendState struct {
	month ledger.Totals
	known bool
}

// spendMsg carries this month's spend, read in a command.
type spendMsg struct {
	month ledger.Totals
	err   error
}

// loadSpend reads this month's spend from the history.
func (m Model) loadSpend() tea.Cmd {
	store, now := m.sh.backend.Store, m.sh.now
	if store == nil {
		return nil
	}
	return func() tea.Msg {
		t, err := ledger.Month(store, now())
		return spendMsg{month: t, err: err}
	}
}

// handleSpend records the month's spend for the header and compose.
func (m Model) handleSpend(msg spendMsg) (tea.Model, tea.Cmd) {
	if msg.err == nil {
		m.sh.spend = spendState{month: msg.month, known: true}
	}
	return m, nil
}

// afterEvent is what the root does on a job event besides delivering it:
// reread the spend when a job starts or ends, and tell the terminal when
// one ended (notifications and taskbar progress).
func (m Model) afterEvent(ev jobs.Event) tea.Cmd {
	if ev.Kind != jobs.JobChanged || ev.Err != nil {
		return nil
	}
	var cmds []tea.Cmd
	if ev.Job.Status.Terminal() || ev.Job.Status == history.StatusSubmitting || notify.Ended(ev.Job.Status) {
		cmds = append(cmds, m.loadSpend())
	}
	if n := m.sh.notes; n != nil {
		cmds = append(cmds, n.job(ev.Job))
	}
	return tea.Batch(cmds...)
}

// spendSegment is the header's spend: this month's billed credits and,
// with a budget, what is left.
func (m Model) spendSegment() string {
	sp := m.sh.spend
	if !sp.known {
		return ""
	}
	st := m.sh.st
	s := "month " + fmt.Sprint(sp.month.Billed) + " cr"
	budget := m.sh.cfg.Settings.MonthlyBudget
	if budget <= 0 {
		return st.faint.Render(s)
	}
	left := ledger.Left(budget, sp.month)
	if left == 0 {
		return st.bad.Render(s + " · budget spent")
	}
	return st.faint.Render(fmt.Sprintf("%s · %d left", s, left))
}

// budgetProblem is why compose may not send its estimate now: it would
// take the month past the budget, or the month's spend is not read yet.
func (c *composeScreen) budgetProblem() string { return budgetProblem(c.sh, int(c.estimate())) }

// budgetProblem is why credits more may not be spent now: they would take
// the month past the budget, or the month's spend is not read yet.
func budgetProblem(sh *shared, credits int) string {
	budget := sh.cfg.Settings.MonthlyBudget
	if budget <= 0 || sh.backend.Store == nil {
		return ""
	}
	if !sh.spend.known {
		return "reading this month's spend for the budget…"
	}
	err := ledger.CheckBudget(budget, sh.spend.month, credits)
	if err == nil {
		return ""
	}
	return err.Error() + " (raise monthly_budget, or use 'soratui submit --over-budget')"
}

// budgetLine is the budget beside the estimate: what is left, or why the
// estimate is refused.
func (c *composeScreen) budgetLine() string {
	budget := c.sh.cfg.Settings.MonthlyBudget
	if budget <= 0 || !c.sh.spend.known {
		return ""
	}
	st := c.sh.st
	if p := c.budgetProblem(); p != "" {
		lines := wrapLines("Budget: "+p, c.width)
		for i, l := range lines {
			lines[i] = st.bad.Render(l)
		}
		return strings.Join(lines, "\n")
	}
	left := ledger.Left(budget, c.sh.spend.month) - int(c.estimate())
	return st.faint.Render(fmt.Sprintf("Budget: %s left this month after this", apidot.Credits(left)))
}

// noteSink turns job records into the terminal's notification and
// taskbar sequences, printed raw through the program.
type noteSink struct {
	buf bytes.Buffer
	w   *notify.Watcher
}

func newNoteSink(t notify.Terminal) *noteSink {
	n := &noteSink{}
	n.w = notify.NewWatcher(&n.buf, t)
	return n
}

// job hands the watcher a record and prints what it wrote, if anything.
func (n *noteSink) job(j history.Job) tea.Cmd {
	n.w.Job(j)
	return n.flush()
}

// done hides the taskbar's progress, for the end of the program.
func (n *noteSink) done() tea.Cmd {
	if n == nil {
		return nil
	}
	n.w.Close()
	return n.flush()
}

func (n *noteSink) flush() tea.Cmd {
	if n.buf.Len() == 0 {
		return nil
	}
	seq := n.buf.String()
	n.buf.Reset()
	return tea.Raw(seq)
}
