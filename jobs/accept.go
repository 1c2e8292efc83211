package jobs

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
)

// lockNoticeEvery spaces the RecordWaiting events of one accepted task.
const lockNoticeEvery = 3 * time.Second

// lockRetryPause separates attempts to record an accepted task in a locked history.
const lockRetryPause = 50 * time.Millisecond

// ErrDuplicateTaskID means the server answered a submit with a task id another job of the
// history already has: this submit's own task is unknown, so the job is unconfirmed.
var ErrDuplicateTaskID = errors.New("the server answered a task id another job already has")

// UnrecordedTaskError means the server accepted a task whose id could not be recorded
// (the history stayed locked until the context ended, or failed): the id is in the error,
// with the command that recovers the task, so it is never lost.
type UnrecordedTaskError struct {
	JobID  string // the local job left submitting
	TaskID string
	Err    error
}

func (e *UnrecordedTaskError) Error() string {
	return fmt.Sprintf("the server accepted task %s but it is not in the history (%v).\n"+
		"Recover it with: soratui adopt %s\n"+
		"(or attach it to job %s with: soratui resolve %s --task %s)",
		e.TaskID, e.Err, e.TaskID, e.JobID, e.JobID, e.TaskID)
}

// Unwrap returns why recording failed.
func (e *UnrecordedTaskError) Unwrap() error { return e.Err }

// accept stores the task id the moment it arrives. A history locked by another process
// is waited out for as long as ctx lasts, with a RecordWaiting event every few seconds;
// any failure leaves the task id in an *UnrecordedTaskError.
func (t *Tracker) accept(ctx context.Context, id string, task apidot.Task) (history.Job, error) {
	var said time.Time
	for {
		job, err := t.record1(ctx, id, task)
		switch {
		case err == nil:
			t.emit(Event{Job: job})
			return job, nil
		case errors.Is(err, history.ErrExists):
			return t.duplicate(id, task, err)
		case !errors.Is(err, history.ErrLocked) || ctx.Err() != nil:
			return history.Job{}, &UnrecordedTaskError{JobID: id, TaskID: task.ID, Err: err}
		}
		if now := time.Now(); now.Sub(said) >= lockNoticeEvery {
			said = now
			t.emit(Event{Kind: RecordWaiting, Job: history.Job{ID: id, TaskID: task.ID, Status: history.StatusSubmitting}, Err: err})
		}
		select {
		case <-ctx.Done():
			return history.Job{}, &UnrecordedTaskError{JobID: id, TaskID: task.ID, Err: ctx.Err()}
		case <-time.After(lockRetryPause):
		}
	}
}

// record1 makes one attempt to store the accepted task; it gives up at once when ctx
// ends, since a store waiting for a lock does not watch ctx itself. The attempt may still
// land afterwards, which recovering the task (adopt) then finds.
func (t *Tracker) record1(ctx context.Context, id string, task apidot.Task) (history.Job, error) {
	type result struct {
		job history.Job
		err error
	}
	done := make(chan result, 1)
	go func() {
		job, err := t.store.Update(id, func(j *history.Job) error {
			j.TaskID = task.ID
			j.Error = ""
			apply(j, task, t.now())
			return nil
		})
		done <- result{job, err}
	}()
	select {
	case r := <-done:
		return r.job, r.err
	case <-ctx.Done():
		return history.Job{}, ctx.Err()
	}
}

// duplicate settles a submit whose answer named another job's task: unconfirmed, since
// this submit's own task may exist and be billed.
func (t *Tracker) duplicate(id string, task apidot.Task, cause error) (history.Job, error) {
	reason := fmt.Sprintf("%v (%v): this submit's own task is unknown and may be billed", ErrDuplicateTaskID, cause)
	job, err := t.finishSubmit(id, history.StatusUnconfirmed, reason)
	return job, errors.Join(fmt.Errorf("%w: %s", ErrDuplicateTaskID, task.ID), err)
}
