// Package apidottest is a simulator of APIDot's Sora 2 Official API that
// runs over real HTTP, in the manner of net/http/httptest: tests point the
// client at it and switch faults on, and the demo mode runs it in-process.
package apidottest

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"
)

// Options shape a simulator. The zero value finishes every task at once,
// accepts any non-empty key and injects no fault.
type Options struct {
	// Key is the only bearer key accepted; empty accepts any non-empty key.
	Key string
	// QueueTime is how long a task stays not_started, RunTime how long it
	// then runs before it is finished (or failed).
	QueueTime time.Duration
	RunTime   time.Duration
	// FailMarker makes a task fail when its prompt contains it, with
	// FailMessage as error_message. Defaults: "[fail]" and a moderation
	// rejection.
	FailMarker  string
	FailMessage string
	// RejectMarker makes the server answer a submit 400 invalid_request
	// when the prompt contains it, as its content checks may. Default
	// "[reject]".
	RejectMarker string
	// FlatFiles answers files at data.files instead of data.output.files.
	FlatFiles bool
	// NoProgress leaves progress out of status answers.
	NoProgress bool
	// NoCreditsAmount leaves credits_amount out of terminal answers; by
	// default a finished task reports its catalog price and a failed one
	// 0 (refunded).
	NoCreditsAmount bool
	// CreditsFactor scales the credits_amount of finished tasks (a
	// discount, say); 0 means 1.
	CreditsFactor float64
	// UnknownStatus, when set (e.g. "queued"), is reported instead of
	// not_started.
	UnknownStatus string
	// Balance is the account's credits when LimitBalance is set; a submit
	// it cannot cover is answered 402.
	Balance      int
	LimitBalance bool
	// WebhookDeliveries is how many times each terminal callback is POSTed
	// (duplicates on purpose); default 1.
	WebhookDeliveries int
	// Stateless answers status reads for task ids an earlier server made
	// (the ids carry their creation time and fate), so jobs outlive the
	// process that runs the simulator, as the demo needs.
	Stateless bool
	// Listen, when set (e.g. "127.0.0.1:47474"), is the address to serve
	// on, so result URLs stay valid for the next process; when it is taken
	// the server falls back to a free loopback port.
	Listen string
	// Hostile appends HostileText to every text field of every answer
	// (messages, error types, error_message, queued statuses, created_time)
	// and lists a file: poster and a javascript: video beside the real one.
	Hostile bool
	// ModelNotFound answers every submit 404 model_not_found, as resellers
	// did once Sora 2 left OpenAI's API.
	ModelNotFound bool
	// Hold keeps every new task not_started until Release lets it go (it
	// then runs for RunTime; QueueTime is not used), so a test decides
	// when jobs move on, whatever the machine's speed.
	Hold bool
	// AnswerTaskID, when set, is the task id every submit answer carries
	// instead of the created task's (a malformed or repeated id).
	AnswerTaskID string
	// Faults injected at random, seeded by Seed.
	Faults Faults
	Seed   uint64
}

// Faults are shares (0–1) of calls that go wrong, drawn independently.
type Faults struct {
	// ServerError answers a status read 503.
	ServerError float64
	// RateLimit answers any call 429 (nothing is created), with
	// RetryAfter as Retry-After when non-zero.
	RateLimit  float64
	RetryAfter time.Duration
	// ErrorBody answers a status read HTTP 200 with a body whose code is 500.
	ErrorBody float64
	// Drop closes a status read's connection without an answer.
	Drop float64
	// Slow delays any answer by SlowDelay.
	Slow      float64
	SlowDelay time.Duration
	// SubmitServerError answers a submit 500 without creating the task.
	SubmitServerError float64
	// SubmitCreateThenError creates the task, then answers 500.
	SubmitCreateThenError float64
	// SubmitCreateThenDrop creates the task, then drops the connection.
	SubmitCreateThenDrop float64
	// DropVideo cuts every video download off halfway.
	DropVideo bool
}

// Request is one request the server received.
type Request struct {
	Method        string
	Path          string // decoded
	RawPath       string // as sent, escapes kept
	Authorization string
	UserAgent     string
	Body          []byte
	Answer        int // HTTP status sent; 0 for a dropped connection
	At            time.Time
}

