package cli_test

import (
	"context"
	"strings"
	"testing"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/history"
)

// submitElsewhere submits a task straight to the simulator, as curl would.
func submitElsewhere(t *testing.T, h *harness) string {
	t.Helper()
	c := apidot.NewClient(cliKey, apidot.WithBaseURL(h.server.URL))
	task, err := c.Submit(context.Background(), apidot.Request{Model: apidot.ModelPro, Resolution: "1080p", Prompt: "made with curl", Duration: 4})
	if err != nil {
		t.Fatal(err)
	}
	return task.ID
}

func TestAdoptFollowsATaskSubmittedElsewhereOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	task := submitElsewhere(t, h)

	r := h.run("", "adopt", task, "--variant", "pro-1080p", "--wait", "--json")
	if r.code != 0 {
		t.Fatalf("adopt: exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	j := outJSON[history.Job](t, r)
	if j.TaskID != task || j.Status != history.StatusFinished || j.Prompt != "(adopted)" || j.Model != apidot.ModelPro || len(j.VideoURLs) == 0 {
		t.Errorf("adopted job %+v", j)
	}
	again := h.run("", "adopt", task)
	if again.code != 0 || !strings.Contains(again.stderr, "already in the history as job "+j.ID+"; nothing changed") {
		t.Errorf("second adopt: exit %d:\n%s", again.code, again.stderr)
	}
	h.wantJobs(1, "adopting twice records one job")
	if h.server.Submits() != 1 {
		t.Errorf("%d submits, want only the one made elsewhere", h.server.Submits())
	}
}

func TestAdoptRefusesBadTaskIDs(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	tests := []struct{ name, id, says string }{
		{"unknown", "task-unified-0-0000-00000000s", "does not know this task"},
		{"malformed", "../../etc/passwd", "is not a task id"},
		{"control characters", "task\x1b]0;t\x07", "is not a task id"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := h.run("", "adopt", tc.id)
			if r.code != 2 || !strings.Contains(r.stderr, tc.says) {
				t.Fatalf("exit %d, want 2 saying %q:\n%s", r.code, tc.says, r.stderr)
			}
			requireInert(t, "adopt error", r.stderr)
		})
	}
	h.wantJobs(0, "a refused adopt records nothing")
}

func TestResolveSettlesUnconfirmedJobs(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{Faults: apidottest.Faults{SubmitCreateThenError: 1}})
	first := submitJob(t, h, "--prompt", "an ambiguous one")
	second := submitJob(t, h, "--prompt", "another ambiguous one")
	if first.Status != history.StatusUnconfirmed || second.Status != history.StatusUnconfirmed {
		t.Fatalf("statuses %s, %s; want unconfirmed", first.Status, second.Status)
	}
	h.server.SetFaults(apidottest.Faults{})
	task := h.server.Tasks()[0].ID

	r := h.run("", "resolve", first.ID, "--task", task, "--wait", "--json")
	if r.code != 0 {
		t.Fatalf("resolve --task: exit %d:\n%s%s", r.code, r.stdout, r.stderr)
	}
	j := outJSON[history.Job](t, r)
	if j.ID != first.ID || j.TaskID != task || j.Status != history.StatusFinished {
		t.Errorf("resolved job %s task %q status %s, want %s with %s finished", j.ID, j.TaskID, j.Status, first.ID, task)
	}
	if r := h.run("", "resolve", second.ID, "--rejected"); r.code != 0 {
		t.Fatalf("resolve --rejected: exit %d:\n%s", r.code, r.stderr)
	}
	if got := showJob(t, h, second.ID); got.Status != history.StatusRejected {
		t.Errorf("status %s, want rejected", got.Status)
	}
	for _, args := range [][]string{
		{"resolve", first.ID, "--rejected"},                 // already settled
		{"resolve", second.ID, "--task", task},              // already settled
		{"resolve", first.ID},                               // neither flag
		{"resolve", first.ID, "--task", task, "--rejected"}, // both
	} {
		if r := h.run("", args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2:\n%s", args, r.code, r.stderr)
		}
	}
	h.wantJobs(2, "resolving keeps the same jobs")
}
