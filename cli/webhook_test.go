package cli_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/jobs/jobstest"
)

var listening = regexp.MustCompile(`callbacks on (http://[^/ ]+)/`)

func TestWebhookRecordsDuplicatedCallbacksOnce(t *testing.T) {
	t.Parallel()
	o := jobsTaking(50, 100)
	o.WebhookDeliveries = 3
	h := newHarness(t, o)
	stderr, stop := h.background("webhook", "--listen", "127.0.0.1:0", "--poll=false")
	var base string
	jobstest.Eventually(t, "the listener", func() bool {
		m := listening.FindStringSubmatch(stderr.String())
		if m != nil {
			base = m[1]
		}
		return m != nil
	})

	r := h.run("", "submit", "--model", "standard", "--prompt", "a crane at dawn", "--callback-url", base+"/apidot", "--json")
	if r.code != 0 {
		t.Fatalf("submit exit %d: %s", r.code, r.stderr)
	}
	job := outJSON[history.Job](t, r)
	jobstest.Eventually(t, "three deliveries and their log lines", func() bool {
		task, _ := h.server.Task(job.TaskID)
		return task.Deliveries == 3 && strings.Count(stderr.String(), job.TaskID) == 3
	})

	resp, err := http.Post(base+"/apidot", "application/json", strings.NewReader(`{"code":200,"data":{"task_id":"task-forged","status":"finished"}}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown task: %d, want 404", resp.StatusCode)
	}
	if code := stop(); code != 0 {
		t.Errorf("exit %d after interrupt:\n%s", code, stderr)
	}

	js := h.jobs()
	if len(js) != 1 {
		t.Fatalf("%d jobs in the history, want 1", len(js))
	}
	got := js[0]
	finished := 0
	for _, c := range got.StatusHistory {
		if c.Status == history.StatusFinished {
			finished++
		}
	}
	if got.Status != history.StatusFinished || finished != 1 || len(got.VideoURLs) != 1 {
		t.Errorf("job = %s, %d finished entries, videos %v", got.Status, finished, got.VideoURLs)
	}
	if n := h.server.StatusReads(job.TaskID); n != 1 {
		t.Errorf("%d status reads, want the one confirmation", n)
	}
	if strings.Contains(stderr.String(), cliKey) {
		t.Error("stderr holds the key")
	}
}

func TestWebhookAlsoPollsUnfinishedJobs(t *testing.T) {
	t.Parallel()
	h := newHarness(t, neverStarting())
	r := h.run("", "submit", "--model", "standard", "--prompt", "a slow queue", "--json")
	if r.code != 0 {
		t.Fatalf("submit exit %d: %s", r.code, r.stderr)
	}
	stderr, stop := h.background("webhook", "--listen", "127.0.0.1:0")
	jobstest.Eventually(t, "polling to start", func() bool {
		return strings.Contains(stderr.String(), "Following 1 unfinished jobs") && strings.Contains(stderr.String(), "callbacks on")
	})
	jobstest.Eventually(t, "a status read", func() bool { return h.server.StatusReads("") > 0 })
	if code := stop(); code != 0 {
		t.Errorf("exit %d:\n%s", code, stderr)
	}
}

func TestWebhookRefusesABadAddress(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	if r := h.run("", "webhook", "--listen", "nowhere"); r.code != 2 {
		t.Errorf("exit %d, want 2: %s", r.code, r.stderr)
	}
}
