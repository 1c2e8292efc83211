package cli_test

import (
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/cli"
)

// seedAges imports jobs of several ages and statuses and returns the
// local path of the saved video of "old-done".
func seedAges(t *testing.T, h *harness) string {
	t.Helper()
	video := writeTemp(t, "old-done.mp4", "video")
	now := time.Now()
	var b strings.Builder
	for _, r := range []struct {
		id, task, status string
		age              time.Duration
		local            string
	}{
		{"old-done", "task-1", "finished", 40 * 24 * time.Hour, video},
		{"old-failed", "task-2", "failed", 35 * 24 * time.Hour, ""},
		{"old-running", "task-3", "running", 31 * 24 * time.Hour, ""},
		{"old-unconfirmed", "", "unconfirmed", 45 * 24 * time.Hour, ""},
		{"old-rejected", "", "rejected", 60 * 24 * time.Hour, ""},
		{"week-done", "task-6", "finished", 7 * 24 * time.Hour, ""},
		{"new-queued", "task-7", "not_started", time.Hour, ""},
		{"new-done", "task-8", "finished", time.Minute, ""},
	} {
		created := now.Add(-r.age).UTC().Format(time.RFC3339)
		line, _ := json.Marshal(map[string]any{
			"id": r.id, "task_id": r.task, "status": r.status, "model": "sora-2-official",
			"prompt": "prompt of " + r.id, "duration": 4, "local_path": r.local,
			"created_at": created, "updated_at": created,
		})
		b.Write(line)
		b.WriteByte('\n')
	}
	if r := h.run(b.String(), "import", "-"); r.code != 0 {
		t.Fatalf("import: exit %d %s", r.code, r.stderr)
	}
	return video
}

func storedIDs(t *testing.T, h *harness) []string {
	t.Helper()
	var ids []string
	for _, j := range h.jobs() {
		ids = append(ids, j.ID)
	}
	slices.Sort(ids)
	return ids
}

var allSeeded = []string{"new-done", "new-queued", "old-done", "old-failed", "old-rejected", "old-running", "old-unconfirmed", "week-done"}

// without returns allSeeded minus ids.
func without(ids ...string) []string {
	var out []string
	for _, id := range allSeeded {
		if !slices.Contains(ids, id) {
			out = append(out, id)
		}
	}
	return out
}

