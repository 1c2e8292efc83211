package jobs

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
)

var errUnchanged = errors.New("unchanged")

// Follow polls the job until it is finished or failed, recording every
// change, and returns the final record. It never gives up on transient
// failures; it returns early when ctx ends, when the key is refused (no
// read can succeed until the user fixes it), when the job has no task id
// (ErrNoTask), or when the job left the history (ErrDeleted, after a
// JobDeleted event). ExpireAfter 404s in a row end it as StatusExpired.
func (t *Tracker) Follow(ctx context.Context, id string) (history.Job, error) {
	job, err := t.store.Get(id)
	if isGone(err) {
		return t.deleted(history.Job{ID: id}) // listed by the caller, gone since
	}
	if err != nil {
		return job, err
	}
	t.addWaker(id)
	defer t.dropWaker(id)
	p := Poll{Job: job}
	slow := false
	var gone goneWatch
	for !job.Status.Terminal() {
		if job.TaskID == "" {
			return job, ErrNoTask
		}
		p.Now = t.now()
		timer := time.NewTimer(t.sched.Next(p))
		select {
		case <-ctx.Done():
			timer.Stop()
			return job, ctx.Err()
		case <-t.wakeChan(id):
			// Check read the job meanwhile: take its record rather than
			// reading again.
			timer.Stop()
			if fresh, err := t.store.Get(id); err == nil {
				job, p.Job = fresh, fresh
			}
			continue
		case <-timer.C:
		}
		if err := t.limiter.Wait(ctx); err != nil {
			return job, err
		}
		sent := t.now()
		task, err := t.status(ctx, job.TaskID)
		p.Reads++
		if gone.answer(err) {
			return t.expireOrDeleted(job)
		}
		if err != nil {
			if ctx.Err() != nil {
				return job, ctx.Err()
			}
			p.Failures++
			p.Err = err
			t.emit(Event{Job: job, Err: err, Slow: slow})
			if apidot.IsAuth(err) {
				return job, err
			}
			continue
		}
		updated, changed, err := t.recordPresent(id, job, task, &gone)
		if isGone(err) {
			return t.deleted(job)
		}
		if err != nil {
			// The store is busy or failing; the server keeps the state,
			// so the next read records it.
			p.Failures++
			p.Err = err
			t.emit(Event{Job: job, Err: err, Slow: slow})
			continue
		}
		p.Failures, p.Err = 0, nil
		job, p.Job = updated, updated
		p.Samples = appendSample(p.Samples, Sample{At: sent, Status: mapStatus(task), Progress: progressOf(task)})
		wasSlow := slow
		slow = t.slow(p)
		if changed || slow != wasSlow {
			t.emit(Event{Job: job, Slow: slow})
		}
	}
	return job, nil
}

// Check reads one job's status now, through the global rate cap, and
// records it: a hint (a webhook callback) says the job may have changed.
// A job already finished or failed is not read again, so repeated hints
// cost nothing. A Follow of the job takes the new record instead of
// reading again. It reports whether the record changed.
func (t *Tracker) Check(ctx context.Context, id string) (history.Job, bool, error) {
	job, err := t.store.Get(id)
	if err != nil {
		return job, false, err
	}
	if job.Status.Terminal() {
		// Recorded elsewhere (another process): a Follow may not know.
		t.wake(id)
		return job, false, nil
	}
	if job.TaskID == "" {
		return job, false, ErrNoTask
	}
	if err := t.limiter.Wait(ctx); err != nil {
		return job, false, err
	}
	task, err := t.status(ctx, job.TaskID)
	if err != nil {
		t.emit(Event{Job: job, Err: err})
		return job, false, err
	}
	updated, changed, err := t.record(id, job, task)
	if err != nil {
		return job, false, err
	}
	if changed {
		t.emit(Event{Job: updated})
		t.wake(id)
	}
	return updated, changed, nil
}

