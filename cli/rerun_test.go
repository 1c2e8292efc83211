package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/history"
)

func TestRerunRepeatsAJobInItsGroup(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	r := h.run("", "submit", "--compare", "standard,pro-1080p", "--duration", "8", "--aspect", "9:16", "--prompt", "a harbour at dawn", "--json")
	group := outJSON[[]history.Job](t, r)
	if len(group) != 2 {
		t.Fatalf("compare submit: %d jobs\n%s%s", len(group), r.stdout, r.stderr)
	}
	solo := submitJob(t, h, "--prompt", "a lone owl", "--model", "pro", "--resolution", "1024p")
	tests := []struct {
		name                      string
		args                      []string
		model, resolution, aspect string
		duration                  int
		group                     string
	}{
		{"same parameters, same group", []string{group[1].ID}, "sora-2-pro-official", "1080p", "9:16", 8, group[1].GroupID},
		{"flags override", []string{group[1].ID, "--model", "standard", "--duration", "4"}, "sora-2-official", "", "9:16", 4, group[1].GroupID},
		{"no group stays without one", []string{solo.ID, "--resolution", "720p"}, "sora-2-pro-official", "720p", "", 4, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := h.server.Submits()
			r := h.run("", append([]string{"rerun", "--wait", "--json"}, tt.args...)...)
			j := outJSON[history.Job](t, r)
			if j.Model != tt.model || j.Resolution != tt.resolution || j.AspectRatio != tt.aspect || j.Duration != tt.duration || j.GroupID != tt.group {
				t.Errorf("rerun = %s %q %q %d group %q; want %s %q %q %d group %q",
					j.Model, j.Resolution, j.AspectRatio, j.Duration, j.GroupID, tt.model, tt.resolution, tt.aspect, tt.duration, tt.group)
			}
			if j.Status != history.StatusFinished || j.ID == tt.args[0] || h.server.Submits() != before+1 {
				t.Errorf("rerun %s: status %s, %d submits", j.ID, j.Status, h.server.Submits()-before)
			}
		})
	}
	if r := h.run("", "rerun", solo.ID, "--model", "standard", "--resolution", "1080p"); r.code != 2 || !strings.Contains(r.stderr, "--resolution") {
		t.Errorf("an invalid override: exit %d: %s", r.code, r.stderr)
	}
	if r := h.run("", "rerun", "nosuchjob"); r.code != 2 {
		t.Errorf("an unknown id: exit %d", r.code)
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