func TestDeleteAndPruneRemoveExactlyWhatTheySay(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		stdin   string
		term    bool
		args    []string
		removed []string
		code    int
		stdout  string
		stderr  string
	}{
		{"delete two", "", false, []string{"delete", "old-done", "task-6", "--yes"},
			[]string{"old-done", "week-done"}, 0, "Deleted 2 jobs.", "Saved video files were left in place"},
		{"delete a prefix", "", false, []string{"delete", "week", "--yes"},
			[]string{"week-done"}, 0, "Deleted 1 job.", ""},
		{"delete the same job twice over", "", false, []string{"delete", "old-failed", "task-2", "--yes"},
			[]string{"old-failed"}, 0, "Deleted 1 job.", ""},
		{"delete keeps a running job", "", false, []string{"delete", "old-running", "new-queued", "old-done", "--yes"},
			[]string{"old-done"}, 1, "Deleted 1 job.", "Kept 2 running jobs (old-running, new-queued): not finished on the server; pass --force"},
		{"delete only a running job", "", false, []string{"delete", "new-queued", "--yes"},
			nil, 1, "", "Kept 1 running job (new-queued)"},
		{"delete --force removes a running job", "", false, []string{"delete", "old-running", "new-queued", "--yes", "--force"},
			[]string{"old-running", "new-queued"}, 0, "Deleted 2 jobs.", ""},
		{"delete a job without a task id", "", false, []string{"delete", "old-unconfirmed", "--yes"},
			[]string{"old-unconfirmed"}, 0, "Deleted 1 job.", ""},
		{"delete an unknown id removes nothing", "", false, []string{"delete", "old-done", "nosuchjob", "--yes"},
			nil, 2, "", `no job "nosuchjob"`},
		{"delete without --yes and without a terminal", "", false, []string{"delete", "old-done"},
			nil, 2, "", "Pass --yes"},
		{"delete on a terminal, confirmed", "y\n", true, []string{"delete", "old-done", "old-failed"},
			[]string{"old-done", "old-failed"}, 0, "Deleted 2 jobs.", "Delete 2 jobs? [y/N]"},
		{"delete on a terminal, declined", "n\n", true, []string{"delete", "old-done"},
			nil, 1, "", "Nothing deleted."},
		{"delete on a terminal, no answer", "", true, []string{"delete", "old-done"},
			nil, 1, "", "Nothing deleted."},
		{"prune 30d", "", false, []string{"prune", "--older-than", "30d", "--yes"},
			[]string{"old-done", "old-failed", "old-unconfirmed", "old-rejected"}, 1, "Deleted 4 jobs.", "Kept 1 running job (old-running)"},
		{"prune 30d --force", "", false, []string{"prune", "--older-than", "30d", "--yes", "--force"},
			[]string{"old-done", "old-failed", "old-unconfirmed", "old-rejected", "old-running"}, 0, "Deleted 5 jobs.", ""},
		{"prune 720h", "", false, []string{"prune", "--older-than", "720h", "--yes", "--force"},
			[]string{"old-done", "old-failed", "old-unconfirmed", "old-rejected", "old-running"}, 0, "Deleted 5 jobs.", ""},
		{"prune 36d", "", false, []string{"prune", "--older-than", "36d", "--yes"},
			[]string{"old-done", "old-unconfirmed", "old-rejected"}, 0, "Deleted 3 jobs.", ""},
		{"prune 1d12h", "", false, []string{"prune", "--older-than", "1d12h", "--yes"},
			[]string{"old-done", "old-failed", "old-unconfirmed", "old-rejected", "week-done"}, 1, "Deleted 5 jobs.", "Kept 1 running job (old-running)"},
		{"prune 10m keeps what is running", "", false, []string{"prune", "--older-than", "10m", "--yes"},
			[]string{"old-done", "old-failed", "old-unconfirmed", "old-rejected", "week-done"}, 1, "Deleted 5 jobs.", "Kept 2 running jobs"},
		{"prune finds nothing", "", false, []string{"prune", "--older-than", "365d", "--yes"},
			nil, 0, "No jobs created before", ""},
		{"prune on a terminal, confirmed", "yes\n", true, []string{"prune", "--older-than", "50d"},
			[]string{"old-rejected"}, 0, "Deleted 1 job.", "Delete 1 job created before "},
		{"prune without --yes and without a terminal", "", false, []string{"prune", "--older-than", "30d"},
			nil, 2, "", "Nothing was deleted"},
		{"prune without --older-than", "", false, []string{"prune", "--yes"},
			nil, 2, "", "--older-than is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, apidottest.Options{})
			video := seedAges(t, h)
			r := h.runEnv(tt.stdin, func(e *cli.Env) { e.StdinIsTerminal = tt.term }, tt.args...)
			if r.code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", r.code, tt.code, r.stdout, r.stderr)
			}
			if !strings.Contains(r.stdout, tt.stdout) {
				t.Errorf("stdout %q lacks %q", r.stdout, tt.stdout)
			}
			if !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("stderr %q lacks %q", r.stderr, tt.stderr)
			}
			if got, want := storedIDs(t, h), without(tt.removed...); !slices.Equal(got, want) {
				t.Errorf("left %v, want %v", got, want)
			}
			if _, err := os.Stat(video); err != nil {
				t.Errorf("the saved video is gone: %v", err)
			}
		})
	}
}

func TestPruneRefusesBadAges(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	seedAges(t, h)
	for _, age := range []string{"30", "thirty days", "0s", "0d", "-1d", "-5h", "d", "1e9d", "3w"} {
		r := h.run("", "prune", "--older-than", age, "--yes")
		if r.code != 2 || !strings.Contains(r.stderr, "--older-than") {
			t.Errorf("--older-than %q: exit %d, want 2 naming the flag\n%s", age, r.code, r.stderr)
		}
	}
	if got := storedIDs(t, h); !slices.Equal(got, allSeeded) {
		t.Errorf("left %v, want every job", got)
	}
}

func TestConfirmationListsTheJobs(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	seedAges(t, h)
	r := h.runEnv("n\n", func(e *cli.Env) { e.StdinIsTerminal = true }, "prune", "--older-than", "30d")
	for _, want := range []string{"old-done", "old-failed", "prompt of old-rejected", "Kept 1 running job (old-running)", "Delete 4 jobs created before"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if got := storedIDs(t, h); !slices.Equal(got, allSeeded) {
		t.Errorf("left %v after a no", got)
	}
}

func TestHelpSaysVideosStay(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	for _, cmd := range []string{"delete", "prune"} {
		r := h.run("", cmd, "--help")
		if r.code != 0 || !strings.Contains(r.stdout, "Saved video files are never deleted") {
			t.Errorf("%s --help: exit %d\n%s", cmd, r.code, r.stdout)
		}
	}
}
