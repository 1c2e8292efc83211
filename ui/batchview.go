package ui

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/internal/inert"
)

// View is the file name, then the plan, then the run's progress.
func (s *batchScreen) View() string {
	st := s.sh.st
	var b strings.Builder
	b.WriteString(st.label.Render("Shot list ") + s.input.View() + "\n")
	b.WriteString(st.faint.Render("JSON Lines or CSV, one job (or comparison) per line; see 'soratui batch --help'.") + "\n\n")
	if s.err != "" {
		for _, l := range wrapLines(inert.Text(s.err), s.width) {
			b.WriteString(st.bad.Render(l) + "\n")
		}
	}
	if s.plan != nil {
		s.planView(&b)
	}
	return lipgloss.NewStyle().MaxWidth(s.width).Render(strings.TrimRight(b.String(), "\n"))
}

// planView is the plan's lines (as many as fit), its total, and the run.
func (s *batchScreen) planView(b *strings.Builder) {
	st, p := s.sh.st, s.plan
	room := max(1, s.height-12)
	for i, l := range p.Lines {
		if i == room {
			fmt.Fprintf(b, "  … %d more line(s)\n", len(p.Lines)-room)
			break
		}
		state := ""
		if l.Done() {
			state = st.faint.Render("  already submitted")
		}
		name := ""
		if l.Name != "" {
			name = inert.Line(l.Name) + ": "
		}
		fmt.Fprintf(b, "  line %d: %s%s, %s%s\n", l.Line, name, l.Label(), apidot.Credits(l.Estimate()), state)
	}
	fmt.Fprintf(b, "%s %d job(s), %s · %s\n", st.label.Render("Batch "+p.BatchID+":"), p.Jobs(), apidot.Credits(p.Estimate()), apidot.EstimateNote)
	switch {
	case s.run != "":
		s.progressView(b)
	case s.refusal() != "":
		for _, l := range wrapLines("Cannot start: "+s.refusal(), s.width) {
			b.WriteString(st.bad.Render(l) + "\n")
		}
	default:
		b.WriteString(st.notice.Render(fmt.Sprintf("enter starts it, %d job(s) at a time; esc picks another file", batchParallel)) + "\n")
	}
}

// progressView is the batch's overall bar and counts.
func (s *batchScreen) progressView(b *strings.Builder) {
	st := s.sh.st
	counts := map[history.Status]int{}
	sum := 0
	for _, id := range s.order {
		j := s.jobs[id]
		counts[j.Status]++
		switch {
		case j.Status.Terminal():
			sum += 100
		case j.Progress != nil:
			sum += *j.Progress
		}
	}
	total := max(len(s.order), s.expect)
	pct := 0
	if total > 0 {
		pct = sum / total
	}
	fmt.Fprintf(b, "%s %3d%%  %d finished, %d failed, %d running, %d waiting · %s\n",
		bar(st, pct, 20), pct, counts[history.StatusFinished], counts[history.StatusFailed]+counts[history.StatusRejected],
		counts[history.StatusRunning]+counts[history.StatusNotStarted]+counts[history.StatusSubmitting], max(0, total-len(s.order)), s.run)
}

// sentBefore counts the jobs earlier runs of the file made.
func (s *batchScreen) sentBefore() int {
	n := 0
	for _, l := range s.plan.Lines {
		n += len(l.Sent)
	}
	return n
}