// Task is the server's view of one task.
type Task struct {
	ID          string
	Model       string
	Input       Input
	CallbackURL string
	CreatedAt   time.Time
	StartsAt    time.Time // not_started until then
	EndsAt      time.Time // finished or failed from then on
	Fails       bool
	Expired     bool // result URLs answer 403
	Deliveries  int  // webhook POSTs made
}

// Input is a submit's input object as received.
type Input struct {
	Prompt      string   `json:"prompt"`
	Duration    *int     `json:"duration,omitempty"`
	AspectRatio string   `json:"aspect_ratio,omitempty"`
	ImageURLs   []string `json:"image_urls,omitempty"`
	Resolution  string   `json:"resolution,omitempty"`
}

// Server is a running simulator.
type Server struct {
	// URL is the base URL, e.g. http://127.0.0.1:41234.
	URL string

	srv      *httptest.Server
	opts     Options
	webhooks *http.Client

	mu    sync.Mutex
	rng   *rand.Rand
	tasks map[string]*Task
	// forgotten tasks answer 404, as the server does once it drops them.
	forgotten map[string]bool
	order     []string
	log       []Request
	timers    []*time.Timer
	pending   sync.WaitGroup
	closed    bool
	seq       int
}

// NewServer starts a simulator on a loopback port. Close it when done.
func NewServer(opts Options) *Server {
	if opts.FailMarker == "" {
		opts.FailMarker = "[fail]"
	}
	if opts.FailMessage == "" {
		opts.FailMessage = "The prompt was rejected by content moderation."
	}
	if opts.RejectMarker == "" {
		opts.RejectMarker = "[reject]"
	}
	if opts.WebhookDeliveries <= 0 {
		opts.WebhookDeliveries = 1
	}
	s := &Server{
		opts:      opts,
		rng:       rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x5eed)),
		tasks:     map[string]*Task{},
		forgotten: map[string]bool{},
		webhooks:  &http.Client{Timeout: 5 * time.Second},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/generate/submit", s.submit)
	mux.HandleFunc("GET /api/generate/status/{task_id}", s.status)
	mux.HandleFunc("GET /files/{task_id}/{name}", s.file)
	mux.HandleFunc("/images/{name}", s.image)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.answer(w, r, nil, http.StatusNotFound, errorBody(404, "not_found", "no such endpoint"))
	})
	s.srv = httptest.NewUnstartedServer(mux)
	if opts.Listen != "" {
		if ln, err := net.Listen("tcp", opts.Listen); err == nil {
			s.srv.Listener.Close()
			s.srv.Listener = ln
		}
	}
	// Handlers read URL: set it before the serving goroutines start.
	s.URL = "http://" + s.srv.Listener.Addr().String()
	s.srv.Start()
	return s
}

// TB is the part of testing.TB that NewTestServer needs.
type TB interface {
	Helper()
	Cleanup(func())
}

// NewTestServer starts a simulator that closes when the test ends.
func NewTestServer(t TB, opts Options) *Server {
	t.Helper()
	s := NewServer(opts)
	t.Cleanup(s.Close)
	return s
}

// Client returns an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Close stops the server, its timers and pending webhook deliveries.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	for _, t := range s.timers {
		t.Stop()
	}
	s.mu.Unlock()
	s.srv.CloseClientConnections()
	s.srv.Close()
	s.pending.Wait()
}

// SetFaults replaces the fault shares from now on.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.Faults = f
}

// SetBalance sets the credit balance and turns the limit on.
func (s *Server) SetBalance(credits int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.Balance, s.opts.LimitBalance = credits, true
}

// Balance is the credits left.
func (s *Server) Balance() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opts.Balance
}

// Requests returns a copy of every request received so far.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.log)
}

// Submits counts submit requests received (whatever their answer).
func (s *Server) Submits() int {
	return s.count(func(r Request) bool {
		return r.Method == http.MethodPost && strings.HasPrefix(r.Path, "/api/generate/submit")
	})
}

// StatusReads counts status requests received for taskID ("" for all).
func (s *Server) StatusReads(taskID string) int {
	p := "/api/generate/status/" + taskID
	return s.count(func(r Request) bool {
		if taskID == "" {
			return strings.HasPrefix(r.Path, p)
		}
		return r.Path == p
	})
}

