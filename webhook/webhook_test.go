package webhook_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/internal/lockedio"
	"github.com/soratui/soratui/jobs"
	"github.com/soratui/soratui/jobs/jobstest"
	"github.com/soratui/soratui/webhook"
)

// rig is a receiver on a real HTTP server in front of a tracker that talks
// to the simulator.
type rig struct {
	store   *history.Store
	sim     *apidottest.Server
	tracker *jobs.Tracker
	recv    *webhook.Receiver
	hook    *httptest.Server
	log     *lockedio.Buffer
}

func newRig(t *testing.T, opts apidottest.Options, maxBody int64) rig {
	t.Helper()
	jr := jobstest.New(t, opts)
	store, sim := jr.Store, jr.Server
	tr := jr.Tracker(jobs.Config{RequestsPerSecond: 100})
	ctx, cancel := context.WithCancel(context.Background())
	log := &lockedio.Buffer{}
	recv := webhook.New(ctx, webhook.Config{Jobs: store, Checker: tr, Log: log, MaxBody: maxBody})
	hook := httptest.NewServer(recv)
	t.Cleanup(func() {
		hook.Close()
		cancel()
		recv.Wait()
	})
	return rig{store: store, sim: sim, tracker: tr, recv: recv, hook: hook, log: log}
}

