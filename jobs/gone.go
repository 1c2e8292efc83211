package jobs

import (
	"errors"
	"fmt"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
)

// ExpireAfter is how many status reads in a row must answer 404 before a task the server
// once accepted is recorded as expired: one 404 may be a glitch, several are the server's
// word.
const ExpireAfter = 3

// presenceEvery is how often (in unchanged status reads) Follow checks that the job is
// still in the history, so a job another process deleted stops being polled without
// every idle read touching the file.
const presenceEvery = 4

// goneWatch counts the signs that a followed job is gone: 404s from the server, and
// reads since the history was last asked whether the job is still there.
type goneWatch struct {
	notFound int
	unasked  int
	// stamp is the history's stamp when the job was last found in it;
	// while the stamp is the same, nothing can have deleted it.
	stamp   history.Stamp
	stamped bool
}

// answer notes one status read's error (nil for an answer) and reports whether the
// server has now said often enough that it no longer knows the task.
func (g *goneWatch) answer(err error) bool {
	if err != nil && apidot.IsNotFound(err) {
		g.notFound++
		return g.notFound >= ExpireAfter
	}
	if err == nil {
		g.notFound = 0
	}
	return false
}

// due reports whether it is time to check that the job is still in the history.
func (g *goneWatch) due() bool {
	g.unasked++
	if g.unasked >= presenceEvery {
		g.unasked = 0
		return true
	}
	return false
}

// deleted ends a follow of a job that left the history (deleted by another process):
// a JobDeleted event, and ErrDeleted.
func (t *Tracker) deleted(job history.Job) (history.Job, error) {
	t.emit(Event{Kind: JobDeleted, Job: job})
	return job, fmt.Errorf("job %s: %w", job.ID, ErrDeleted)
}

// isGone reports a store error that means the job is no longer in the history.
func isGone(err error) bool { return errors.Is(err, history.ErrNotFound) }

// expire records that the server no longer knows the job's task.
func (t *Tracker) expire(job history.Job) (history.Job, error) {
	updated, err := t.store.Update(job.ID, func(j *history.Job) error {
		if j.Status.Terminal() {
			return errUnchanged
		}
		j.Error = history.ExpiredNote
		j.SetStatus(history.StatusExpired, "", t.now())
		j.StatusHistory[len(j.StatusHistory)-1].Note = history.ExpiredNote
		return nil
	})
	if errors.Is(err, errUnchanged) {
		return t.store.Get(job.ID)
	}
	if err != nil {
		return job, err
	}
	t.emit(Event{Job: updated})
	return updated, nil
}

// expireOrDeleted ends a follow the server no longer answers for: expired, or deleted
// when the job left the history meanwhile.
func (t *Tracker) expireOrDeleted(job history.Job) (history.Job, error) {
	job, err := t.expire(job)
	if isGone(err) {
		return t.deleted(job)
	}
	return job, err
}

// recordPresent is record, and every few unchanged answers a check that the job is still
// in the history (an error wrapping history.ErrNotFound when it is not).
func (t *Tracker) recordPresent(id string, job history.Job, task apidot.Task, gone *goneWatch) (history.Job, bool, error) {
	updated, changed, err := t.record(id, job, task)
	if err == nil && !changed && gone.due() {
		err = t.checkPresent(id, gone)
	}
	return updated, changed, err
}

// checkPresent fails wrapping history.ErrNotFound when the job left the
// history. An unchanged stamp answers without reading the job: idle, the
// check costs a stat of the file.
func (t *Tracker) checkPresent(id string, gone *goneWatch) error {
	st, stampErr := t.store.Stamp()
	if stampErr == nil && gone.stamped && st == gone.stamp {
		return nil
	}
	if _, err := t.store.Get(id); err != nil {
		return err
	}
	gone.stamp, gone.stamped = st, stampErr == nil
	return nil
}
