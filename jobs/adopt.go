package jobs

import (
	"context"
	"errors"
	"fmt"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
)

// AdoptedPrompt stands in for the prompt of an adopted task, which the status answer
// does not report.
const AdoptedPrompt = "(adopted)"

// ErrNotResolvable means resolve was asked of a job whose outcome is already known (only
// an unconfirmed job, or one left submitting by a process that is gone, can be resolved).
var ErrNotResolvable = errors.New("only an unconfirmed job can be resolved")

// ErrUnknownTask means the server does not know the task id given to adopt or resolve.
var ErrUnknownTask = errors.New("the server does not know this task")

// Adopt takes over a task submitted elsewhere (curl, another machine): it reads the
// task's status and records it as a job of model (the answer does not say which), with
// AdoptedPrompt as its prompt, ready to Follow. A task the history already has is
// returned as it is, with existed true: adopting twice changes nothing.
func (t *Tracker) Adopt(ctx context.Context, taskID, model string) (job history.Job, existed bool, err error) {
	if !apidot.ValidTaskID(taskID) {
		return history.Job{}, false, fmt.Errorf("%w: %q", apidot.ErrMalformedTaskID, taskID)
	}
	if j, err := t.store.ByTaskID(taskID); err == nil {
		return j, true, nil
	} else if !errors.Is(err, history.ErrNotFound) {
		return history.Job{}, false, err
	}
	task, err := t.readTask(ctx, taskID)
	if err != nil {
		return history.Job{}, false, err
	}
	now := t.now()
	j := history.Job{Model: model, Prompt: AdoptedPrompt, TaskID: taskID, Status: history.StatusSubmitting,
		CreatedAt: now, UpdatedAt: now}
	j.SetStatus(history.StatusSubmitting, "", now)
	j.StatusHistory[0].Note = "adopted: submitted elsewhere"
	apply(&j, task, now)
	if err := t.store.Create(&j); err != nil {
		if errors.Is(err, history.ErrExists) { // adopted meanwhile by another process
			existing, gerr := t.store.ByTaskID(taskID)
			return existing, gerr == nil, gerr
		}
		return history.Job{}, false, err
	}
	t.emit(Event{Job: j})
	return j, false, nil
}

// Resolve settles an unconfirmed job: with taskID, the real task (read from the server)
// is adopted into that record; with taskID "", the job is marked rejected, never billed.
func (t *Tracker) Resolve(ctx context.Context, id, taskID string) (history.Job, error) {
	j, err := t.store.Get(id)
	if err != nil {
		return j, err
	}
	if j.Status != history.StatusUnconfirmed && !(j.Status == history.StatusSubmitting && !submitterAlive(j)) {
		return j, fmt.Errorf("job %s is %s: %w", j.ID, j.Status, ErrNotResolvable)
	}
	var task apidot.Task
	if taskID != "" {
		if !apidot.ValidTaskID(taskID) {
			return j, fmt.Errorf("%w: %q", apidot.ErrMalformedTaskID, taskID)
		}
		if task, err = t.readTask(ctx, taskID); err != nil {
			return j, err
		}
	}
	updated, err := t.store.Update(id, func(j *history.Job) error {
		if j.Status.Terminal() || j.TaskID != "" {
			return fmt.Errorf("job %s is %s: %w", j.ID, j.Status, ErrNotResolvable)
		}
		if taskID == "" {
			settle(j, history.StatusRejected, "marked never billed: the task was not created", t.now())
			return nil
		}
		j.TaskID, j.Error = taskID, ""
		apply(j, task, t.now())
		j.StatusHistory[len(j.StatusHistory)-1].Note = "resolved: task " + taskID
		return nil
	})
	if err != nil {
		return j, err
	}
	t.emit(Event{Job: updated})
	return updated, nil
}

// readTask reads a task the user named; a 404 is ErrUnknownTask.
func (t *Tracker) readTask(ctx context.Context, taskID string) (apidot.Task, error) {
	if err := t.limiter.Wait(ctx); err != nil {
		return apidot.Task{}, err
	}
	task, err := t.api.Status(ctx, taskID)
	if apidot.IsNotFound(err) {
		return task, fmt.Errorf("task %s: %w", taskID, ErrUnknownTask)
	}
	return task, err
}
