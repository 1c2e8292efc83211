package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/cli"
	"github.com/soratui/soratui/frames"
	"github.com/soratui/soratui/frames/framestest"
	"github.com/soratui/soratui/history"
)

// ffmpegHarness is a harness whose PATH holds ffmpeg; the test is skipped
// without it (and fails under CI).
func ffmpegHarness(t *testing.T) *harness {
	t.Helper()
	framestest.Tools(t)
	h := newHarness(t, apidottest.Options{})
	h.env["PATH"] = os.Getenv("PATH")
	return h
}

// demoRun is one offline preview of a demo job and the frame cache it
// filled. The demo's test reads its output; the tests of what a preview
// prints, or of what a delete removes, copy its frames in (seedFrames)
// instead of each running ffmpeg again; the tests of extraction itself
// still run it.
type demoRun struct {
	code           int
	stdout, stderr string
	frames         string // the demo task's frame cache folder
}

// sharedDemo imports a demo job that finished an hour ago, its link on the
// demo simulator, and previews it with no key and nothing outside the
// process to answer, once per test binary and in a home of its own.
var sharedDemo = sync.OnceValues(func() (demoRun, error) {
	home := filepath.Join(shared, "demo")
	h := &harness{env: map[string]string{
		"APIDOT_BASE_URL":       "http://127.0.0.1:1",
		"SORATUI_DB":            filepath.Join(home, "data", "history.db"),
		"SORATUI_POLL_INTERVAL": "50ms",
		"HOME":                  home,
		"PATH":                  os.Getenv("PATH"),
	}}
	run := func(stdin string, args ...string) (code int, stdout, stderr string) {
		var out, errb bytes.Buffer
		err := cli.Run(context.Background(), args, h.cliEnv(cli.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb}, nil))
		cli.Report(&errb, err)
		return cli.ExitCode(err), out.String(), errb.String()
	}
	task := "task-unified-" + strconv.FormatInt(time.Now().Add(-time.Hour).UnixMilli(), 10) + "-0001-41e74720s"
	line := `{"id":"01demo","task_id":"` + task + `","model":"sora-2-official","status":"finished","prompt":"demo",` +
		`"video_urls":["http://127.0.0.1:47474/files/` + task + `/video.mp4"],"created_at":"2026-01-01T00:00:00Z","updated_at":"2026-01-01T00:00:00Z"}`
	if code, _, errs := run(line+"\n", "--demo", "import", "-"); code != 0 {
		return demoRun{}, fmt.Errorf("import: exit %d %s", code, errs)
	}
	var r demoRun
	r.code, r.stdout, r.stderr = run("", "--demo", "preview", "01demo", "--width", "40")
	cache, err := frames.CacheDir(func(k string) string { return h.env[k] })
	r.frames = filepath.Join(cache, task)
	return r, err
})

// seedFrames puts the sample clip's frames (sharedDemo's) in h's frame
// cache as the frames of task, so a preview of it needs no ffmpeg. It
// skips, or fails under CI, without ffmpeg, like an extraction would.
func seedFrames(t *testing.T, h *harness, task string) {
	t.Helper()
	framestest.Tools(t)
	demo, err := sharedDemo()
	if err != nil {
		t.Fatal(err)
	}
	if demo.code != 0 {
		t.Fatalf("the demo preview that extracts the sample frames failed: exit %d %s", demo.code, demo.stderr)
	}
	from := demo.frames
	cache, err := frames.CacheDir(func(k string) string { return h.env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(cache, task), os.DirFS(from)); err != nil {
		t.Fatal(err)
	}
}

// framedJob submits a job, waits for it to finish, and seeds its frames.
func framedJob(t *testing.T, h *harness, prompt string) history.Job {
	t.Helper()
	j := submitJob(t, h, "--prompt", prompt, "--wait")
	seedFrames(t, h, j.TaskID)
	return j
}

var truecolour = regexp.MustCompile(`[34]8;2;\d+;\d+;\d+`)

func TestPreviewOnAPipePrintsHalfBlocksWithinWidth(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	j := framedJob(t, h, "a red fox")
	for _, tc := range []struct {
		args    []string
		width   int
		minRows int
	}{
		{[]string{"--width", "40"}, 40, 8},
		{nil, 80, 20},
		{[]string{"--frame", "first", "--width", "64"}, 64, 12},
		{[]string{"--frame", "strip", "--width", "120", "--protocol", "halfblock"}, 120, 6},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := h.run("", append([]string{"preview", j.ID}, tc.args...)...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
			if len(lines) < tc.minRows {
				t.Errorf("%d rows, want at least %d", len(lines), tc.minRows)
			}
			for i, l := range lines {
				if w := ansi.StringWidth(l); w == 0 || w > tc.width {
					t.Fatalf("row %d is %d columns wide, want 1..%d", i, w, tc.width)
				}
				if strings.Trim(ansi.Strip(l), "▀") != "" {
					t.Fatalf("row %d holds more than half-blocks: %q", i, ansi.Strip(l))
				}
			}
			colours := map[string]bool{}
			for _, c := range truecolour.FindAllString(r.stdout, -1) {
				colours[c[1:]] = true
			}
			if len(colours) < 50 {
				t.Errorf("%d distinct colours, want a recognisable frame (≥ 50)", len(colours))
			}
		})
	}
}

