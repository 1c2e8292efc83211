// Package apidottest is a simulator of APIDot's Sora 2 Official API that
// runs over real HTTP, in the manner of net/http/httptest: tests point the
// client at it and switch faults on, and the demo mode runs it in-process.
package apidottest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/soratui/soratui/assets"
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

	mu      sync.Mutex
	rng     *rand.Rand
	tasks   map[string]*Task
	order   []string
	log     []Request
	timers  []*time.Timer
	pending sync.WaitGroup
	closed  bool
	seq     int
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
		opts:     opts,
		rng:      rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x5eed)),
		tasks:    map[string]*Task{},
		webhooks: &http.Client{Timeout: 5 * time.Second},
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

type submitBody struct {
	Model       string `json:"model"`
	CallbackURL string `json:"callback_url"`
	Input       *Input `json:"input"`
}

func (s *Server) submit(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	idx := s.record(r, raw)
	if !s.common(w, r, idx) {
		return
	}
	var body submitBody
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&body); err != nil || body.Input == nil {
		s.answer(w, r, &idx, http.StatusBadRequest, errorBody(400, "invalid_request", "Body must be JSON with model and input."))
		return
	}
	if strings.Contains(body.Input.Prompt, s.opts.RejectMarker) {
		s.answer(w, r, &idx, http.StatusBadRequest, errorBody(400, "invalid_request", "The prompt was refused by the input checks."))
		return
	}
	if msg := validate(body); msg != "" {
		s.answer(w, r, &idx, http.StatusBadRequest, errorBody(400, "invalid_request", msg))
		return
	}
	price := price(body)

	s.mu.Lock()
	f := s.opts.Faults
	if s.roll(f.SubmitServerError) {
		s.mu.Unlock()
		s.answer(w, r, &idx, http.StatusInternalServerError, errorBody(500, "server_error", "Internal error."))
		return
	}
	if s.opts.LimitBalance && price > s.opts.Balance {
		bal := s.opts.Balance
		s.mu.Unlock()
		s.answer(w, r, &idx, http.StatusPaymentRequired, errorBody(402, "insufficient_credits",
			fmt.Sprintf("This job costs %d credits; the balance is %d.", price, bal)))
		return
	}
	if s.opts.LimitBalance {
		s.opts.Balance -= price
	}
	t := s.createLocked(body)
	thenError, thenDrop := s.roll(f.SubmitCreateThenError), s.roll(f.SubmitCreateThenDrop)
	s.mu.Unlock()

	switch {
	case thenDrop:
		s.noteAnswer(&idx, 0)
		s.drop(w)
	case thenError:
		s.answer(w, r, &idx, http.StatusInternalServerError, errorBody(500, "server_error", "Internal error."))
	default:
		s.answer(w, r, &idx, http.StatusOK, map[string]any{"code": 200, "data": map[string]any{
			"task_id": t.ID, "status": "not_started", "created_time": t.CreatedAt.UTC().Format("2006-01-02T15:04:05"),
		}})
	}
}

func (s *Server) createLocked(body submitBody) *Task {
	s.seq++
	now := time.Now()
	fails := strings.Contains(body.Input.Prompt, s.opts.FailMarker)
	fate := "s"
	if fails {
		fate = "f"
	}
	t := &Task{
		ID:          fmt.Sprintf("task-unified-%d-%04d-%08x%s", now.UnixMilli(), s.seq, s.rng.Uint32(), fate),
		Model:       body.Model,
		Input:       *body.Input,
		CallbackURL: body.CallbackURL,
		CreatedAt:   now,
		StartsAt:    now.Add(s.opts.QueueTime),
		EndsAt:      now.Add(s.opts.QueueTime + s.opts.RunTime),
		Fails:       fails,
	}
	s.tasks[t.ID] = t
	s.order = append(s.order, t.ID)
	if t.CallbackURL != "" && !s.closed {
		id := t.ID
		s.pending.Add(1)
		timer := time.AfterFunc(t.EndsAt.Sub(now), func() {
			defer s.pending.Done()
			s.deliver(id)
		})
		s.timers = append(s.timers, timer)
	}
	return t
}

