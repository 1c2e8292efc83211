package cli

import (
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/internal/inert"
	"github.com/soratui/soratui/jobs"
)

// batchView shows the jobs of a batch as they move: on a terminal one
// live line per job, redrawn in place with a progress bar; on a pipe one
// plain line per change.
type batchView struct {
	plain *progressPrinter // nil on a terminal

	mu    sync.Mutex
	w     io.Writer
	order []string
	rows  map[string]history.Job
	drawn int // lines drawn last time, to move back over
}

func newBatchView(w io.Writer, terminal bool) *batchView {
	if !terminal {
		return &batchView{plain: &progressPrinter{w: w}}
	}
	return &batchView{w: w, rows: map[string]history.Job{}}
}

func (v *batchView) event(e jobs.Event) {
	if v.plain != nil {
		v.plain.event(e)
		return
	}
	if e.Kind != jobs.JobChanged || e.Err != nil {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if _, ok := v.rows[e.Job.ID]; !ok {
		v.order = append(v.order, e.Job.ID)
	}
	v.rows[e.Job.ID] = e.Job
	v.draw()
}

// draw moves up over the last drawing and writes every row again.
func (v *batchView) draw() {
	var b strings.Builder
	if v.drawn > 0 {
		fmt.Fprintf(&b, "\x1b[%dA", v.drawn)
	}
	for _, id := range v.order {
		b.WriteString("\r\x1b[2K" + liveLine(v.rows[id]) + "\n")
	}
	v.drawn = len(v.order)
	io.WriteString(v.w, b.String())
}

// liveLine is one job as a live line: id, bar, status, variant, prompt.
func liveLine(j history.Job) string {
	pct := 0
	switch {
	case j.Status == history.StatusFinished:
		pct = 100
	case j.Progress != nil:
		pct = *j.Progress
	}
	fill := pct * barWidth / 100
	bar := "[" + strings.Repeat("#", fill) + strings.Repeat(".", barWidth-fill) + "]"
	status := string(j.Status)
	if j.Error != "" && j.Status.Terminal() {
		status += ": " + excerpt(j.Error, 30)
	}
	return inert.Line(fmt.Sprintf("%s %s %3d%% %-12s %s  %s", j.ID, bar, pct, variantLabel(j), status, excerpt(j.Prompt, 30)))
}
