package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/frames"
	"github.com/soratui/soratui/history"
)

// withFrames gives the model a previewer.
func withFrames(m Model, pv Previewer) Model {
	m.sh.backend.Frames = pv
	return m
}

// openFinished opens the finished job of everyStatus in Detail.
func openFinished(t *testing.T, w, h int, pv Previewer) Model {
	t.Helper()
	store := openStore(t)
	seedStore(t, store, everyStatus())
	m := withFrames(newTestModel(t, store, nil, w, h), pv)
	m = send(t, m, press("esc"))
	jobsOf(m).list.step(6)
	return send(t, m, press("enter"))
}

// blockRows counts the lines of the screen that hold half-blocks.
func blockRows(s string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, "▀") {
			n++
		}
	}
	return n
}

func TestGoldenDetailFrame(t *testing.T) {
	t.Parallel()
	eachSize(t, func(t *testing.T, w, h int) {
		m := openFinished(t, w, h, &fakePreviewer{})
		golden(t, m)
		text := screenText(m)
		if n := blockRows(text); n < 4 || n > previewMaxH {
			t.Errorf("%d rows of picture, want 4..%d:\n%s", n, previewMaxH, text)
		}
		if !strings.Contains(text, "Status") || !strings.Contains(text, "p frame") {
			t.Errorf("metadata or the p key missing beside the frame:\n%s", text)
		}
	})
}

func TestDetailFrameHiddenWhenSmallUnlessToggled(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		w, h         int
		shown, after bool // before and after p
	}{
		{70, 20, false, true},
		{80, 24, true, false},
		{120, 40, true, false},
	} {
		m := openFinished(t, tc.w, tc.h, &fakePreviewer{})
		if got := blockRows(screenText(m)) > 0; got != tc.shown {
			t.Errorf("%dx%d: picture shown %v, want %v", tc.w, tc.h, got, tc.shown)
		}
		m = send(t, m, press("p"))
		if got := blockRows(screenText(m)) > 0; got != tc.after {
			t.Errorf("%dx%d after p: picture shown %v, want %v", tc.w, tc.h, got, tc.after)
		}
	}
}

func TestGoldenDetailCompareFrames(t *testing.T) {
	t.Parallel()
	eachSize(t, func(t *testing.T, w, h int) {
		store := openStore(t)
		std := everyStatus()[0]
		pro := std
		pro.Model, pro.Resolution, pro.TaskID, pro.Credits = apidot.ModelPro, "1080p", "task-unified-pro", 896
		std.GroupID, pro.GroupID = "gtest", "gtest"
		seedStore(t, store, []history.Job{std, pro})
		pv := &fakePreviewer{}
		m := withFrames(newTestModel(t, store, nil, w, h), pv)
		m = pressKeys(t, m, "esc", "enter")
		golden(t, m)
		text := screenText(m)
		var sideBySide bool
		for _, l := range strings.Split(text, "\n") {
			half := []rune(l)
			left, right := string(half[:len(half)/2]), string(half[len(half)/2:])
			sideBySide = sideBySide || strings.Contains(left, "▀") && strings.Contains(right, "▀")
		}
		if !sideBySide || !strings.Contains(text, "Standard 720p") || !strings.Contains(text, "Pro 1080p") {
			t.Errorf("frames not side by side under their labels:\n%s", text)
		}
		if len(pv.calls) != 2 {
			t.Errorf("frames asked %d times (%v), want once per member", len(pv.calls), pv.calls)
		}
	})
}

func TestDetailFrameNotes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		pv   Previewer
		msg  tea.Msg
		want string
	}{
		{"no ffmpeg", &fakePreviewer{err: frames.ErrNoFFmpeg}, nil, "install ffmpeg to see previews"},
		{"NO_COLOR", &fakePreviewer{}, tea.ColorProfileMsg{Profile: colorprofile.ASCII}, frames.NoColorNote},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := openFinished(t, 100, 30, tc.pv)
			if tc.msg != nil {
				m = send(t, m, tc.msg)
			}
			text := screenText(m)
			if !strings.Contains(text, tc.want) || blockRows(text) != 0 {
				t.Errorf("want %q and no blocks:\n%s", tc.want, text)
			}
		})
	}
}

func TestGoldenHistoryThumbnails(t *testing.T) {
	t.Parallel()
	eachSize(t, func(t *testing.T, w, h int) {
		store := openStore(t)
		seedStore(t, store, everyStatus())
		pv := &fakePreviewer{}
		m := withFrames(newTestModel(t, store, nil, w, h), pv)
		m = pressKeys(t, m, "esc", "h")
		if len(pv.calls) != 0 {
			t.Fatalf("frames loaded before the column was asked for: %v", pv.calls)
		}
		m = send(t, m, press("t"))
		golden(t, m)
		if got := strings.Join(pv.calls, ","); got != "task-unified-1" {
			t.Errorf("frames asked for %q, want only the finished row in view", got)
		}
		if n := blockRows(screenText(m)); n != 1 {
			t.Errorf("%d rows with a thumbnail, want 1", n)
		}
		m = send(t, m, press("t"))
		if blockRows(screenText(m)) != 0 {
			t.Error("thumbnails still shown after t")
		}
	})
}

func TestDetailFrameFollowsResizes(t *testing.T) {
	t.Parallel()
	m := openFinished(t, 120, 40, &fakePreviewer{})
	widths := map[int]bool{}
	for _, size := range []tea.WindowSizeMsg{{Width: 120, Height: 40}, {Width: 90, Height: 30}, {Width: 160, Height: 50}} {
		m = send(t, m, size)
		var w int
		for _, l := range strings.Split(screenText(m), "\n") {
			w = max(w, strings.Count(l, "▀"))
		}
		if w == 0 || w > size.Width*2/5 {
			t.Errorf("%dx%d: picture %d columns wide, want 1..%d", size.Width, size.Height, w, size.Width*2/5)
		}
		widths[w] = true
	}
	if len(widths) != 3 {
		t.Errorf("the picture kept its size across resizes: %v", widths)
	}
}