// deliver POSTs a terminal task to its callback URL, as many times as
// WebhookDeliveries says.
func (s *Server) deliver(id string) {
	s.mu.Lock()
	t := *s.tasks[id]
	n, closed := s.opts.WebhookDeliveries, s.closed
	s.mu.Unlock()
	if closed {
		return
	}
	body, _ := json.Marshal(s.statusBody(t, time.Now()))
	for range n {
		resp, err := s.webhooks.Post(t.CallbackURL, "application/json", bytes.NewReader(body))
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		s.mu.Lock()
		s.tasks[id].Deliveries++
		s.mu.Unlock()
	}
}

func (s *Server) status(w http.ResponseWriter, r *http.Request) {
	idx := s.record(r, nil)
	if !s.common(w, r, idx) {
		return
	}
	s.mu.Lock()
	f := s.opts.Faults
	drop, fail5xx, errBody := s.roll(f.Drop), s.roll(f.ServerError), s.roll(f.ErrorBody)
	t, ok := s.lookupLocked(r.PathValue("task_id"))
	var snap Task
	if ok {
		snap = *t
	}
	s.mu.Unlock()
	switch {
	case drop:
		s.noteAnswer(&idx, 0)
		s.drop(w)
		return
	case fail5xx:
		s.answer(w, r, &idx, http.StatusServiceUnavailable, errorBody(503, "server_error", "Service temporarily unavailable."))
		return
	case errBody:
		s.answer(w, r, &idx, http.StatusOK, errorBody(500, "server_error", "Upstream error, try again."))
		return
	case !ok:
		s.answer(w, r, &idx, http.StatusNotFound, errorBody(404, "not_found", "Task not found."))
		return
	}
	s.answer(w, r, &idx, http.StatusOK, s.statusBody(snap, time.Now()))
}

// lookupLocked finds a task, rebuilding one an earlier server made when
// the simulator is stateless.
func (s *Server) lookupLocked(id string) (*Task, bool) {
	if t, ok := s.tasks[id]; ok {
		return t, true
	}
	if !s.opts.Stateless {
		return nil, false
	}
	parts := strings.Split(id, "-")
	if len(parts) != 5 || parts[0] != "task" || parts[1] != "unified" {
		return nil, false
	}
	ms, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil || len(parts[4]) != 9 {
		return nil, false
	}
	created := time.UnixMilli(ms)
	t := &Task{
		ID:        id,
		CreatedAt: created,
		StartsAt:  created.Add(s.opts.QueueTime),
		EndsAt:    created.Add(s.opts.QueueTime + s.opts.RunTime),
		Fails:     strings.HasSuffix(id, "f"),
	}
	s.tasks[id] = t
	s.order = append(s.order, id)
	return t, true
}

// statusBody is the status answer for t at now.
func (s *Server) statusBody(t Task, now time.Time) map[string]any {
	data := map[string]any{"task_id": t.ID, "error_message": nil}
	progress := 0
	switch {
	case now.Before(t.StartsAt):
		data["status"] = "not_started"
		if s.opts.UnknownStatus != "" {
			data["status"] = s.opts.UnknownStatus
		}
	case now.Before(t.EndsAt):
		data["status"] = "running"
		progress = int(99 * now.Sub(t.StartsAt) / t.EndsAt.Sub(t.StartsAt))
	case t.Fails:
		data["status"] = "failed"
		data["error_message"] = s.opts.FailMessage
	default:
		data["status"] = "finished"
		progress = 100
		files := []map[string]any{
			{"file_url": s.URL + "/files/" + t.ID + "/poster.jpg", "file_type": "image"},
			{"file_url": s.VideoURL(t.ID), "file_type": "video"},
		}
		if s.opts.FlatFiles {
			data["files"] = files
		} else {
			data["output"] = map[string]any{"files": files}
		}
	}
	if !s.opts.NoProgress {
		data["progress"] = progress
	}
	return map[string]any{"code": 200, "data": data}
}

