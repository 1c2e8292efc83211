// Package webhook receives APIDot's task callbacks. A callback is only a
// hint: the receiver answers at once, accepts only task ids the history
// holds, and records nothing until the status endpoint confirms it.
package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/soratui/soratui/history"
)

// DefaultMaxBody caps a callback body; APIDot's are a few hundred bytes.
const DefaultMaxBody = 1 << 20

// DefaultAddr is where `soratui webhook` listens unless told otherwise:
// loopback, for a tunnel or reverse proxy to forward to.
const DefaultAddr = "127.0.0.1:8787"

// Lookup finds the job of a task id; *history.Store implements it.
type Lookup interface {
	ByTaskID(taskID string) (history.Job, error)
}

// Checker confirms a job with the status endpoint and records what the
// server says; *jobs.Tracker implements it.
type Checker interface {
	Check(ctx context.Context, id string) (history.Job, bool, error)
}

// Config builds a Receiver.
type Config struct {
	Jobs    Lookup
	Checker Checker
	// Log gets one line per delivery; nil discards them.
	Log io.Writer
	// MaxBody caps a body in bytes; default DefaultMaxBody.
	MaxBody int64
}

// Receiver is an http.Handler for callback POSTs on any path. The work a
// delivery asks for runs after the answer, bounded by the context given to
// New; Wait waits for it.
type Receiver struct {
	jobs    Lookup
	checker Checker
	maxBody int64
	ctx     context.Context

	logMu sync.Mutex
	log   io.Writer

	mu      sync.Mutex
	flights map[string]*flight // by job id
	wg      sync.WaitGroup
}

// flight is a confirmation under way; again asks for one more after it,
// because a delivery came while it ran and may know something newer.
type flight struct {
	again bool
}

// New returns a Receiver whose background confirmations end with ctx.
func New(ctx context.Context, cfg Config) *Receiver {
	r := &Receiver{
		jobs:    cfg.Jobs,
		checker: cfg.Checker,
		maxBody: cfg.MaxBody,
		ctx:     ctx,
		log:     cfg.Log,
		flights: map[string]*flight{},
	}
	if r.maxBody <= 0 {
		r.maxBody = DefaultMaxBody
	}
	if r.log == nil {
		r.log = io.Discard
	}
	return r
}

// Wait blocks until every confirmation started so far has returned.
func (r *Receiver) Wait() { r.wg.Wait() }

// callback is the part of a delivery the receiver reads: the status
// answer's shape, or the same fields at the top level.
type callback struct {
	Data *struct {
		TaskID string `json:"task_id"`
		Status string `json:"status"`
	} `json:"data"`
	TaskID string `json:"task_id"`
	Status string `json:"status"`
}

func (c callback) task() (id, status string) {
	if c.Data != nil && c.Data.TaskID != "" {
		return c.Data.TaskID, c.Data.Status
	}
	return c.TaskID, c.Status
}

// ServeHTTP answers a delivery: 405 for anything but POST, 413 for an
// oversized body, 400 for one that is not a callback, 404 for a task id
// the history does not hold, else 202 at once, confirming afterwards.
func (r *Receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	from := req.Method + " " + req.URL.Path
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		r.answer(w, http.StatusMethodNotAllowed, "only POST")
		r.logf("%s: 405 not a POST", from)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, r.maxBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		r.answer(w, http.StatusRequestEntityTooLarge, "body too large")
		r.logf("%s: 413 body over %d bytes", from, r.maxBody)
		return
	case err != nil:
		r.answer(w, http.StatusBadRequest, "unreadable body")
		r.logf("%s: 400 unreadable body", from)
		return
	}
	var cb callback
	if err := json.Unmarshal(body, &cb); err != nil {
		r.answer(w, http.StatusBadRequest, "body is not JSON")
		r.logf("%s: 400 malformed JSON", from)
		return
	}
	taskID, claimed := cb.task()
	if taskID == "" {
		r.answer(w, http.StatusBadRequest, "no task_id")
		r.logf("%s: 400 no task_id", from)
		return
	}
	job, err := r.jobs.ByTaskID(taskID)
	switch {
	case errors.Is(err, history.ErrNotFound):
		r.answer(w, http.StatusNotFound, "unknown task")
		r.logf("%s: task %s: 404 not in the history, ignored", from, quote(taskID))
		return
	case err != nil:
		// The history is busy or broken: ask the sender to try again.
		r.answer(w, http.StatusServiceUnavailable, "history unavailable")
		r.logf("%s: task %s: 503 history unavailable: %v", from, quote(taskID), err)
		return
	}
	r.answer(w, http.StatusAccepted, "accepted")
	prefix := fmt.Sprintf("%s: task %s (job %s, claims %s): 202", from, quote(taskID), job.ID, quote(claimed))
	if job.Status.Terminal() {
		r.logf("%s, already %s: nothing to do", prefix, job.Status)
		return
	}
	r.confirm(job.ID, prefix)
}

// confirm checks the job with the status endpoint in the background,
// folding deliveries that arrive meanwhile into one more check.
func (r *Receiver) confirm(id, prefix string) {
	r.mu.Lock()
	if f := r.flights[id]; f != nil {
		f.again = true
		r.mu.Unlock()
		r.logf("%s, folded into the confirmation under way", prefix)
		return
	}
	f := &flight{}
	r.flights[id] = f
	r.wg.Add(1)
	r.mu.Unlock()
	go func() {
		defer r.wg.Done()
		for rounds := 0; ; rounds++ {
			job, changed, err := r.checker.Check(r.ctx, id)
			r.mu.Lock()
			again := f.again && err == nil && !job.Status.Terminal()
			f.again = false
			if !again {
				delete(r.flights, id)
			}
			r.mu.Unlock()
			switch {
			case rounds > 0 && !changed:
				// A folded delivery's check that found nothing new: its
				// delivery already has its line.
			case err != nil:
				r.logf("%s, confirmation failed: %v", prefix, err)
			case job.Status.Terminal() && changed:
				r.logf("%s, confirmed %s by the status endpoint", prefix, job.Status)
			case job.Status.Terminal():
				r.logf("%s, already %s: nothing changed", prefix, job.Status)
			default:
				r.logf("%s, but the server says %s: not recorded as done", prefix, job.Status)
			}
			if !again {
				return
			}
		}
	}()
}

func (r *Receiver) answer(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"code": code, "message": msg})
}

func (r *Receiver) logf(format string, a ...any) {
	r.logMu.Lock()
	defer r.logMu.Unlock()
	fmt.Fprintf(r.log, "webhook: "+format+"\n", a...)
}

// quote keeps what a sender put in a log line on one printable line.
func quote(s string) string {
	const max = 80
	if len(s) > max {
		s = s[:max] + "…"
	}
	return strconv.Quote(s)
}

// Serve answers deliveries on ln with DefaultLimits until ctx ends, then
// stops accepting, lets answers in progress finish (up to five seconds),
// and returns nil.
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	return ServeWith(ctx, ln, h, DefaultLimits)
}

// ServeWith is Serve with other limits (zero fields take the defaults).
func ServeWith(ctx context.Context, ln net.Listener, h http.Handler, lim Limits) error {
	lim = lim.withDefaults()
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: lim.HeaderTimeout,
		ReadTimeout:       lim.ReadTimeout,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(newCapListener(ln, lim.MaxConns)) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdown)
	if errors.Is(err, context.DeadlineExceeded) {
		// Clients still holding half a request get no more time.
		err = srv.Close()
	}
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	return err
}
