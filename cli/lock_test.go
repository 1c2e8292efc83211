package cli_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/cli"
	"github.com/soratui/soratui/history/historytest"
	"github.com/soratui/soratui/internal/lockedio"
	"github.com/soratui/soratui/jobs/jobstest"
)

func TestInterruptWhileTheHistoryIsLockedPrintsTheTaskID(t *testing.T) {
	t.Parallel()
	// The submit answer is held back a second, time enough for another process to take
	// the history's lock before it arrives.
	h := newHarness(t, apidottest.Options{QueueTime: time.Hour, Faults: apidottest.Faults{Slow: 1, SlowDelay: time.Second}})
	if r := h.run("", "list"); r.code != 0 { // create the file
		t.Fatalf("list: %s", r.stderr)
	}
	var stdout lockedio.Buffer
	stderr, stop := h.backgroundEnv(func(e *cli.Env) { e.Stdout, e.LockTimeout = &stdout, 30*time.Millisecond },
		"submit", "--prompt", "a door held shut")
	jobstest.Eventually(t, "the submit to reach the server", func() bool { return h.server.Submits() == 1 })
	pid, _ := historytest.HoldLock(t, h.db)
	want := "another process (pid " + strconv.Itoa(pid)
	jobstest.Eventually(t, "a notice naming the lock holder", func() bool {
		return strings.Contains(stderr.String(), "still trying to record it") && strings.Contains(stderr.String(), want)
	})
	code := stop() // what ctrl+c or SIGTERM does
	task := h.server.Tasks()[0].ID
	if !strings.Contains(stderr.String(), "soratui adopt "+task) || code != 1 {
		t.Fatalf("exit %d, want 1 and the adopt command for %s:\n%s", code, task, stderr.String())
	}
	if out := stdout.String(); out != "" && !strings.Contains(out, task) {
		t.Errorf("stdout shows a job without its task id:\n%s", out)
	}
}
