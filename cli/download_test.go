package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/cli"
	"github.com/soratui/soratui/history"
)

// finishedJob is the start of most download tests: a harness with its own
// Videos folder (returned) and one job, with prompt, followed to its end.
func finishedJob(t *testing.T, prompt string) (*harness, string, history.Job) {
	t.Helper()
	h := newHarness(t, apidottest.Options{})
	videos := withVideos(t, h)
	return h, videos, submitJob(t, h, "--prompt", prompt, "--wait")
}

func TestDownloadSavesToTheVideosFolder(t *testing.T) {
	t.Parallel()
	h, videos, j := finishedJob(t, "A red fox in fresh snow, slow dolly")

	r := h.run("", "download", j.ID[:6])
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	want := filepath.Join(videos, "soratui", j.CreatedAt.Local().Format("2006-01-02")+"-a-red-fox-in-fresh-snow-slow-dolly-"+j.ID+".mp4")
	if got := strings.TrimSpace(r.stdout); got != want {
		t.Errorf("stdout %q, want the path %q", got, want)
	}
	requireClip(t, want)
	if !strings.Contains(r.stderr, "Downloaded 34.9 KB.") || strings.Contains(r.stderr, "\r") {
		t.Errorf("stderr without a terminal should be one summary line:\n%q", r.stderr)
	}
	if got := showJob(t, h, j.ID); got.LocalPath != want || got.Status != history.StatusFinished {
		t.Errorf("stored local_path %q status %s", got.LocalPath, got.Status)
	}
	if h.server.Submits() != 1 {
		t.Errorf("%d submits, want 1", h.server.Submits())
	}
}

func TestDownloadOutput(t *testing.T) {
	t.Parallel()
	h, _, j := finishedJob(t, "neon city rain")
	dir := t.TempDir()
	tests := []struct {
		name   string
		output string
		want   string
	}{
		{"a file", filepath.Join(dir, "mine.mp4"), filepath.Join(dir, "mine.mp4")},
		{"an existing folder", dir, filepath.Join(dir, filepath.Base(j.CreatedAt.Local().Format("2006-01-02")+"-neon-city-rain-"+j.ID+".mp4"))},
		{"a new folder with a slash", filepath.Join(dir, "new") + "/", filepath.Join(dir, "new", j.CreatedAt.Local().Format("2006-01-02")+"-neon-city-rain-"+j.ID+".mp4")},
		{"a task id", filepath.Join(dir, "by-task.mp4"), filepath.Join(dir, "by-task.mp4")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ref := j.ID
			if tt.name == "a task id" {
				ref = j.TaskID
			}
			r := h.run("", "download", ref, "-o", tt.output)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if got := strings.TrimSpace(r.stdout); got != tt.want {
				t.Errorf("saved to %q, want %q", got, tt.want)
			}
			requireClip(t, tt.want)
			if got := showJob(t, h, j.ID); got.LocalPath != tt.want {
				t.Errorf("stored local_path %q", got.LocalPath)
			}
		})
	}
}

func TestDownloadNeverOverwritesSilently(t *testing.T) {
	t.Parallel()
	h, _, j := finishedJob(t, "a koi pond")
	dest := writeTemp(t, "koi.mp4", "my own edit")

	r := h.run("", "download", j.ID, "-o", dest)
	if r.code != 2 || !strings.Contains(r.stderr, "already exists") || !strings.Contains(r.stderr, "--force") {
		t.Errorf("exit %d, want 2 saying the file exists and naming --force:\n%s", r.code, r.stderr)
	}
	if b, _ := os.ReadFile(dest); string(b) != "my own edit" {
		t.Errorf("the existing file was changed")
	}
	if got := showJob(t, h, j.ID); got.LocalPath != "" {
		t.Errorf("local_path %q recorded for a refused download", got.LocalPath)
	}

	r = h.run("", "download", j.ID, "-o", dest, "--force")
	if r.code != 0 {
		t.Fatalf("--force: exit %d: %s", r.code, r.stderr)
	}
	requireClip(t, dest)
}

func TestDownloadExitCodes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, neverStarting())
	withVideos(t, h)
	failed := submitJob(t, h, "--prompt", "a duel at dawn [fail]")
	queued := submitJob(t, h, "--prompt", "a slow sunrise")
	tests := []struct {
		name string
		id   string
		code int
		says string
	}{
		{"unknown id", "nosuchjob", 2, `no job "nosuchjob"`},
		{"not finished", queued.ID, 2, "not finished"},
		{"not finished by task id", queued.TaskID, 2, "soratui watch"},
		{"failed job", failed.ID, 2, "no video"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.run("", "download", tt.id)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.says) {
				t.Errorf("exit %d, want %d saying %q:\n%s", r.code, tt.code, tt.says, r.stderr)
			}
		})
	}
	if r := h.run("", "download"); r.code != 2 {
		t.Errorf("no id: exit %d, want 2", r.code)
	}
	for _, req := range h.server.Requests() {
		if strings.HasPrefix(req.Path, "/files/") {
			t.Errorf("a download was attempted: %s", req.Path)
		}
	}
}