func (r rig) submit(t *testing.T, callback bool) history.Job {
	t.Helper()
	req := apidot.Request{Model: apidot.ModelStandard, Prompt: "a paper boat"}
	if callback {
		req.CallbackURL = r.hook.URL + "/apidot/callback"
	}
	j, err := r.tracker.Submit(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func (r rig) post(t *testing.T, method, body string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(method, r.hook.URL+"/any/path", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := r.hook.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func callbackBody(taskID, status string) string {
	return fmt.Sprintf(`{"code":200,"data":{"task_id":%q,"status":%q,"progress":100,
		"output":{"files":[{"file_url":"https://forged.example/v.mp4","file_type":"video"}]},"error_message":null}}`, taskID, status)
}

func TestDuplicateDeliveriesRecordTheJobOnce(t *testing.T) {
	t.Parallel()
	r := newRig(t, apidottest.Options{QueueTime: 30 * time.Millisecond, RunTime: 60 * time.Millisecond, WebhookDeliveries: 3}, 0)
	job := r.submit(t, true)
	jobstest.Eventually(t, "the simulator's 3 deliveries", func() bool {
		task, _ := r.sim.Task(job.TaskID)
		return task.Deliveries == 3
	})
	r.recv.Wait()
	got, err := r.store.Get(job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != history.StatusFinished || len(got.VideoURLs) != 1 || got.VideoURLs[0] != r.sim.VideoURL(job.TaskID) {
		t.Fatalf("job = %s %v, want finished with the server's video", got.Status, got.VideoURLs)
	}
	finished := 0
	for _, c := range got.StatusHistory {
		if c.Status == history.StatusFinished {
			finished++
		}
	}
	if finished != 1 {
		t.Errorf("%d finished entries in the status history, want 1: %+v", finished, got.StatusHistory)
	}
	if n := r.sim.StatusReads(job.TaskID); n != 1 {
		t.Errorf("%d status reads, want exactly one confirmation", n)
	}
	if lines := strings.Count(r.log.String(), job.TaskID); lines != 3 {
		t.Errorf("%d log lines for the task, want one per delivery:\n%s", lines, r.log)
	}
	if strings.Contains(r.log.String(), jobstest.Key) {
		t.Error("the log holds the API key")
	}
}

func TestForgedFinishedForARunningTaskIsNotRecorded(t *testing.T) {
	t.Parallel()
	r := newRig(t, apidottest.Options{QueueTime: time.Hour}, 0)
	job := r.submit(t, false)
	resp := r.post(t, http.MethodPost, callbackBody(job.TaskID, "finished"))
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("answer %d, want 202", resp.StatusCode)
	}
	r.recv.Wait()
	got, _ := r.store.Get(job.ID)
	if got.Status.Terminal() || got.FinishedAt != nil || len(got.VideoURLs) != 0 {
		t.Errorf("job = %s %v: the forged result was recorded", got.Status, got.VideoURLs)
	}
	if n := r.sim.StatusReads(job.TaskID); n != 1 {
		t.Errorf("%d status reads, want the one confirmation", n)
	}
	if !strings.Contains(r.log.String(), "not recorded") {
		t.Errorf("log:\n%s", r.log)
	}
}

func TestRefusedDeliveriesStoreNothing(t *testing.T) {
	t.Parallel()
	r := newRig(t, apidottest.Options{QueueTime: time.Hour}, 1024)
	job := r.submit(t, false)
	before, _ := r.store.Get(job.ID)
	tests := []struct {
		name, method, body string
		want               int
	}{
		{"unknown task id", http.MethodPost, callbackBody("task-unified-0-0000-deadbeefs", "finished"), http.StatusNotFound},
		{"flat unknown task id", http.MethodPost, `{"task_id":"task-nobody","status":"finished"}`, http.StatusNotFound},
		{"malformed JSON", http.MethodPost, `{"data":`, http.StatusBadRequest},
		{"no task id", http.MethodPost, `{"code":200,"data":{"status":"finished"}}`, http.StatusBadRequest},
		{"oversize body", http.MethodPost, `{"pad":"` + strings.Repeat("x", 4096) + `"}`, http.StatusRequestEntityTooLarge},
		{"GET", http.MethodGet, "", http.StatusMethodNotAllowed},
		{"PUT", http.MethodPut, callbackBody(job.TaskID, "finished"), http.StatusMethodNotAllowed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := r.post(t, tt.method, tt.body)
			if resp.StatusCode != tt.want {
				t.Errorf("answer %d, want %d", resp.StatusCode, tt.want)
			}
			if tt.want == http.StatusMethodNotAllowed && resp.Header.Get("Allow") != http.MethodPost {
				t.Errorf("Allow = %q", resp.Header.Get("Allow"))
			}
		})
	}
	r.recv.Wait()
	if js, _ := r.store.List(history.Query{}); len(js) != 1 {
		t.Errorf("%d jobs in the history, want only the submitted one", len(js))
	}
	after, _ := r.store.Get(job.ID)
	if !after.UpdatedAt.Equal(before.UpdatedAt) || after.Status != before.Status {
		t.Errorf("the job changed: %s → %s", before.Status, after.Status)
	}
	if n := r.sim.StatusReads(""); n != 0 {
		t.Errorf("%d status reads for refused deliveries", n)
	}
	if lines := strings.Count(r.log.String(), "\n"); lines != len(tests) {
		t.Errorf("%d log lines for %d deliveries:\n%s", lines, len(tests), r.log)
	}
}

func TestDeliveryForAFinishedJobReadsNothing(t *testing.T) {
	t.Parallel()
	r := newRig(t, apidottest.Options{}, 0)
	job := r.submit(t, false)
	if got, _, err := r.tracker.Check(context.Background(), job.ID); err != nil || got.Status != history.StatusFinished {
		t.Fatalf("Check = %s, %v", got.Status, err)
	}
	reads := r.sim.StatusReads(job.TaskID)
	for range 3 {
		if resp := r.post(t, http.MethodPost, callbackBody(job.TaskID, "finished")); resp.StatusCode != http.StatusAccepted {
			t.Errorf("answer %d, want 202", resp.StatusCode)
		}
	}
	r.recv.Wait()
	if n := r.sim.StatusReads(job.TaskID); n != reads {
		t.Errorf("%d more status reads for a finished job", n-reads)
	}
}

func TestServeStopsWithTheContext(t *testing.T) {
	t.Parallel()
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- webhook.Serve(ctx, ln, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusAccepted)
		}))
	}()
	resp, err := http.Post("http://"+ln.Addr().String()+"/x", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		t.Errorf("answer %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve = %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return")
	}
}