// status reads a task and tells the rate cap how the server took it.
func (t *Tracker) status(ctx context.Context, taskID string) (apidot.Task, error) {
	task, err := t.api.Status(ctx, taskID)
	switch {
	case apidot.IsRateLimited(err):
		t.limiter.Limited(time.Now())
	case err == nil:
		t.limiter.Answered(time.Now())
	}
	return task, err
}

// slow asks the scheduler, when it can tell, whether the job is late.
func (t *Tracker) slow(p Poll) bool {
	if j, ok := t.sched.(interface{ Slow(Poll) bool }); ok {
		return j.Slow(p)
	}
	return false
}

func appendSample(s []Sample, x Sample) []Sample {
	if len(s) >= MaxSamples {
		s = append(s[:0:0], s[len(s)-MaxSamples+1:]...)
	}
	return append(s, x)
}

func progressOf(task apidot.Task) int {
	if task.Progress == nil {
		return -1
	}
	return *task.Progress
}

// record applies a status answer to the stored job.
// known is the job as last read: an answer that changes nothing of it
// touches no file, so an idle job costs a status read and nothing more.
func (t *Tracker) record(id string, known history.Job, task apidot.Task) (history.Job, bool, error) {
	if !known.Status.Terminal() {
		probe := known
		probe.StatusHistory = slices.Clone(known.StatusHistory)
		probe.VideoURLs = slices.Clone(known.VideoURLs)
		if !apply(&probe, task, t.now()) {
			return known, false, nil
		}
	}
	changed := false
	job, err := t.store.Update(id, func(j *history.Job) error {
		if j.Status.Terminal() {
			return errUnchanged
		}
		changed = apply(j, task, t.now())
		if !changed {
			return errUnchanged
		}
		return nil
	})
	if errors.Is(err, errUnchanged) {
		job, err = t.store.Get(id)
		return job, false, err
	}
	return job, changed, err
}

// apply records a status answer on j and reports whether anything changed.
func apply(j *history.Job, task apidot.Task, now time.Time) bool {
	status := mapStatus(task)
	raw := ""
	if task.Status != string(status) {
		raw = task.Status
	}
	changed := false
	if task.Progress != nil && (j.Progress == nil || *j.Progress != *task.Progress) {
		p := *task.Progress
		j.Progress = &p
		changed = true
	}
	if c := task.CreditsAmount; c != nil && (j.CreditsCharged == nil || *j.CreditsCharged != *c) {
		v := *c
		j.CreditsCharged = &v
		changed = true
	}
	switch status {
	case history.StatusFinished:
		j.VideoURLs = task.VideoURLs()
		if j.Progress == nil || *j.Progress != 100 {
			p := 100
			j.Progress = &p
		}
	case history.StatusFailed:
		j.Error = task.ErrorMessage
		if j.Error == "" {
			j.Error = "the server reported the task failed without a reason"
		}
	}
	last := ""
	if n := len(j.StatusHistory); n > 0 {
		last = j.StatusHistory[n-1].Raw
	}
	if j.Status != status || last != raw {
		j.SetStatus(status, raw, now)
		if n := len(j.StatusHistory); n > 0 && j.Progress != nil {
			p := *j.Progress
			j.StatusHistory[n-1].Progress = &p
		}
		if status == history.StatusFailed {
			j.StatusHistory[len(j.StatusHistory)-1].Note = j.Error
		}
		changed = true
	}
	return changed
}

// mapStatus turns the server's status into a job status; an unknown value
// is pending: not_started while there is no progress, else running.
func mapStatus(task apidot.Task) history.Status {
	switch task.Status {
	case apidot.StatusNotStarted:
		return history.StatusNotStarted
	case apidot.StatusRunning:
		return history.StatusRunning
	case apidot.StatusFinished:
		return history.StatusFinished
	case apidot.StatusFailed:
		return history.StatusFailed
	}
	if task.Progress != nil && *task.Progress > 0 {
		return history.StatusRunning
	}
	return history.StatusNotStarted
}
