package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/internal/inert"
	"github.com/soratui/soratui/jobs"
)

// retryStage is where the choice for an unconfirmed job stands.
type retryStage int

const (
	retryNone    retryStage = iota
	retryChoose             // what is known, and the two ways out
	retryTask               // typing the task id
	retryConfirm            // asking before the request is sent a second time
)

// retryPane settles an unconfirmed job from Detail: the first request may
// have made a billed task, so nothing is sent again without an explicit yes.
type retryPane struct {
	stage retryStage
	input textinput.Model
	// busy is set while the service answers, so keys cannot send twice.
	busy bool
}

// Keys of the choice, one set per stage.
var (
	retryTaskKey   = key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "paste the task id"))
	retryResendKey = key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "send again as a new job"))
	retryAdoptKey  = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "adopt the task"))
	retryCancelKey = key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel"))
	retryKeepKey   = key.NewBinding(key.WithKeys("n"), key.WithHelp("any other key", "keep"))
)

// Replies of the service, addressed to Detail.
type (
	// resolvedMsg is the answer to adopting a task id into a job.
	resolvedMsg struct {
		id  string
		job history.Job
		err error
	}
	// resentMsg is the answer to marking a job never billed and sending
	// its request again.
	resentMsg struct {
		id             string
		settled, fresh history.Job
		err            error
	}
)

func (resolvedMsg) owner() screenID { return detailID }
func (resentMsg) owner() screenID   { return detailID }

func newRetryPane(sh *shared) retryPane {
	in := textinput.New()
	in.Prompt = "Task id: "
	in.Placeholder = "task-unified-…"
	in.CharLimit = 128
	in.SetStyles(sh.st.textinput())
	return retryPane{input: in}
}

// typing is true while the task id is typed, so q and 1/2/3 type.
func (s *detailScreen) typing() bool { return s.retry.stage == retryTask }

// retryKeys are the bindings of the choice on show.
func (s *detailScreen) retryKeys() []key.Binding {
	switch s.retry.stage {
	case retryTask:
		return []key.Binding{retryAdoptKey, retryCancelKey}
	case retryConfirm:
		return []key.Binding{s.sh.km.Confirm, retryKeepKey}
	}
	return []key.Binding{retryTaskKey, retryResendKey, retryCancelKey}
}

// openRetry shows the choice for an unconfirmed job.
func (s *detailScreen) openRetry() tea.Cmd {
	s.retry.stage, s.retry.busy = retryChoose, false
	s.retry.input.Reset()
	s.offset = 0
	return nil
}

// closeRetry leaves the choice, changing nothing.
func (s *detailScreen) closeRetry() {
	s.retry.stage, s.retry.busy = retryNone, false
	s.retry.input.Blur()
}

// retryKey handles a key while the choice is open.
func (s *detailScreen) retryKey(msg tea.KeyPressMsg) tea.Cmd {
	if s.retry.busy {
		return flash("Still waiting for APIDot's answer…", false)
	}
	if s.job.Status != history.StatusUnconfirmed {
		s.closeRetry()
		return flash(s.job.ID+" is "+string(s.job.Status)+" now; there is nothing to resolve.", false)
	}
	switch s.retry.stage {
	case retryTask:
		return s.taskKey(msg)
	case retryConfirm:
		if !key.Matches(msg, s.sh.km.Confirm) {
			s.closeRetry()
			return flash("Kept "+s.job.ID+" as it is; nothing was sent.", false)
		}
		return s.resend()
	}
	switch {
	case key.Matches(msg, retryTaskKey):
		s.retry.stage = retryTask
		return s.retry.input.Focus()
	case key.Matches(msg, retryResendKey):
		s.retry.stage = retryConfirm
	case key.Matches(msg, retryCancelKey):
		s.closeRetry()
		return flash("Nothing changed.", false)
	}
	return nil
}

// taskKey types the task id; enter adopts it, esc goes back to the choice.
func (s *detailScreen) taskKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, retryCancelKey):
		s.retry.stage = retryChoose
		s.retry.input.Blur()
		return nil
	case key.Matches(msg, retryAdoptKey):
		return s.adopt(strings.TrimSpace(s.retry.input.Value()))
	}
	var cmd tea.Cmd
	s.retry.input, cmd = s.retry.input.Update(msg)
	return cmd
}

// adopt asks the service to read the task and record it in this job, then
// follows it.
func (s *detailScreen) adopt(task string) tea.Cmd {
	if !apidot.ValidTaskID(task) {
		return flash("That is not a task id (letters, digits, '-', '_', '.', ':'); APIDot's dashboard shows it.", true)
	}
	svc, id, ctx := s.sh.svc, s.job.ID, s.sh.ctx
	if svc == nil {
		return flash("Not connected yet; try again in a moment.", true)
	}
	s.retry.busy = true
	return func() tea.Msg {
		j, err := svc.Resolve(ctx, id, task)
		if err == nil && !j.Status.Terminal() {
			svc.Follow(j.ID)
		}
		return resolvedMsg{id: id, job: j, err: err}
	}
}

