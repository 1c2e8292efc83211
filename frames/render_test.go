package frames_test

import (
	"image"
	"image/png"
	"os"
	"strings"
	"testing"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/soratui/soratui/frames"
)

func fixedPNG(t *testing.T) image.Image {
	t.Helper()
	f, err := os.Open("testdata/fixed.png")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func TestHalfBlocksOfAFixedPNG(t *testing.T) {
	img := fixedPNG(t)
	for _, tc := range []struct {
		name       string
		cols, rows int
		profile    colorprofile.Profile
	}{
		{"truecolor", 12, 4, colorprofile.TrueColor},
		{"ansi256", 12, 4, colorprofile.ANSI256},
		{"ansi16", 12, 4, colorprofile.ANSI},
		{"enlarged", 24, 0, colorprofile.TrueColor},
		{"shrunk_by_rows", 40, 2, colorprofile.TrueColor},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := frames.HalfBlocks(img, tc.cols, tc.rows, tc.profile)
			golden.RequireEqual(t, out)
			lines := strings.Split(out, "\n")
			if tc.rows > 0 && len(lines) > tc.rows {
				t.Errorf("%d lines, more than the %d rows given", len(lines), tc.rows)
			}
			for _, l := range lines {
				if w := ansi.StringWidth(l); w > tc.cols || w == 0 {
					t.Errorf("line width %d, want 1..%d", w, tc.cols)
				}
			}
		})
	}
}

func TestHalfBlocksWithoutColoursIsANote(t *testing.T) {
	for _, p := range []colorprofile.Profile{colorprofile.ASCII, colorprofile.NoTTY} {
		if out := frames.HalfBlocks(fixedPNG(t), 20, 5, p); out != frames.NoColorNote {
			t.Errorf("%v: %q, want the note", p, out)
		}
	}
}

func TestKittyAndSixelOutput(t *testing.T) {
	img := fixedPNG(t)
	for _, tc := range []struct {
		name     string
		canvas   frames.Canvas
		prefix   string
		contains string
	}{
		{"kitty", frames.Canvas{Cols: 24, Rows: 8, Protocol: frames.Kitty}, "\x1b_Ga=T,f=100,q=2,c=", ";"},
		{"kitty in tmux", frames.Canvas{Cols: 24, Rows: 8, Protocol: frames.Kitty, Tmux: true}, "\x1bPtmux;\x1b\x1b_Ga=T", "\x1b\x1b\\\x1b\\"},
		{"sixel", frames.Canvas{Cols: 24, Rows: 8, Protocol: frames.Sixel}, "\x1bP", "#"},
		{"sixel in tmux", frames.Canvas{Cols: 24, Rows: 8, Protocol: frames.Sixel, Tmux: true}, "\x1bPtmux;\x1b\x1bP", "#"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := frames.Render(img, tc.canvas)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(out, tc.prefix) || !strings.Contains(out, tc.contains) || !strings.HasSuffix(out, "\n") {
				t.Errorf("output %q…, want prefix %q", out[:min(len(out), 60)], tc.prefix)
			}
		})
	}
}

func TestKittyPlacementKeepsTheShape(t *testing.T) {
	// 12×8 pixels in 24 columns: 24 cells wide, 16 pixel rows, 8 cells tall.
	out, err := frames.KittyImage(fixedPNG(t), 24, 40, false)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "c=24,r=8,") {
		t.Errorf("placement %q, want c=24,r=8", out[:40])
	}
}

func TestDetectReadsTheEnvironment(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want frames.Protocol
		tmux bool
	}{
		{map[string]string{"TERM": "xterm-256color"}, frames.HalfBlock, false},
		{map[string]string{"TERM": "xterm-kitty"}, frames.Kitty, false},
		{map[string]string{"TERM": "tmux-256color", "TMUX": "/tmp/tmux-0/default,1,0", "KITTY_WINDOW_ID": "1"}, frames.Kitty, true},
		{map[string]string{"TERM_PROGRAM": "WezTerm"}, frames.Kitty, false},
		{map[string]string{"TERM_PROGRAM": "ghostty"}, frames.Kitty, false},
		{map[string]string{"TERM": "foot"}, frames.Sixel, false},
		{map[string]string{"TERM_PROGRAM": "iTerm.app"}, frames.Sixel, false},
		{map[string]string{"TERM": "screen", "TMUX": "x", "TERM_PROGRAM": "tmux"}, frames.HalfBlock, true},
		{map[string]string{}, frames.HalfBlock, false},
	} {
		p, tmux := frames.Detect(func(k string) string { return tc.env[k] })
		if p != tc.want || tmux != tc.tmux {
			t.Errorf("%v: %s tmux=%v, want %s tmux=%v", tc.env, p, tmux, tc.want, tc.tmux)
		}
	}
}

func TestParseKindAndProtocol(t *testing.T) {
	for _, s := range []string{"first", "middle", "strip"} {
		if k, err := frames.ParseKind(s); err != nil || string(k) != s {
			t.Errorf("ParseKind(%q) = %q, %v", s, k, err)
		}
	}
	for _, s := range []string{"auto", "halfblock", "kitty", "sixel"} {
		if p, err := frames.ParseProtocol(s); err != nil || string(p) != s {
			t.Errorf("ParseProtocol(%q) = %q, %v", s, p, err)
		}
	}
	for _, s := range []string{"", "last", "MIDDLE", "\x1b[31m"} {
		if _, err := frames.ParseKind(s); err == nil || strings.Contains(err.Error(), "\x1b") {
			t.Errorf("ParseKind(%q): %v", s, err)
		}
		if _, err := frames.ParseProtocol(s); err == nil {
			t.Errorf("ParseProtocol(%q) accepted", s)
		}
	}
}

func TestCheckIDRefusesPathsAndOddBytes(t *testing.T) {
	for _, tc := range []struct {
		id string
		ok bool
	}{
		{"task-unified-1745090382-0001", true},
		{"abc_DEF.123", true},
		{"", false},
		{".", false},
		{"..", false},
		{"../etc", false},
		{"a/b", false},
		{`a\b`, false},
		{"a b", false},
		{"tâche", false},
		{"a\x00b", false},
		{strings.Repeat("x", 129), false},
	} {
		err := frames.CheckID(tc.id)
		if (err == nil) != tc.ok {
			t.Errorf("CheckID(%q) = %v, want ok=%v", tc.id, err, tc.ok)
		}
	}
}

func TestCacheDirFollowsXDG(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_CACHE_HOME": "/c", "HOME": "/h"}, "/c/soratui/frames"},
		{map[string]string{"XDG_CACHE_HOME": "rel", "HOME": "/h"}, "/h/.cache/soratui/frames"},
		{map[string]string{"HOME": "/h"}, "/h/.cache/soratui/frames"},
	} {
		got, err := frames.CacheDir(func(k string) string { return tc.env[k] })
		if err != nil || got != tc.want {
			t.Errorf("%v: %q, %v; want %q", tc.env, got, err, tc.want)
		}
	}
}
