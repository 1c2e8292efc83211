package ui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
)

// listModel is the live job list: the newest jobs, updated in place as
// events arrive. It draws only the rows on screen.
type listModel struct {
	jobs   []history.Job
	index  map[string]int
	cursor int
	offset int
	height int
	// waiting counts jobs that are not terminal, for the clock's pace.
	waiting int
}

func newList() listModel { return listModel{index: map[string]int{}} }

func (l *listModel) setHeight(h int) {
	l.height = max(1, h)
	l.clamp()
}

func (l listModel) pending() int { return l.waiting }

// replace loads a fresh page of recent jobs, keeping the selection on the
// same job where it can.
func (l *listModel) replace(js []history.Job) {
	sel := ""
	if j, ok := l.selected(); ok {
		sel = j.ID
	}
	l.jobs = js
	l.reindex()
	if i, ok := l.index[sel]; ok {
		l.cursor = i
	}
	l.clamp()
}

// upsert records a changed or new job.
func (l *listModel) upsert(j history.Job) {
	if i, ok := l.index[j.ID]; ok {
		l.jobs[i] = j
		l.recount()
		return
	}
	// New jobs are almost always the newest: find the spot from the top.
	pos := 0
	for pos < len(l.jobs) && newer(l.jobs[pos], j) {
		pos++
	}
	l.jobs = append(l.jobs, history.Job{})
	copy(l.jobs[pos+1:], l.jobs[pos:])
	l.jobs[pos] = j
	if len(l.jobs) > recentLimit {
		l.jobs = l.jobs[:recentLimit]
	}
	if pos <= l.cursor && len(l.jobs) > 1 && l.cursor > 0 {
		l.cursor++
	}
	l.reindex()
	l.clamp()
}

// remove drops a deleted job.
func (l *listModel) remove(id string) {
	i, ok := l.index[id]
	if !ok {
		return
	}
	l.jobs = append(l.jobs[:i], l.jobs[i+1:]...)
	if l.cursor > i {
		l.cursor--
	}
	l.reindex()
	l.clamp()
}

// merge folds a fresh read of the newest jobs into the list: rows it
// holds are updated, and rows inside the range it covers that it lacks
// were deleted by another process, so they go. complete says the read
// holds every job (it was shorter than asked).
func (l *listModel) merge(js []history.Job, complete bool) {
	fresh := make(map[string]bool, len(js))
	for _, j := range js {
		fresh[j.ID] = true
		l.upsert(j)
	}
	var oldest history.Job
	if len(js) > 0 {
		oldest = js[len(js)-1]
	}
	for i := len(l.jobs) - 1; i >= 0; i-- {
		j := l.jobs[i]
		if !fresh[j.ID] && (complete || !newer(oldest, j)) {
			l.remove(j.ID)
		}
	}
}

// newer reports whether a sorts before b (newest first).
func newer(a, b history.Job) bool {
	if !a.CreatedAt.Equal(b.CreatedAt) {
		return a.CreatedAt.After(b.CreatedAt)
	}
	return a.ID > b.ID
}

func (l *listModel) reindex() {
	l.index = make(map[string]int, len(l.jobs))
	for i, j := range l.jobs {
		l.index[j.ID] = i
	}
	l.recount()
}

func (l *listModel) recount() {
	l.waiting = 0
	for _, j := range l.jobs {
		if !j.Status.Terminal() && j.Status != history.StatusUnconfirmed {
			l.waiting++
		}
	}
}

func (l listModel) selected() (history.Job, bool) {
	if l.cursor < 0 || l.cursor >= len(l.jobs) {
		return history.Job{}, false
	}
	return l.jobs[l.cursor], true
}

func (l *listModel) move(msg tea.KeyPressMsg, km keyMap) {
	if n, ok := km.listStep(msg, l.height); ok {
		l.step(n)
	}
}

func (l *listModel) step(n int) {
	l.cursor += n
	l.clamp()
}

func (l *listModel) clamp() {
	l.cursor = min(max(l.cursor, 0), max(0, len(l.jobs)-1))
	if l.cursor < l.offset {
		l.offset = l.cursor
	}
	if l.cursor >= l.offset+l.height {
		l.offset = l.cursor - l.height + 1
	}
	l.offset = max(0, min(l.offset, len(l.jobs)-l.height))
}

func (l listModel) view(st styles, w, frame int, now time.Time) string {
	if len(l.jobs) == 0 {
		return "\n  " + st.faint.Render("No jobs yet. Press n to write a prompt, or esc to go back to compose.")
	}
	var b strings.Builder
	credits := 0
	for _, j := range l.jobs {
		credits += j.Credits
	}
	summary := fmt.Sprintf("%s · %d pending · %s (%s)", plural(len(l.jobs), "job"), l.waiting, apidot.Credits(credits), apidot.EstimateNote)
	end := min(len(l.jobs), l.offset+l.height)
	shown := l.jobs[l.offset:end]
	r := newRows(st, w, shown, neighbourShortIDs(l.jobs, l.offset, end), frame, now)
	b.WriteString(st.faint.Render(truncate(summary, w)) + "\n" + st.faint.Render(r.header()))
	marks := groupMarks(shown)
	for i := l.offset; i < end; i++ {
		b.WriteString("\n")
		b.WriteString(r.row(l.jobs[i], marks[i-l.offset], i == l.cursor))
	}
	return b.String()
}

// plural reads "1 job", "3 jobs".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
