package ui

import (
	"context"
	"errors"
	"image"
	"image/color"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	xgolden "github.com/charmbracelet/x/exp/golden"

	"github.com/soratui/soratui/frames"
	"github.com/soratui/soratui/history"
)

// testFrame is a 32×18 picture: a hue ramp across, darker downwards.
func testFrame(shift int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, 32, 18))
	for y := range 18 {
		for x := range 32 {
			img.Set(x, y, color.RGBA{uint8((x*8 + shift) % 256), uint8(255 - y*14), uint8((x * y * 3) % 256), 255})
		}
	}
	return img
}

// fakePreviewer hands out test frames, or err, and counts the calls.
type fakePreviewer struct {
	mu    sync.Mutex
	err   error
	calls []string // task ids asked for
}

func (f *fakePreviewer) Frame(_ context.Context, j history.Job, k frames.Kind) (image.Image, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, j.TaskID)
	if f.err != nil {
		return nil, f.err
	}
	return testFrame(len(j.TaskID) * 40), nil
}

func finishedJob(id, task string) history.Job {
	return history.Job{ID: id, TaskID: task, Status: history.StatusFinished}
}

// runCmds runs cmd and the batches it holds, feeding frame answers to p.
func runCmds(p *framePane, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			runCmds(p, c)
		}
	case frameLoadedMsg:
		p.loaded(msg)
	}
}

func TestFramePaneGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		w, h   int
		jobs   []history.Job
		labels []string
	}{
		{"single_40x10", 40, 10, []history.Job{finishedJob("a", "task-a")}, nil},
		{"single_24x12", 24, 12, []history.Job{finishedJob("a", "task-a")}, nil},
		{"compare_80x12", 80, 12, []history.Job{finishedJob("a", "task-a"), finishedJob("b", "task-bb"),
			{ID: "c", TaskID: "task-c", Status: history.StatusRunning}}, []string{"Standard", "Pro 1080p", "Pro 720p"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newFramePane(colorprofile.TrueColor)
			p.setSize(tc.w, tc.h)
			runCmds(&p, p.show(context.Background(), &fakePreviewer{}, tc.jobs, tc.labels))
			out := p.view()
			xgolden.RequireEqual(t, out)
			lines := strings.Split(out, "\n")
			if len(lines) > tc.h {
				t.Errorf("%d lines in a pane %d high", len(lines), tc.h)
			}
			for _, l := range lines {
				if w := ansi.StringWidth(l); w > tc.w {
					t.Errorf("line %d wide in a pane %d wide: %q", w, tc.w, ansi.Strip(l))
				}
			}
			for _, label := range tc.labels {
				if !strings.Contains(ansi.Strip(out), label) {
					t.Errorf("label %q missing", label)
				}
			}
		})
	}
}

func TestFramePaneNotes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		pv      Previewer
		job     history.Job
		profile colorprofile.Profile
		want    string
	}{
		{"no ffmpeg", &fakePreviewer{err: frames.ErrNoFFmpeg}, finishedJob("a", "t"), colorprofile.TrueColor, "install ffmpeg to see previews"},
		{"link gone", &fakePreviewer{err: errors.New("the link has expired\x1b[2J")}, finishedJob("a", "t"), colorprofile.TrueColor, "no preview: the link has expired"},
		{"not finished", &fakePreviewer{}, history.Job{ID: "a", TaskID: "t", Status: history.StatusRunning}, colorprofile.TrueColor, "no video yet"},
		{"no previewer", nil, finishedJob("a", "t"), colorprofile.TrueColor, "previews are off"},
		{"NO_COLOR", &fakePreviewer{}, finishedJob("a", "t"), colorprofile.ASCII, frames.NoColorNote},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newFramePane(tc.profile)
			p.setSize(40, 6)
			runCmds(&p, p.show(context.Background(), tc.pv, []history.Job{tc.job}, nil))
			out := p.view()
			if got := strings.Join(strings.Fields(out), " "); !strings.Contains(got, tc.want) {
				t.Errorf("pane %q, want %q", got, tc.want)
			}
			if strings.Contains(out, "\x1b[2J") || strings.Contains(out, "▀") {
				t.Errorf("pane holds a control sequence or blocks: %q", out)
			}
		})
	}
}

func TestFramePaneRedrawsOnResizeAndDropsStaleFrames(t *testing.T) {
	t.Parallel()
	p := newFramePane(colorprofile.TrueColor)
	p.setSize(40, 10)
	pv := &fakePreviewer{}
	first := p.show(context.Background(), pv, []history.Job{finishedJob("a", "task-a")}, nil)
	runCmds(&p, p.show(context.Background(), pv, []history.Job{finishedJob("b", "task-b")}, nil))
	before := p.view()
	runCmds(&p, first) // the answer for the job shown before arrives late
	if p.view() != before {
		t.Error("a stale frame replaced the shown one")
	}
	p.setSize(20, 10)
	for _, l := range strings.Split(p.view(), "\n") {
		if w := ansi.StringWidth(l); w != 20 {
			t.Fatalf("after a resize to 20 columns a line is %d wide", w)
		}
	}
}

func TestThumbnailsLoadVisibleRowsOneAtATime(t *testing.T) {
	t.Parallel()
	pv := &fakePreviewer{}
	visible := []history.Job{
		finishedJob("1", "task-1"),
		{ID: "2", TaskID: "task-2", Status: history.StatusFailed},
		finishedJob("3", "task-3"),
		{ID: "4", Status: history.StatusRejected},
	}
	c := newThumbColumn(colorprofile.TrueColor)
	if cmd := c.next(context.Background(), pv, visible); cmd != nil {
		t.Fatal("a hidden column loads frames")
	}
	cmd := c.toggle(context.Background(), pv, visible)
	for n := 0; cmd != nil; n++ {
		if n > 5 {
			t.Fatal("thumbnails keep loading")
		}
		msg := cmd().(thumbLoadedMsg)
		if again := c.next(context.Background(), pv, visible); again != nil {
			t.Fatal("a second load started while one was under way")
		}
		cmd = c.loaded(context.Background(), pv, msg, visible)
	}
	if got := strings.Join(pv.calls, ","); got != "task-1,task-3" {
		t.Errorf("frames asked for %s, want the finished rows in view: task-1,task-3", got)
	}
	for _, j := range visible {
		if w := ansi.StringWidth(c.cell(j)); w != thumbWidth {
			t.Errorf("cell of %s is %d wide, want %d", j.ID, w, thumbWidth)
		}
	}
	if !strings.Contains(c.cell(visible[0]), "▀") || strings.Contains(c.cell(visible[1]), "▀") {
		t.Error("thumbnail drawn for the wrong rows")
	}
	if cmd := c.next(context.Background(), pv, visible); cmd != nil {
		t.Error("drawn thumbnails are loaded again")
	}
}

func TestThumbnailsWithoutFFmpegStopAndSaySo(t *testing.T) {
	t.Parallel()
	pv := &fakePreviewer{err: frames.ErrNoFFmpeg}
	visible := []history.Job{finishedJob("1", "task-1"), finishedJob("2", "task-2")}
	c := newThumbColumn(colorprofile.TrueColor)
	cmd := c.toggle(context.Background(), pv, visible)
	if next := c.loaded(context.Background(), pv, cmd().(thumbLoadedMsg), visible); next != nil {
		t.Error("kept loading without ffmpeg")
	}
	if c.note != "install ffmpeg to see previews" || len(pv.calls) != 1 {
		t.Errorf("note %q after %d calls", c.note, len(pv.calls))
	}
}