func (s *Server) file(w http.ResponseWriter, r *http.Request) {
	idx := s.record(r, nil)
	s.mu.Lock()
	t, ok := s.lookupLocked(r.PathValue("task_id"))
	var snap Task
	if ok {
		snap = *t
	}
	dropVideo := s.opts.Faults.DropVideo
	s.mu.Unlock()
	switch {
	case !ok || time.Now().Before(snap.EndsAt) || snap.Fails:
		s.noteAnswer(&idx, http.StatusNotFound)
		http.NotFound(w, r)
		return
	case snap.Expired:
		s.noteAnswer(&idx, http.StatusForbidden)
		http.Error(w, "Request has expired", http.StatusForbidden)
		return
	}
	clip := assets.SampleClip
	if r.PathValue("name") != "video.mp4" {
		s.noteAnswer(&idx, http.StatusNotFound)
		http.NotFound(w, r)
		return
	}
	if dropVideo {
		w.Header().Set("Content-Type", "video/mp4")
		w.Header().Set("Content-Length", fmt.Sprint(len(clip)))
		w.WriteHeader(http.StatusOK)
		w.Write(clip[:len(clip)/2])
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		s.noteAnswer(&idx, 0)
		s.drop(w)
		return
	}
	s.noteAnswer(&idx, http.StatusOK)
	w.Header().Set("Content-Type", "video/mp4")
	http.ServeContent(w, r, "video.mp4", snap.EndsAt, bytes.NewReader(clip))
}

func (s *Server) image(w http.ResponseWriter, r *http.Request) {
	idx := s.record(r, nil)
	switch name := r.PathValue("name"); name {
	case "ok.png":
		s.noteAnswer(&idx, http.StatusOK)
		w.Header().Set("Content-Type", "image/png")
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(samplePNG()))
	case "nohead.png":
		if r.Method == http.MethodHead {
			s.noteAnswer(&idx, http.StatusMethodNotAllowed)
			w.WriteHeader(http.StatusMethodNotAllowed)
			return
		}
		s.noteAnswer(&idx, http.StatusOK)
		w.Header().Set("Content-Type", "image/png")
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(samplePNG()))
	case "page.html":
		s.noteAnswer(&idx, http.StatusOK)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, "<html><body>not an image</body></html>")
	case "redirect.png":
		s.noteAnswer(&idx, http.StatusFound)
		http.Redirect(w, r, "/images/ok.png", http.StatusFound)
	case "loop.png":
		s.noteAnswer(&idx, http.StatusFound)
		http.Redirect(w, r, "/images/loop.png", http.StatusFound)
	default:
		s.noteAnswer(&idx, http.StatusNotFound)
		http.NotFound(w, r)
	}
}

// samplePNG is a small gradient, made on demand.
func samplePNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 16, 9))
	for y := range 9 {
		for x := range 16 {
			img.Set(x, y, color.RGBA{uint8(x * 16), uint8(y * 28), 160, 255})
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}

// validate applies APIDOT.md's rules; it returns the 400 message or "".
func validate(b submitBody) string {
	in := b.Input
	pro := b.Model == "sora-2-pro-official"
	switch {
	case b.Model != "sora-2-official" && !pro:
		return fmt.Sprintf("Unknown model %q.", b.Model)
	case strings.TrimSpace(in.Prompt) == "":
		return "input.prompt is required."
	case in.Duration != nil && !slices.Contains([]int{4, 8, 12, 16, 20}, *in.Duration):
		return "input.duration must be one of 4, 8, 12, 16, 20."
	case len(in.ImageURLs) > 1:
		return "input.image_urls accepts at most one URL."
	case !pro && in.Resolution != "":
		return "input.resolution is only supported by sora-2-pro-official."
	case pro && in.Resolution != "" && !slices.Contains([]string{"720p", "1024p", "1080p"}, in.Resolution):
		return "input.resolution must be 720p, 1024p or 1080p."
	}
	switch in.AspectRatio {
	case "", "16:9", "9:16":
	case "auto":
		if !pro || len(in.ImageURLs) == 0 {
			return "input.aspect_ratio auto requires sora-2-pro-official with an image."
		}
	default:
		return "input.aspect_ratio must be 16:9 or 9:16."
	}
	return ""
}

// price is the catalog price the server charges.
func price(b submitBody) int {
	d := 4
	if b.Input.Duration != nil {
		d = *b.Input.Duration
	}
	if b.Model == "sora-2-official" {
		return 12 * d
	}
	per := map[string]int{"": 48, "720p": 48, "1024p": 80, "1080p": 112}[b.Input.Resolution]
	return per * d
}
