package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/internal/proc"
)

// NewJob is the record of r before it is sent.
func NewJob(r apidot.Request) history.Job {
	r = r.WithDefaults()
	return history.Job{
		Model:       r.Model,
		Status:      history.StatusSubmitting,
		Prompt:      r.Prompt,
		ImageURL:    r.ImageURL(),
		Duration:    r.Duration,
		AspectRatio: r.AspectRatio,
		Resolution:  r.Resolution,
		Credits:     int(apidot.Price(r)),
		CallbackURL: r.CallbackURL,
	}
}

// Request is the request that job records, for resubmitting an edit of it.
func Request(j history.Job) apidot.Request {
	r := apidot.Request{
		Model:       j.Model,
		Prompt:      j.Prompt,
		Duration:    j.Duration,
		AspectRatio: j.AspectRatio,
		Resolution:  j.Resolution,
		CallbackURL: j.CallbackURL,
	}
	if j.ImageURL != "" {
		r.ImageURLs = []string{j.ImageURL}
	}
	return r
}

// submitterNote marks the submitting entry with this process, so a later
// start can tell an orphan from a submit still in flight.
func submitterNote() string { return "pid " + strconv.Itoa(os.Getpid()) }

// Submit records r as submitting, sends it, and records the outcome: the
// task id the moment it arrives, else unconfirmed (ambiguous failure) or
// rejected (nothing created). The returned job is the stored record; the
// error says why it is not accepted. Invalid requests are refused before
// anything is stored or sent.
func (t *Tracker) Submit(ctx context.Context, r apidot.Request) (history.Job, error) {
	jobs, err := t.SubmitGroup(ctx, []apidot.Request{r})
	if len(jobs) == 0 {
		return history.Job{}, err
	}
	return jobs[0], err
}

// SubmitGroup submits several requests as one comparison group: all are
// validated first (one invalid request stops the group before anything is
// stored or sent), then recorded together, then sent one by one. A group
// of one gets no group id.
func (t *Tracker) SubmitGroup(ctx context.Context, reqs []apidot.Request) ([]history.Job, error) {
	return t.SubmitTagged(ctx, reqs, nil)
}

// SubmitTagged is SubmitGroup with tag (when not nil) applied to every
// record before it is stored, so what the caller adds (a batch id and line
// key, the group of a rerun) is written ahead of the request with the rest.
func (t *Tracker) SubmitTagged(ctx context.Context, reqs []apidot.Request, tag func(*history.Job)) ([]history.Job, error) {
	if len(reqs) == 0 {
		return nil, errors.New("nothing to submit")
	}
	for _, r := range reqs {
		if err := r.Validate(); err != nil {
			return nil, err
		}
	}
	now := t.now()
	group := ""
	if len(reqs) > 1 {
		group = newGroupID(now)
	}
	recs := make([]*history.Job, len(reqs))
	for i, r := range reqs {
		j := NewJob(r)
		j.GroupID = group
		j.CreatedAt = now
		j.UpdatedAt = now
		j.StatusHistory = []history.StatusChange{{Status: history.StatusSubmitting, Note: submitterNote(), At: now}}
		if tag != nil {
			tag(&j)
		}
		recs[i] = &j
	}
	if err := t.store.CreateGroup(recs); err != nil {
		return nil, fmt.Errorf("recording the job before sending it: %w", err)
	}
	for _, rec := range recs {
		t.emit(Event{Job: *rec})
	}
	out := make([]history.Job, len(recs))
	var errs []error
	var stop error
	for i, rec := range recs {
		if stop != nil {
			out[i], _ = t.finishSubmit(rec.ID, history.StatusRejected, "not sent: "+stop.Error())
			continue
		}
		job, err := t.send(ctx, rec.ID, reqs[i])
		if job.ID == "" {
			job = *rec // never a zero-valued job, whatever the store said
			var u *UnrecordedTaskError
			if errors.As(err, &u) {
				job.TaskID = u.TaskID
			}
		}
		out[i] = job
		if err != nil {
			errs = append(errs, err)
			if apidot.IsAuth(err) || apidot.IsInsufficientCredits(err) || apidot.IsModelUnavailable(err) || ctx.Err() != nil {
				stop = err
			}
		}
	}
	return out, errors.Join(errs...)
}

