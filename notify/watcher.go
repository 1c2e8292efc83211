package notify

import (
	"io"
	"sync"

	"github.com/soratui/soratui/history"
)

// Watcher turns the records of followed jobs into notifications (one per
// job, when it ends) and the taskbar's progress (the mean of the jobs),
// written to a terminal. It is safe for concurrent use.
type Watcher struct {
	t Terminal
	w io.Writer

	mu    sync.Mutex
	jobs  map[string]history.Job
	order []string
	told  map[string]bool
	shown string // the last progress sequence written
}

// NewWatcher writes t's sequences to w (a terminal).
func NewWatcher(w io.Writer, t Terminal) *Watcher {
	return &Watcher{t: t, w: w, jobs: map[string]history.Job{}, told: map[string]bool{}}
}

// Job takes the latest record of a followed job: a job that has just
// ended is told of once, and the taskbar moves.
func (w *Watcher) Job(j history.Job) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if j.Status == history.StatusRejected {
		return // refused at once: the person who sent it is looking
	}
	if _, ok := w.jobs[j.ID]; !ok {
		w.order = append(w.order, j.ID)
	}
	w.jobs[j.ID] = j
	var out string
	if Ended(j.Status) && !w.told[j.ID] {
		w.told[j.ID] = true
		out += w.t.Notification(Message(j))
	}
	if p := w.progress(); p != w.shown {
		out += p
		w.shown = p
	}
	if out != "" {
		io.WriteString(w.w, out)
	}
}

// progress is the taskbar sequence for the jobs seen: the mean progress,
// in the error state once one failed.
func (w *Watcher) progress() string {
	sum, failed := 0, false
	for _, id := range w.order {
		j := w.jobs[id]
		switch {
		case j.Status.Terminal() || Ended(j.Status):
			sum += 100
			failed = failed || j.Status != history.StatusFinished
		case j.Progress != nil:
			sum += *j.Progress
		}
	}
	if len(w.order) == 0 {
		return ""
	}
	return w.t.Progress(sum/len(w.order), failed)
}

// Close hides the taskbar's progress if it was shown.
func (w *Watcher) Close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.shown != "" {
		io.WriteString(w.w, w.t.ProgressDone())
		w.shown = ""
	}
}