// resend marks the job never billed and sends its request again, after the
// explicit yes, within the monthly budget.
func (s *detailScreen) resend() tea.Cmd {
	if p := budgetProblem(s.sh, s.job.Credits); p != "" {
		s.closeRetry()
		return flash("Not sent: "+p, true)
	}
	svc, id, ctx := s.sh.svc, s.job.ID, s.sh.ctx
	if svc == nil {
		return flash("Not connected yet; try again in a moment.", true)
	}
	s.retry.busy = true
	return resendCmd(ctx, svc, id)
}

func resendCmd(ctx context.Context, svc *jobs.Service, id string) tea.Cmd {
	return func() tea.Msg {
		settled, fresh, err := svc.Resend(ctx, id)
		if err == nil && !fresh.Status.Terminal() && fresh.TaskID != "" {
			svc.Follow(fresh.ID)
		}
		return resentMsg{id: id, settled: settled, fresh: fresh, err: err}
	}
}

// retryReply takes the service's answer: a wrong task id keeps the field
// open to correct it; anything else closes the choice. An answer about a
// job no longer on show only says what happened.
func (s *detailScreen) retryReply(msg tea.Msg) tea.Cmd {
	note := flash(retryOutcome(msg), retryFailed(msg))
	if replyID(msg) != s.job.ID {
		return note
	}
	s.retry.busy = false
	switch msg := msg.(type) {
	case resolvedMsg:
		if msg.err == nil || !errors.Is(msg.err, jobs.ErrUnknownTask) {
			s.closeRetry()
		}
		if msg.err == nil {
			s.refresh(msg.job)
		}
	case resentMsg:
		s.closeRetry()
		if msg.settled.ID != "" {
			s.refresh(msg.settled)
		}
		if msg.fresh.ID != "" {
			return tea.Batch(s.show(msg.fresh), note)
		}
	}
	return note
}

// retryView is the choice, worded plainly, above the job's lines.
func (s *detailScreen) retryView() []string {
	st, j, w := s.sh.st, s.job, max(20, s.width-2)
	var out []string
	para := func(style func(...string) string, text string) {
		for _, l := range wrapLines(text, w) {
			out = append(out, style(l))
		}
	}
	plain := func(s ...string) string { return strings.Join(s, "") }
	out = append(out, st.label.Render("Resolve unconfirmed job "+j.ID))
	para(st.warn.Render, "Its submit got no clear answer: the first request may have reached APIDot and may be billed.")
	switch s.retry.stage {
	case retryTask:
		out = append(out, "")
		para(plain, "Paste the task id from APIDot's dashboard or a submit's answer; the real task is adopted into this job and followed.")
		out = append(out, s.retry.input.View())
	case retryConfirm:
		out = append(out, "")
		para(st.bad.Render, fmt.Sprintf("Send it again as a new job (%s)? If the first request did reach APIDot, you are billed twice.", apidot.Credits(j.Credits)))
		para(plain, "y marks this job never billed and sends the same request again; any other key keeps everything as it is.")
	default:
		out = append(out, "")
		option := func(k, text string) {
			for i, l := range wrapLines(text, w-5) {
				if i == 0 {
					out = append(out, st.labelOn.Render(fmt.Sprintf("%-5s", k))+l)
				} else {
					out = append(out, "     "+l)
				}
			}
		}
		option("t", "I have the task id: adopt the real task into this job and follow it.")
		option("s", "It was never created: mark this job never billed and send the same request again as a new job (asks first).")
		option("esc", "cancel: nothing changes.")
	}
	if s.retry.busy {
		out = append(out, st.faint.Render("Waiting for APIDot…"))
	}
	return append(out, "")
}

// replyID is the job a reply of the service is about.
func replyID(msg tea.Msg) string {
	switch msg := msg.(type) {
	case resolvedMsg:
		return msg.id
	case resentMsg:
		return msg.id
	}
	return ""
}

// retryFailed reports whether a reply carries an error.
func retryFailed(msg tea.Msg) bool {
	switch msg := msg.(type) {
	case resolvedMsg:
		return msg.err != nil
	case resentMsg:
		return msg.err != nil
	}
	return false
}

// retryOutcome says in one sentence what a reply did.
func retryOutcome(msg tea.Msg) string {
	switch msg := msg.(type) {
	case resolvedMsg:
		if msg.err != nil {
			return "Not adopted into " + msg.id + ": " + describeError(msg.err)
		}
		return fmt.Sprintf("Adopted task %s into %s; following it.", inert.Line(msg.job.TaskID), msg.id)
	case resentMsg:
		if msg.fresh.ID == "" {
			return "Not sent again: " + describeError(msg.err)
		}
		if msg.err != nil {
			return "Sent " + msg.id + " again as " + msg.fresh.ID + ", but: " + describeError(msg.err)
		}
		return fmt.Sprintf("Marked %s never billed and sent it again as %s.", msg.id, msg.fresh.ID)
	}
	return ""
}