// send makes the submit request for a recorded job, retrying only failures
// that prove nothing reached the server.
func (t *Tracker) send(ctx context.Context, id string, r apidot.Request) (history.Job, error) {
	for attempt := 1; ; attempt++ {
		task, err := t.api.Submit(ctx, r)
		if err == nil {
			return t.accept(ctx, id, task)
		}
		if apidot.NotSent(err) && attempt <= t.retries && ctx.Err() == nil {
			wait := Backoff(t.backoff, attempt, 30*time.Second, err)
			select {
			case <-time.After(wait):
				continue
			case <-ctx.Done():
				job, _ := t.finishSubmit(id, history.StatusRejected, "not sent: cancelled while waiting to retry ("+err.Error()+")")
				return job, ctx.Err()
			}
		}
		if apidot.IsAmbiguousSubmit(err) {
			job, serr := t.finishSubmit(id, history.StatusUnconfirmed, err.Error())
			return job, errors.Join(err, serr)
		}
		reason := err.Error()
		if apidot.NotSent(err) {
			reason = fmt.Sprintf("not sent after %d tries: %s", attempt, reason)
		}
		job, serr := t.finishSubmit(id, history.StatusRejected, reason)
		return job, errors.Join(err, serr)
	}
}

func (t *Tracker) finishSubmit(id string, s history.Status, reason string) (history.Job, error) {
	job, err := t.store.Update(id, func(j *history.Job) error {
		settle(j, s, reason, t.now())
		return nil
	})
	if err == nil {
		t.emit(Event{Job: job})
	}
	return job, err
}

// settle ends a submit in s, with reason as the job's error and as the
// note of its status change.
func settle(j *history.Job, s history.Status, reason string, at time.Time) {
	j.Error = reason
	j.SetStatus(s, "", at)
	j.StatusHistory[len(j.StatusHistory)-1].Note = reason
}

// Recover marks as unconfirmed every job left submitting by a process that
// is gone: it may have reached the server, so it is never resent. It
// returns the jobs it changed.
func (t *Tracker) Recover() ([]history.Job, error) {
	pending, err := t.store.List(history.Query{Statuses: []history.Status{history.StatusSubmitting}})
	if err != nil {
		return nil, err
	}
	var changed []history.Job
	for _, p := range pending {
		if submitterAlive(p) {
			continue
		}
		const reason = "the process that sent it stopped before the answer: the task may exist on the server"
		job, err := t.store.Update(p.ID, func(j *history.Job) error {
			if j.Status != history.StatusSubmitting {
				return errUnchanged
			}
			settle(j, history.StatusUnconfirmed, reason, t.now())
			return nil
		})
		switch {
		case errors.Is(err, errUnchanged):
		case err != nil:
			return changed, err
		default:
			changed = append(changed, job)
			t.emit(Event{Job: job})
		}
	}
	return changed, nil
}

// submitterAlive reports whether the process that recorded the job as
// submitting is still running.
func submitterAlive(j history.Job) bool {
	for i := len(j.StatusHistory) - 1; i >= 0; i-- {
		c := j.StatusHistory[i]
		if c.Status != history.StatusSubmitting {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimPrefix(c.Note, "pid "))
		if err != nil || !strings.HasPrefix(c.Note, "pid ") {
			return false
		}
		return pid == os.Getpid() || proc.Alive(pid)
	}
	return false
}

func newGroupID(now time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return "g" + strconv.FormatInt(now.UnixMilli(), 36) + hex.EncodeToString(b[:])
}
