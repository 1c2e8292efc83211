package cli_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/soratui/soratui/download"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/history/historytest"
	"github.com/soratui/soratui/jobs"
	"github.com/soratui/soratui/jobs/jobstest"
)

// statusTrail is the statuses a job went through, as its history says.
func statusTrail(j history.Job) []string {
	var out []string
	for _, c := range j.StatusHistory {
		out = append(out, string(c.Status))
	}
	return out
}

// trailEnds is the first two and the last status of a trail: what every
// run shares (a busy machine may poll past a step in between).
func trailEnds(trail []string) string {
	if len(trail) < 3 {
		return strings.Join(trail, ",")
	}
	return trail[0] + "," + trail[1] + ",…," + trail[len(trail)-1]
}

// printedTrail is the statuses the progress lines of job id named.
func printedTrail(stderr, id string) []string {
	var out []string
	for _, line := range strings.Split(stderr, "\n") {
		rest, ok := strings.CutPrefix(line, id+" ")
		if !ok {
			continue
		}
		st, _, _ := strings.Cut(rest, " ")
		st = strings.TrimSuffix(st, ":")
		if n := len(out); n == 0 || out[n-1] != st {
			out = append(out, st)
		}
	}
	return out
}

// The CLI's submit --wait --download and the job service are one route:
// the CLI prints every step the service records, and both leave the same
// record and save the video at the same place.
func TestCLIAndServiceTakeOneRoute(t *testing.T) {
	t.Parallel()
	h := newHarness(t, jobsTaking(30, 300))
	videos := withVideos(t, h)
	r := h.run("", "submit", "--prompt", "one route for a fox", "--wait", "--download")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	js := h.jobs()
	if len(js) != 1 {
		t.Fatalf("%d jobs stored, want 1", len(js))
	}
	byCLI := js[0]

	rig := jobstest.Attach(h.server, historytest.OpenAt(t, h.db), cliKey)
	// Automatic downloads go to download_dir (by default <videos>/soratui)
	// under the variant name, for the CLI as for a service told so.
	dir := filepath.Join(videos, "soratui")
	svc := rig.Service(t, jobs.ServiceConfig{VideosDir: videos, AutoDownload: true,
		AutoDest: func(j history.Job) string { return download.FreePath(dir, j) }})
	j := jobstest.Submit(t, svc, "one route for a fox")
	out := svc.Await(context.Background(), []string{j.ID})[0]
	if out.Err != nil || out.DownloadErr != nil {
		t.Fatalf("service: %v, %v", out.Err, out.DownloadErr)
	}
	bySvc := out.Job

	tests := []struct {
		name     string
		cli, svc any
	}{
		{"status trail", trailEnds(statusTrail(byCLI)), trailEnds(statusTrail(bySvc))},
		{"printed trail", strings.Join(printedTrail(r.stderr, byCLI.ID), ","), strings.Join(statusTrail(byCLI), ",")},
		{"credits", byCLI.Credits, bySvc.Credits},
		{"video folder", filepath.Dir(byCLI.LocalPath), filepath.Dir(bySvc.LocalPath)},
		{"video name", filepath.Base(byCLI.LocalPath), download.VariantName(byCLI)},
		{"service's video name", filepath.Base(bySvc.LocalPath), strings.TrimSuffix(download.VariantName(bySvc), ".mp4") + "-2.mp4"},
		{"saved line", strings.Contains(r.stderr, byCLI.ID+": saved to "+byCLI.LocalPath), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.cli != tt.svc {
				t.Errorf("CLI %v, service %v", tt.cli, tt.svc)
			}
		})
	}
	if got := statusTrail(bySvc); len(got) < 4 || got[len(got)-1] != string(history.StatusFinished) {
		t.Errorf("service trail %v, want submitting … finished", got)
	}
}
