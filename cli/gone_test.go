package cli_test

import (
	"strings"
	"testing"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/jobs/jobstest"
)

func TestWatchDropsJobsDeletedMeanwhileAndExits(t *testing.T) {
	t.Parallel()
	h := newHarness(t, neverStarting())
	var ids []string
	for _, p := range []string{"a slow one", "another slow one"} {
		ids = append(ids, submitJob(t, h, "--prompt", p).ID)
	}
	stderr, stop := h.background("watch")
	jobstest.Eventually(t, "watch to follow both jobs", func() bool { return strings.Contains(stderr.String(), "Following 2 unfinished jobs.") })
	for _, id := range ids {
		if r := h.run("", "delete", id, "--yes", "--force"); r.code != 0 {
			t.Fatalf("delete %s: exit %d:\n%s", id, r.code, r.stderr)
		}
	}
	jobstest.Eventually(t, "watch to end", func() bool { return strings.Contains(stderr.String(), "All done") })
	if code := stop(); code != 0 {
		t.Fatalf("watch exit %d, want 0:\n%s", code, stderr.String())
	}
	out := stderr.String()
	for _, id := range ids {
		if !strings.Contains(out, id+" deleted from the history; no longer followed") {
			t.Errorf("watch did not say %s was dropped:\n%s", id, out)
		}
	}
}

func TestForgottenTaskEndsExpiredInWatch(t *testing.T) {
	t.Parallel()
	h := newHarness(t, neverStarting())
	j := submitJob(t, h, "--prompt", "a forgotten harbour")
	h.server.Forget(j.TaskID)
	r := h.run("", "watch")
	if r.code != 1 || !strings.Contains(r.stderr, "1 expired (the server no longer knows this task") {
		t.Fatalf("watch: exit %d, want 1 reporting the expiry:\n%s", r.code, r.stderr)
	}
	if got := showJob(t, h, j.ID); got.Status != history.StatusExpired {
		t.Fatalf("status %s, want expired", got.Status)
	}
	for _, args := range [][]string{{"list", "--status", "expired"}, {"show", j.ID}} {
		if r := h.run("", args...); r.code != 0 || !strings.Contains(r.stdout, "expired") {
			t.Errorf("%v: exit %d, want expired shown:\n%s%s", args, r.code, r.stdout, r.stderr)
		}
	}
	if r := h.run("", "watch"); !strings.Contains(r.stderr, "No unfinished jobs") {
		t.Errorf("an expired job is still followed:\n%s", r.stderr)
	}
}

func TestModelNotFoundSaysTheModelIsUnavailable(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{ModelNotFound: true})
	for _, args := range [][]string{
		{"submit", "--prompt", "a fox"},
		{"submit", "--prompt", "a fox", "--wait"},
		{"submit", "--prompt", "a fox", "--compare", "standard,pro-1080p"},
	} {
		r := h.run("", args...)
		if r.code != 2 || !strings.Contains(r.stderr, "not available from APIDot now") || !strings.Contains(r.stderr, "--demo") {
			t.Errorf("%v: exit %d, want 2 saying the model is not available and naming --demo:\n%s", args, r.code, r.stderr)
		}
	}
	if h.server.Submits() != 3 {
		t.Errorf("%d submits sent, want 3 (the comparison stops after its first refusal)", h.server.Submits())
	}
	for _, j := range h.jobs() {
		if j.Status != history.StatusRejected {
			t.Errorf("job %s is %s, want rejected (never billed)", j.ID, j.Status)
		}
	}
}
