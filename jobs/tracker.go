package jobs

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
)

// API is the part of the APIDot client the tracker uses.
type API interface {
	Submit(ctx context.Context, r apidot.Request) (apidot.Task, error)
	Status(ctx context.Context, taskID string) (apidot.Task, error)
}

// Event reports a change to a followed or submitted job, or a failed status
// read (Err set; the job is still followed).
type Event struct {
	Job history.Job
	Err error
	// Slow says the job is pending far past its expected end (see
	// IsSlow); it is still followed, at a low rate.
	Slow bool
}

// Config builds a Tracker.
type Config struct {
	Store *history.Store
	API   API
	// Scheduler picks the wait between status reads; default Fixed at
	// DefaultInterval.
	Scheduler Scheduler
	// RequestsPerSecond caps status reads across every job of the
	// process; default 4, with a burst of as many.
	RequestsPerSecond float64
	// SubmitRetries is how many times a submit that provably reached
	// nothing (refused connection, 429) is tried again; default 3.
	SubmitRetries int
	// OnEvent, when set, is called (from the tracker's goroutines) after
	// every change the tracker records.
	OnEvent func(Event)
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Tracker submits jobs write-ahead and follows them to a terminal state.
// It is safe for concurrent use.
type Tracker struct {
	store   *history.Store
	api     API
	sched   Scheduler
	limiter *rate.Limiter
	retries int
	onEvent func(Event)
	now     func() time.Time

	mu        sync.Mutex
	following map[string]bool
	wakers    map[string]*waker
	wg        sync.WaitGroup
}

// waker lets Check tell the Follows of a job that its record changed.
type waker struct {
	ch    chan struct{}
	users int
}

// ErrNoTask means a job has no task id, so there is nothing to poll: it
// was never accepted, or its submit is unconfirmed.
var ErrNoTask = errors.New("the job has no task id to follow")

// New returns a Tracker.
func New(cfg Config) *Tracker {
	t := &Tracker{
		store:     cfg.Store,
		api:       cfg.API,
		sched:     cfg.Scheduler,
		retries:   cfg.SubmitRetries,
		onEvent:   cfg.OnEvent,
		now:       cfg.Now,
		following: map[string]bool{},
		wakers:    map[string]*waker{},
	}
	if t.sched == nil {
		t.sched = Fixed{Interval: DefaultInterval}
	}
	rps := cfg.RequestsPerSecond
	if rps <= 0 {
		rps = 4
	}
	t.limiter = rate.NewLimiter(rate.Limit(rps), max(1, int(rps)))
	if t.retries <= 0 {
		t.retries = 3
	}
	if t.now == nil {
		t.now = time.Now
	}
	return t
}

func (t *Tracker) emit(e Event) {
	if t.onEvent != nil {
		t.onEvent(e)
	}
}

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
		out[i] = job
		if err != nil {
			errs = append(errs, err)
			if apidot.IsAuth(err) || apidot.IsInsufficientCredits(err) || ctx.Err() != nil {
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
			return t.accept(id, task)
		}
		if apidot.NotSent(err) && attempt <= t.retries && ctx.Err() == nil {
			wait := Backoff(time.Second, attempt, 30*time.Second, err)
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

// accept stores the task id the moment it arrives.
func (t *Tracker) accept(id string, task apidot.Task) (history.Job, error) {
	job, err := t.store.Update(id, func(j *history.Job) error {
		j.TaskID = task.ID
		j.Error = ""
		apply(j, task, t.now())
		return nil
	})
	if err != nil {
		// The id must not be lost: say it in the error so the user can
		// still find the task.
		return job, fmt.Errorf("the server accepted task %s but recording it failed: %w", task.ID, err)
	}
	t.emit(Event{Job: job})
	return job, nil
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

var errUnchanged = errors.New("unchanged")

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
		return pid == os.Getpid() || processAlive(pid)
	}
	return false
}

// Follow polls the job until it is finished or failed, recording every
// change, and returns the final record. It never gives up on transient
// failures; it returns early when ctx ends, when the key is refused (no
// read can succeed until the user fixes it), or when the job has no task
// id (ErrNoTask).
func (t *Tracker) Follow(ctx context.Context, id string) (history.Job, error) {
	job, err := t.store.Get(id)
	if err != nil {
		return job, err
	}
	t.addWaker(id)
	defer t.dropWaker(id)
	p := Poll{Job: job}
	slow := false
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
		task, err := t.api.Status(ctx, job.TaskID)
		p.Reads++
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
		updated, changed, err := t.record(id, job, task)
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
	task, err := t.api.Status(ctx, job.TaskID)
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

func (t *Tracker) addWaker(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	w := t.wakers[id]
	if w == nil {
		w = &waker{ch: make(chan struct{})}
		t.wakers[id] = w
	}
	w.users++
}

func (t *Tracker) dropWaker(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if w := t.wakers[id]; w != nil {
		if w.users--; w.users <= 0 {
			delete(t.wakers, id)
		}
	}
}

// wakeChan is closed when Check records a change of the job; nil (never
// ready) when no Follow of it is registered.
func (t *Tracker) wakeChan(id string) <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	if w := t.wakers[id]; w != nil {
		return w.ch
	}
	return nil
}

func (t *Tracker) wake(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if w := t.wakers[id]; w != nil {
		close(w.ch)
		w.ch = make(chan struct{})
	}
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

// Start follows the job in the background unless this tracker already
// does. Events report its progress.
func (t *Tracker) Start(ctx context.Context, id string) {
	t.mu.Lock()
	if t.following[id] {
		t.mu.Unlock()
		return
	}
	t.following[id] = true
	t.wg.Add(1)
	t.mu.Unlock()
	go func() {
		defer t.wg.Done()
		defer func() {
			t.mu.Lock()
			delete(t.following, id)
			t.mu.Unlock()
		}()
		_, _ = t.Follow(ctx, id)
	}()
}

// Following reports whether the tracker is following the job.
func (t *Tracker) Following(id string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.following[id]
}

// Resume recovers orphaned submits and starts following every unfinished
// job that has a task id. It returns how many it follows.
func (t *Tracker) Resume(ctx context.Context) (int, error) {
	if _, err := t.Recover(); err != nil {
		return 0, err
	}
	unfinished, err := t.store.Unfinished()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, j := range unfinished {
		if j.TaskID != "" {
			t.Start(ctx, j.ID)
			n++
		}
	}
	return n, nil
}

// Wait blocks until every background Follow has returned.
func (t *Tracker) Wait() { t.wg.Wait() }

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

func newGroupID(now time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return "g" + strconv.FormatInt(now.UnixMilli(), 36) + hex.EncodeToString(b[:])
}