func TestPreviewWithoutFFmpegSaysInstallIt(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	j := submitJob(t, h, "--prompt", "a red fox", "--wait")
	h.env["PATH"] = t.TempDir()
	r := h.run("", "preview", j.ID)
	if r.code != 1 || !strings.Contains(r.stderr, "install ffmpeg to see previews") || r.stdout != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want 1 and the install message", r.code, r.stdout, r.stderr)
	}
}

func TestPreviewIsCachedAndNeedsNoFFmpegTheSecondTime(t *testing.T) {
	t.Parallel()
	h := ffmpegHarness(t)
	j := submitJob(t, h, "--prompt", "a red fox", "--wait")
	first := h.run("", "preview", j.ID, "--width", "30")
	if first.code != 0 {
		t.Fatalf("exit %d: %s", first.code, first.stderr)
	}
	h.env["PATH"] = t.TempDir()
	h.server.Expire(j.TaskID)
	again := h.run("", "preview", j.ID, "--width", "30")
	if again.code != 0 || again.stdout != first.stdout {
		t.Errorf("second preview without ffmpeg or link: exit %d %s, same output %v", again.code, again.stderr, again.stdout == first.stdout)
	}
}

func TestPreviewRefusals(t *testing.T) {
	t.Parallel()
	h := newHarness(t, neverStarting())
	h.env["PATH"] = t.TempDir()
	queued := submitJob(t, h, "--prompt", "a slow fox")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"preview", queued.ID}, 2, "no video to preview"},
		{[]string{"preview", queued.ID, "--frame", "last"}, 2, "use first, middle or strip"},
		{[]string{"preview", queued.ID, "--protocol", "iterm"}, 2, "use auto, halfblock, kitty or sixel"},
		{[]string{"preview", queued.ID, "--width", "-3"}, 2, "--width"},
		{[]string{"preview", "nope"}, 2, "no job"},
		{[]string{"preview"}, 2, "accepts 1 arg"},
	} {
		r := h.run("", tc.args...)
		if r.code != tc.code || !strings.Contains(r.stderr, tc.want) {
			t.Errorf("%v: exit %d %q, want %d and %q", tc.args, r.code, r.stderr, tc.code, tc.want)
		}
	}
}

func TestPreviewProtocolsAndNoColor(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	j := framedJob(t, h, "a red fox")
	for _, tc := range []struct {
		name   string
		env    map[string]string
		args   []string
		prefix string
	}{
		{"kitty", nil, []string{"--protocol", "kitty"}, "\x1b_Ga=T,f=100"},
		{"kitty through tmux", map[string]string{"TMUX": "/tmp/t,1,0"}, []string{"--protocol", "kitty"}, "\x1bPtmux;\x1b\x1b_G"},
		{"sixel", nil, []string{"--protocol", "sixel", "--width", "20"}, "\x1bP"},
		{"no colour", map[string]string{"NO_COLOR": "1"}, nil, frames.NoColorNote},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				h.env[k] = v
				defer delete(h.env, k)
			}
			r := h.run("", append([]string{"preview", j.ID}, tc.args...)...)
			if r.code != 0 || !strings.HasPrefix(r.stdout, tc.prefix) {
				t.Errorf("exit %d %s: output %q…, want prefix %q", r.code, r.stderr, r.stdout[:min(len(r.stdout), 40)], tc.prefix)
			}
		})
	}
}

func TestDemoClipPreviewsOffline(t *testing.T) {
	t.Parallel()
	framestest.Tools(t)
	r, err := sharedDemo()
	if err != nil {
		t.Fatal(err)
	}
	if r.code != 0 || len(truecolour.FindAllString(r.stdout, -1)) < 100 {
		t.Errorf("demo preview: exit %d %s\n%q", r.code, r.stderr, r.stdout[:min(len(r.stdout), 80)])
	}
}

func TestDeleteForgetsTheJobsFrames(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	keep := framedJob(t, h, "a fox to keep")
	gone := framedJob(t, h, "a fox to delete")
	for _, j := range []string{keep.ID, gone.ID} {
		if r := h.run("", "preview", j, "--width", "10"); r.code != 0 {
			t.Fatalf("preview %s: exit %d %s", j, r.code, r.stderr)
		}
	}
	if r := h.run("", "delete", gone.ID, "--yes"); r.code != 0 {
		t.Fatalf("delete: exit %d %s", r.code, r.stderr)
	}
	dir := filepath.Join(h.env["HOME"], ".cache", "soratui", "frames")
	if _, err := os.Stat(filepath.Join(dir, gone.TaskID)); !os.IsNotExist(err) {
		t.Errorf("frames of the deleted job remain: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, keep.TaskID, "middle.png")); err != nil {
		t.Errorf("frames of the kept job went too: %v", err)
	}
}
