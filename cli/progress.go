package cli

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/charmbracelet/x/ansi"

	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/internal/inert"
	"github.com/soratui/soratui/jobs"
)

// progressView shows followed jobs as they move, for submit --wait, watch
// and batch --wait alike. On a terminal it keeps one live line per job
// (id, bar, percent, variant, status, prompt), redrawn in place and cut
// to the width; messages (a saved file, a failed read) print above the
// block. On a pipe it writes one plain line per change of state.
//
//	view := a.newProgressView()
//	stop := svc.Listen(view.event)
//	... // follow the jobs
//	stop() // then print the result
type progressView struct {
	plain *progressPrinter // set on a pipe

	mu    sync.Mutex
	w     io.Writer
	width int
	order []string
	rows  map[string]history.Job
	drawn int // lines drawn last time, to move back over
}

// newProgressView renders on w: live when terminal, else plain lines.
// width is the terminal's (0: defaultWidth).
func newProgressView(w io.Writer, terminal bool, width int) *progressView {
	if !terminal {
		return &progressView{plain: &progressPrinter{w: w}}
	}
	if width <= 0 {
		width = defaultWidth
	}
	return &progressView{w: w, width: width, rows: map[string]history.Job{}}
}

// newProgressView is the view on the command's stderr.
func (a *app) newProgressView() *progressView {
	return newProgressView(a.env.Stderr, a.env.StderrIsTerminal, a.env.Width)
}

// event takes one job event; a nil view shows nothing.
func (v *progressView) event(e jobs.Event) {
	switch {
	case v == nil:
		return
	case v.plain != nil:
		v.plain.event(e)
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if msg := eventMessage(e); msg != "" {
		v.message(msg)
		return
	}
	if e.Kind != jobs.JobChanged || e.Err != nil {
		return
	}
	if _, ok := v.rows[e.Job.ID]; !ok {
		v.order = append(v.order, e.Job.ID)
	}
	v.rows[e.Job.ID] = e.Job
	v.draw()
}

// message prints a line above the live block, then draws the block again.
func (v *progressView) message(line string) {
	var b strings.Builder
	if v.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA\r\x1b[J", v.drawn)
	}
	b.WriteString(line + "\n")
	io.WriteString(v.w, b.String())
	v.drawn = 0
	v.draw()
}

// draw moves up over the last drawing and writes every row again.
func (v *progressView) draw() {
	var b strings.Builder
	if v.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", v.drawn)
	}
	for _, id := range v.order {
		// One cell short of the width, so no terminal wraps the line and
		// the redraw stays in place.
		b.WriteString("\r\x1b[2K" + ansi.Truncate(liveLine(v.rows[id], v.width), v.width-1, "…") + "\n")
	}
	v.drawn = len(v.order)
	io.WriteString(v.w, b.String())
}

// liveLine is one job as a live line for a terminal width wide: id, bar,
// percent, variant, status and as much of the prompt as fits. The bar
// narrows, then goes, before the prompt drops under minPromptWidth.
func liveLine(j history.Job, width int) string {
	pct := 0
	switch {
	case j.Status == history.StatusFinished:
		pct = 100
	case j.Progress != nil:
		pct = *j.Progress
	}
	pct = min(max(pct, 0), 100)
	status := string(j.Status)
	if j.Error != "" && j.Status.Terminal() {
		status += ": " + excerpt(j.Error, 30)
	}
	head := fmt.Sprintf("%s %3d%% %-13s %-11s ", j.ID, pct, variantLabel(j), status)
	bar := ""
	if n := min(barWidth, width-1-ansi.StringWidth(head)-minPromptWidth-3); n >= 5 {
		fill := pct * n / 100
		bar = "[" + strings.Repeat("#", fill) + strings.Repeat(".", n-fill) + "] "
	}
	id, rest, _ := strings.Cut(head, " ")
	return inert.Line(id + " " + bar + rest + excerpt(j.Prompt, 200))
}

// eventMessage is the line an event prints on its own (a download's end,
// a failed status read), or "" for a job's change.
func eventMessage(e jobs.Event) string {
	switch {
	case e.Kind == jobs.DownloadFinished:
		return fmt.Sprintf("%s: saved to %s", e.Job.ID, inert.Line(e.Job.LocalPath))
	case e.Kind == jobs.DownloadFailed:
		return fmt.Sprintf("%s: download failed, the job is still finished: %s", e.Job.ID, describe(autoDownloadFailure(e.Job, e.Err)))
	case e.Kind == jobs.RecordWaiting:
		return fmt.Sprintf("%s: the server accepted task %s; still trying to record it: %s",
			e.Job.ID, inert.Line(e.Job.TaskID), inert.Line(e.Err.Error()))
	case e.Kind == jobs.JobDeleted:
		return fmt.Sprintf("%s deleted from the history; no longer followed", e.Job.ID)
	case e.Kind == jobs.JobChanged && e.Err != nil:
		return fmt.Sprintf("%s: status read failed, retrying: %s", e.Job.ID, inert.Line(e.Err.Error()))
	}
	return ""
}

// progressPrinter writes one line per change of state of a followed job
// (a new status, or an error), saying which job it is: id, status,
// variant and prompt. A nil printer prints nothing.
type progressPrinter struct {
	mu   sync.Mutex
	w    io.Writer
	last map[string]string
}

func (p *progressPrinter) event(e jobs.Event) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if msg := eventMessage(e); msg != "" {
		fmt.Fprintln(p.w, msg)
		return
	}
	if e.Kind != jobs.JobChanged {
		return
	}
	state := string(e.Job.Status) + "\x00" + e.Job.Error
	if p.last == nil {
		p.last = map[string]string{}
	}
	if p.last[e.Job.ID] == state {
		return
	}
	p.last[e.Job.ID] = state
	fmt.Fprintln(p.w, stateLine(e.Job))
}

// stateLine is a job's state on one plain line: "ID status  Variant
// prompt…", with the error after a colon.
func stateLine(j history.Job) string {
	s := fmt.Sprintf("%s %s  %s  %s", inert.Line(j.ID), inert.Line(string(j.Status)), variantLabel(j), excerpt(j.Prompt, 40))
	if j.Error != "" {
		s += ": " + inert.Line(j.Error)
	}
	return s
}

// recordWaits is progress.event, except that without a progress view (no --wait) it still
// says why a submit whose task the server accepted is waiting on a locked history.
func recordWaits(stderr io.Writer, progress *progressView) func(jobs.Event) {
	if progress != nil {
		return progress.event
	}
	return func(e jobs.Event) {
		if e.Kind == jobs.RecordWaiting {
			fmt.Fprintln(stderr, eventMessage(e))
		}
	}
}
