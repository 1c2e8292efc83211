package apidottest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/assets"
)

// call sends an authorized request to path on s; the caller closes the body.
func call(t *testing.T, s *apidottest.Server, method, path string, body io.Reader) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(method, s.URL+path, body)
	req.Header.Set("Authorization", "Bearer sk-anything-1234")
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func post(t *testing.T, s *apidottest.Server, body string) (int, map[string]any) {
	t.Helper()
	resp := call(t, s, http.MethodPost, "/api/generate/submit", strings.NewReader(body))
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

// submitTask submits a valid job and returns its task id.
func submitTask(t *testing.T, s *apidottest.Server) string {
	t.Helper()
	_, out := post(t, s, `{"model":"sora-2-official","input":{"prompt":"p"}}`)
	return out["data"].(map[string]any)["task_id"].(string)
}

// getVideo fetches the video of task id and returns the answer with its
// body read and closed.
func getVideo(t *testing.T, s *apidottest.Server, id string) (*http.Response, []byte) {
	t.Helper()
	resp, err := s.Client().Get(s.VideoURL(id))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

func TestSimulatorRejectsWhatTheAPIRejects(t *testing.T) {
	t.Parallel()
	s := apidottest.NewTestServer(t, apidottest.Options{})
	for _, body := range []string{
		`{"model":"sora-2-official","input":{"prompt":"p","resolution":"720p"}}`,
		`{"model":"sora-2-official","input":{"prompt":""}}`,
		`{"model":"sora-2-official","input":{"prompt":"p","duration":7}}`,
		`{"model":"sora-2-official","input":{"prompt":"p","aspect_ratio":"auto","image_urls":["https://x/a.png"]}}`,
		`{"model":"sora-2-pro-official","input":{"prompt":"p","aspect_ratio":"auto"}}`,
		`{"model":"sora-2-pro-official","input":{"prompt":"p","image_urls":["https://x/a.png","https://x/b.png"]}}`,
		`{"model":"sora-2-pro-official","input":{"prompt":"p","resolution":"4k"}}`,
		`{"model":"sora-3","input":{"prompt":"p"}}`,
		`{"model":"sora-2-official"}`,
	} {
		code, out := post(t, s, body)
		if code != 400 || out["code"] != float64(400) {
			t.Errorf("%s: answered %d %v, want 400", body, code, out)
		}
	}
	if n := len(s.Tasks()); n != 0 {
		t.Errorf("%d tasks created from invalid submits", n)
	}
	if code, _ := post(t, s, `{"model":"sora-2-pro-official","input":{"prompt":"p","aspect_ratio":"auto","image_urls":["https://x/a.png"],"resolution":"1080p"}}`); code != 200 {
		t.Errorf("valid pro auto submit answered %d", code)
	}
}

func TestSimulatorMovesThroughStates(t *testing.T) {
	t.Parallel()
	s := apidottest.NewTestServer(t, apidottest.Options{QueueTime: time.Hour})
	id := submitTask(t, s)
	task, ok := s.Task(id)
	if !ok || !task.StartsAt.After(task.CreatedAt) {
		t.Fatalf("task %+v", task)
	}
	if resp, _ := getVideo(t, s, id); resp.StatusCode != 404 {
		t.Errorf("video of a queued task answered %d, want 404", resp.StatusCode)
	}
}

func TestSimulatorServesTheSampleClip(t *testing.T) {
	t.Parallel()
	s := apidottest.NewTestServer(t, apidottest.Options{})
	id := submitTask(t, s)
	resp, body := getVideo(t, s, id)
	if resp.StatusCode != 200 || !bytes.Equal(body, assets.SampleClip) || resp.Header.Get("Content-Type") != "video/mp4" {
		t.Errorf("video: %d %s, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"), len(body))
	}
	if !bytes.Contains(assets.SampleClip[:64], []byte("ftyp")) {
		t.Error("sample clip is not an MP4")
	}
	s.Expire(id)
	if resp, _ := getVideo(t, s, id); resp.StatusCode != 403 {
		t.Errorf("expired video answered %d, want 403", resp.StatusCode)
	}
}

// Held tasks stay not_started, and their callbacks unsent, until Release;
// then they run and end, and the callback is delivered.
func TestSimulatorHoldsTasksUntilReleased(t *testing.T) {
	t.Parallel()
	delivered := make(chan string, 10)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b struct {
			Data struct {
				TaskID string `json:"task_id"`
			} `json:"data"`
		}
		json.NewDecoder(r.Body).Decode(&b)
		delivered <- b.Data.TaskID
	}))
	defer hook.Close()
	s := apidottest.NewTestServer(t, apidottest.Options{Hold: true})
	_, out := post(t, s, `{"model":"sora-2-official","callback_url":"`+hook.URL+`/cb","input":{"prompt":"p"}}`)
	first := out["data"].(map[string]any)["task_id"].(string)
	second := submitTask(t, s)
	status := func(id string) string {
		resp := call(t, s, http.MethodGet, "/api/generate/status/"+id, nil)
		defer resp.Body.Close()
		var b struct {
			Data struct {
				Status string `json:"status"`
			} `json:"data"`
		}
		json.NewDecoder(resp.Body).Decode(&b)
		return b.Data.Status
	}
	for _, id := range []string{first, second} {
		if got := status(id); got != "not_started" {
			t.Errorf("held task %s is %q, want not_started", id, got)
		}
	}
	select {
	case id := <-delivered:
		t.Fatalf("callback of held task %s delivered", id)
	default:
	}
	if n := s.Release(); n != 2 {
		t.Errorf("Release started %d tasks, want 2", n)
	}
	for _, id := range []string{first, second} {
		if got := status(id); got != "finished" {
			t.Errorf("released task %s is %q, want finished (RunTime 0)", id, got)
		}
	}
	select {
	case id := <-delivered:
		if id != first {
			t.Errorf("callback for %s, want %s", id, first)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("callback of a released task never came")
	}
	if n := s.Release(); n != 0 {
		t.Errorf("a second Release started %d tasks, want 0", n)
	}
}