func TestDownloadOfAnExpiredLinkExits1(t *testing.T) {
	t.Parallel()
	h, videos, j := finishedJob(t, "a lighthouse in a storm")
	h.server.Expire(j.TaskID)

	r := h.run("", "download", j.ID)
	if r.code != 1 || !strings.Contains(r.stderr, "link has expired") {
		t.Errorf("exit %d, want 1 saying the link expired:\n%s", r.code, r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("stdout %q, want nothing", r.stdout)
	}
	if es, _ := os.ReadDir(filepath.Join(videos, "soratui")); len(es) != 0 {
		t.Errorf("the Videos folder holds %d files", len(es))
	}
	if got := showJob(t, h, j.ID); got.Status != history.StatusFinished || got.LocalPath != "" {
		t.Errorf("job now %s with local_path %q", got.Status, got.LocalPath)
	}
}

func TestDownloadDrawsAProgressBarOnATerminal(t *testing.T) {
	t.Parallel()
	h, _, j := finishedJob(t, "a red fox")

	r := h.runEnv("", func(e *cli.Env) { e.StderrIsTerminal = true }, "download", j.ID)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "\r[####################] 100% 34.9 KB/34.9 KB") || !strings.HasSuffix(r.stderr, "\n") {
		t.Errorf("stderr %q lacks a finished bar", r.stderr)
	}
}

func TestSubmitWaitDownload(t *testing.T) {
	t.Parallel()
	h := newHarness(t, jobsTaking(0, 100))
	videos := withVideos(t, h)

	r := h.run("", "submit", "--prompt", "a paper boat on a river", "--wait", "--download", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	j := outJSON[history.Job](t, r)
	if !strings.HasPrefix(j.LocalPath, filepath.Join(videos, "soratui")+string(filepath.Separator)) {
		t.Errorf("printed local_path %q, want one in %s", j.LocalPath, videos)
	}
	requireClip(t, j.LocalPath)
	if !strings.Contains(r.stderr, "saved to "+j.LocalPath) {
		t.Errorf("stderr does not log the path:\n%s", r.stderr)
	}
	if got := showJob(t, h, j.ID); got.LocalPath != j.LocalPath {
		t.Errorf("stored local_path %q", got.LocalPath)
	}

	if r := h.run("", "submit", "--prompt", "p", "--download"); r.code != 2 || !strings.Contains(r.stderr, "--download needs --wait") {
		t.Errorf("--download without --wait: exit %d\n%s", r.code, r.stderr)
	}
	if h.server.Submits() != 1 {
		t.Errorf("%d submits, want 1", h.server.Submits())
	}
}

func TestFailedDownloadKeepsTheJobFinished(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{Faults: apidottest.Faults{DropVideo: true}})
	videos := withVideos(t, h)

	r := h.run("", "submit", "--prompt", "a paper boat", "--wait", "--download", "--json")
	if r.code != 1 || !strings.Contains(r.stderr, "download failed") || !strings.Contains(r.stderr, "cut off") {
		t.Errorf("exit %d, want 1 saying the download failed:\n%s", r.code, r.stderr)
	}
	j := outJSON[history.Job](t, r)
	if j.Status != history.StatusFinished || j.LocalPath != "" {
		t.Errorf("printed job %s with local_path %q", j.Status, j.LocalPath)
	}
	if got := showJob(t, h, j.ID); got.Status != history.StatusFinished || got.LocalPath != "" {
		t.Errorf("stored job %s with local_path %q", got.Status, got.LocalPath)
	}
	if h.server.Submits() != 1 {
		t.Errorf("%d submits, want 1: a failed download never resubmits", h.server.Submits())
	}
	if es, _ := os.ReadDir(filepath.Join(videos, "soratui")); len(es) != 0 {
		t.Errorf("the Videos folder holds %d files after a failed download", len(es))
	}
}

func TestWatchDownload(t *testing.T) {
	t.Parallel()
	h := newHarness(t, jobsTaking(50, 100))
	withVideos(t, h)
	a := submitJob(t, h, "--prompt", "a red fox")
	b := submitJob(t, h, "--prompt", "a grey wolf")

	r := h.run("", "watch", "--download")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	for _, id := range []string{a.ID, b.ID} {
		j := showJob(t, h, id)
		if j.Status != history.StatusFinished || j.LocalPath == "" {
			t.Fatalf("job %s is %s with local_path %q", id, j.Status, j.LocalPath)
		}
		requireClip(t, j.LocalPath)
		if !strings.Contains(r.stderr, id+": saved to "+j.LocalPath) {
			t.Errorf("stderr does not log %s's path:\n%s", id, r.stderr)
		}
	}
}

func TestAutoDownloadSavesFollowedJobsByVariantName(t *testing.T) {
	t.Parallel()
	h := newHarness(t, jobsTaking(10, 30))
	dir := filepath.Join(t.TempDir(), "clips")
	writeConfig(t, h, "auto_download = true\ndownload_dir = \""+dir+"\"\n")
	// A fixed day on the commands' clock: file names carry the date.
	const day = "2025-06-01"

	r := h.runAt(day, "submit", "--prompt", "A red fox!", "--wait", "--json")
	if r.code != 0 {
		t.Fatalf("submit: exit %d\n%s", r.code, r.stderr)
	}
	j := outJSON[history.Job](t, r)
	file := writeTemp(t, "s.jsonl", `{"prompt":"a red fox","model":"pro","resolution":"1080p"}`+"\n"+`{"prompt":"A red fox!"}`+"\n")
	if r := h.runAt(day, "batch", file, "--wait"); r.code != 0 {
		t.Fatalf("batch: exit %d\n%s", r.code, r.stderr)
	}
	if r := h.runAt(day, "submit", "--prompt", "not followed"); r.code != 0 {
		t.Fatalf("submit without --wait: exit %d", r.code)
	}
	want := []string{day + "-pro-1080p-a-red-fox.mp4", day + "-standard-a-red-fox-2.mp4", day + "-standard-a-red-fox.mp4"}
	entries, _ := os.ReadDir(dir)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
		requireClip(t, filepath.Join(dir, e.Name()))
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("saved %v, want %v", got, want)
	}
	if j.LocalPath != filepath.Join(dir, want[2]) {
		t.Errorf("local_path %q", j.LocalPath)
	}
}
