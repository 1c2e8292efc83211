package apidottest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

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
	if s.modelGone(w, r, idx, body.Model) {
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
			"task_id": s.answeredID(t), "status": "not_started", "created_time": createdTime(t.CreatedAt),
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
	if s.opts.Hold {
		t.StartsAt, t.EndsAt = held, held
	}
	s.tasks[t.ID] = t
	s.order = append(s.order, t.ID)
	if !s.opts.Hold {
		s.scheduleLocked(t, now)
	}
	return t
}

// scheduleLocked arranges the webhook delivery of t, if it has a callback,
// for when it ends.
func (s *Server) scheduleLocked(t *Task, now time.Time) {
	if t.CallbackURL == "" || s.closed {
		return
	}
	id := t.ID
	s.pending.Add(1)
	timer := time.AfterFunc(t.EndsAt.Sub(now), func() {
		defer s.pending.Done()
		s.deliver(id)
	})
	s.timers = append(s.timers, timer)
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
	answer := any(s.statusBody(t, time.Now()))
	if s.opts.Hostile {
		answer = spoil(answer)
	}
	body, _ := json.Marshal(answer)
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
	snap, ok := s.snapshotLocked(r.PathValue("task_id"))
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

// snapshotLocked copies the task with that id as a request sees it: a
// forgotten task is not found. The caller holds s.mu.
func (s *Server) snapshotLocked(id string) (Task, bool) {
	t, ok := s.lookupLocked(id)
	if !ok || s.forgottenLocked(id) {
		return Task{}, false
	}
	return *t, true
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
		if !s.opts.NoCreditsAmount {
			data["credits_amount"] = 0
		}
	default:
		data["status"] = "finished"
		progress = 100
		if !s.opts.NoCreditsAmount {
			data["credits_amount"] = s.charge(t)
		}
		files := []map[string]any{
			{"file_url": s.URL + "/files/" + t.ID + "/poster.jpg", "file_type": "image"},
			{"file_url": s.VideoURL(t.ID), "file_type": "video"},
		}
		if s.opts.Hostile {
			files = hostileFiles(files)
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

// charge is the credits_amount a finished task reports: its price, scaled
// by Options.CreditsFactor when set.
func (s *Server) charge(t Task) int {
	in := t.Input
	p := price(submitBody{Model: t.Model, Input: &in})
	if s.opts.CreditsFactor > 0 {
		return int(float64(p) * s.opts.CreditsFactor)
	}
	return p
}