func TestSimulatorDeliversDuplicateWebhooks(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var bodies []map[string]any
	got := make(chan struct{}, 10)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var b map[string]any
		json.NewDecoder(r.Body).Decode(&b)
		mu.Lock()
		bodies = append(bodies, b)
		mu.Unlock()
		got <- struct{}{}
	}))
	defer hook.Close()
	s := apidottest.NewTestServer(t, apidottest.Options{WebhookDeliveries: 3, RunTime: 50 * time.Millisecond})
	code, out := post(t, s, `{"model":"sora-2-official","callback_url":"`+hook.URL+`/cb","input":{"prompt":"p"}}`)
	if code != 200 {
		t.Fatalf("submit answered %d", code)
	}
	id := out["data"].(map[string]any)["task_id"].(string)
	for range 3 {
		select {
		case <-got:
		case <-time.After(10 * time.Second):
			t.Fatal("webhook not delivered three times")
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for _, b := range bodies {
		data := b["data"].(map[string]any)
		if data["task_id"] != id || data["status"] != "finished" {
			t.Errorf("delivery %v, want finished %s", b, id)
		}
	}
}

func TestSimulatorRequiresABearerKey(t *testing.T) {
	t.Parallel()
	s := apidottest.NewTestServer(t, apidottest.Options{Key: "sk-right-key-1234"})
	resp, err := s.Client().Post(s.URL+"/api/generate/submit", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("no key answered %d, want 401", resp.StatusCode)
	}
	if s.Submits() != 1 {
		t.Errorf("Submits() = %d, want 1", s.Submits())
	}
}

func TestSimulatorListensWhereToldOrFallsBack(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	first := apidottest.NewTestServer(t, apidottest.Options{Listen: addr})
	second := apidottest.NewTestServer(t, apidottest.Options{Listen: addr})
	if first.URL != "http://"+addr {
		t.Errorf("first URL %s, want the asked address %s", first.URL, addr)
	}
	if second.URL == first.URL {
		t.Fatal("two servers on one address")
	}
	code, _ := post(t, second, `{"model":"sora-2-official","input":{"prompt":"p"}}`)
	if code != 200 {
		t.Errorf("the fallback server answered %d", code)
	}
}
