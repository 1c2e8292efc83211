package jobs

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
)

// API is the part of the APIDot client the tracker uses.
type API interface {
	Submit(ctx context.Context, r apidot.Request) (apidot.Task, error)
	Status(ctx context.Context, taskID string) (apidot.Task, error)
}

// Config builds a Tracker.
type Config struct {
	Store *history.Store
	API   API
	// Scheduler picks the wait between status reads; default Fixed at
	// DefaultInterval.
	Scheduler Scheduler
	// RequestsPerSecond is where the cap on status reads across every
	// job of the process starts (default StartRate); it grows while the
	// server answers and halves on a 429 (see RateCap).
	RequestsPerSecond float64
	// SubmitRetries is how many times a submit that provably reached
	// nothing (refused connection, 429) is tried again; default 3.
	SubmitRetries int
	// SubmitBackoff is the first wait before such a retry, doubled after
	// each (a longer Retry-After wins); default one second.
	SubmitBackoff time.Duration
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
	limiter *RateCap
	retries int
	backoff time.Duration
	onEvent func(Event)
	now     func() time.Time

	mu     sync.Mutex
	wakers map[string]*waker
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
		store:   cfg.Store,
		api:     cfg.API,
		sched:   cfg.Scheduler,
		retries: cfg.SubmitRetries,
		backoff: cfg.SubmitBackoff,
		onEvent: cfg.OnEvent,
		now:     cfg.Now,
		wakers:  map[string]*waker{},
	}
	if t.sched == nil {
		t.sched = Fixed{Interval: DefaultInterval}
	}
	t.limiter = NewRateCap(cfg.RequestsPerSecond)
	if t.retries <= 0 {
		t.retries = 3
	}
	if t.backoff <= 0 {
		t.backoff = time.Second
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