func (s *Server) count(match func(Request) bool) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.log {
		if match(r) {
			n++
		}
	}
	return n
}

// Tasks returns a copy of every task, oldest first.
func (s *Server) Tasks() []Task {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Task, 0, len(s.order))
	for _, id := range s.order {
		out = append(out, *s.tasks[id])
	}
	return out
}

// Task returns one task.
func (s *Server) Task(id string) (Task, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tasks[id]
	if !ok {
		return Task{}, false
	}
	return *t, true
}

// held is when a held task would start: never, in practice.
var held = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// Release starts every task that Hold keeps waiting, each to end RunTime
// from now, and returns how many it started.
func (s *Server) Release() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	now, n := time.Now(), 0
	for _, id := range s.order {
		if t := s.tasks[id]; t.StartsAt.Equal(held) {
			t.StartsAt, t.EndsAt = now, now.Add(s.opts.RunTime)
			s.scheduleLocked(t, now)
			n++
		}
	}
	return n
}

// Expire makes a task's result URLs answer 403, as expired links do.
func (s *Server) Expire(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.tasks[id]; ok {
		t.Expired = true
	}
}

// VideoURL is where a task's video is served.
func (s *Server) VideoURL(id string) string { return s.URL + "/files/" + id + "/video.mp4" }

// ImageURL is a served test image: "ok.png" (image/png), "page.html"
// (text/html), "nohead.png" (HEAD refused, GET works), "redirect.png"
// (one redirect to ok.png), "loop.png" (redirects forever), "missing.png"
// (404).
func (s *Server) ImageURL(name string) string { return s.URL + "/images/" + name }

func (s *Server) roll(share float64) bool {
	return share > 0 && s.rng.Float64() < share
}

// record logs a request and returns its index so the answer can be noted.
func (s *Server) record(r *http.Request, body []byte) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = append(s.log, Request{
		Method:        r.Method,
		Path:          r.URL.Path,
		RawPath:       r.URL.EscapedPath(),
		Authorization: r.Header.Get("Authorization"),
		UserAgent:     r.Header.Get("User-Agent"),
		Body:          body,
		At:            time.Now(),
	})
	return len(s.log) - 1
}

func (s *Server) noteAnswer(i *int, code int) {
	if i == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log[*i].Answer = code
}

func (s *Server) answer(w http.ResponseWriter, _ *http.Request, logIndex *int, httpStatus int, body any) {
	s.noteAnswer(logIndex, httpStatus)
	if s.opts.Hostile {
		body = spoil(body)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(httpStatus)
	_ = json.NewEncoder(w).Encode(body)
}

// drop closes the connection without an answer.
func (s *Server) drop(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("apidottest: connection cannot be hijacked")
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		conn.Close()
	}
}

func errorBody(code int, typ, msg string) map[string]any {
	return map[string]any{"code": code, "data": nil, "error": map[string]any{"type": typ, "message": msg}, "message": msg}
}

// authorized checks the bearer key.
func (s *Server) authorized(r *http.Request) bool {
	key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || strings.TrimSpace(key) == "" {
		return false
	}
	return s.opts.Key == "" || key == s.opts.Key
}

// common applies what every API call shares: the slow fault, auth and the
// 429 fault. It reports whether the handler should go on.
func (s *Server) common(w http.ResponseWriter, r *http.Request, idx int) bool {
	s.mu.Lock()
	f := s.opts.Faults
	slow := s.roll(f.Slow)
	limited := s.roll(f.RateLimit)
	s.mu.Unlock()
	if slow && f.SlowDelay > 0 {
		select {
		case <-time.After(f.SlowDelay):
		case <-r.Context().Done():
			return false
		}
	}
	if !s.authorized(r) {
		s.answer(w, r, &idx, http.StatusUnauthorized, errorBody(401, "authentication_error", "Missing or invalid API key."))
		return false
	}
	if limited {
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", fmt.Sprint(int((f.RetryAfter+time.Second-1)/time.Second)))
		}
		s.answer(w, r, &idx, http.StatusTooManyRequests, errorBody(429, "rate_limited", "Too many requests."))
		return false
	}
	return true
}
