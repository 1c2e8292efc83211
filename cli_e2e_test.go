package main_test

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/jobs/jobstest"
)

// ttyRun runs soratui with args in a w×h tmux pane and returns the bytes
// it wrote (escape sequences and all), the screen after it exited, and its
// exit code.
func ttyRun(t *testing.T, e *e2e, w, h int, args ...string) (raw, screen string, code int) {
	t.Helper()
	term := startCaptured(t, e.env("TERM=xterm-256color"), w, h, args...)
	code = term.exitCode()
	screen = term.screen()
	// The captured bytes trail the screen: wait for the last of them (the
	// screen's last line of output).
	lines := strings.Split(strings.TrimRight(screen, "\n"), "\n")
	last := strings.TrimSpace(lines[len(lines)-1])
	jobstest.Eventually(t, "the pane's output up to "+last, func() bool {
		raw = term.output()
		return strings.Contains(ansi.Strip(raw), last)
	})
	return raw, screen, code
}

// nonEmpty is the screen's lines that hold text.
func nonEmpty(screen string) []string {
	var out []string
	for _, l := range strings.Split(screen, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

func TestListAt70ColumnsAndOnAPipe(t *testing.T) {
	t.Parallel()
	e := newE2E(t, apidottest.Options{})
	long := "a lighthouse keeper paints the sea every evening in thick oils, slow push in on the canvas"
	for _, p := range []string{"a red fox in snow", long} {
		if _, errs, code := e.run("submit", "--prompt", p); code != 0 {
			t.Fatalf("submit: %d %s", code, errs)
		}
	}
	raw, screen, code := ttyRun(t, e, 70, 12, "list")
	lines := nonEmpty(screen)
	if code != 0 || len(lines) != 4 {
		t.Fatalf("exit %d; want header, 2 jobs and a total on 4 unwrapped lines:\n%s", code, screen)
	}
	if !strings.HasPrefix(lines[0], "ID ") || !strings.Contains(lines[0], "PROMPT") {
		t.Errorf("no header: %q", lines[0])
	}
	if !strings.HasSuffix(strings.TrimSpace(lines[1]), "…") || strings.Contains(screen, "canvas") {
		t.Errorf("long prompt not cut to the width with …:\n%s", screen)
	}
	if !strings.Contains(raw, "\x1b[36m") {
		t.Errorf("status not coloured on a terminal:\n%q", raw)
	}

	out, _, code := e.run("list")
	rows := strings.Split(strings.TrimRight(out, "\n"), "\n")
	if code != 0 || len(rows) != 2 || strings.Contains(out, "\x1b") || strings.Contains(out, "…") {
		t.Fatalf("pipe: exit %d:\n%q", code, out)
	}
	if f := strings.Split(rows[0], "\t"); len(f) != 7 || f[6] != long {
		t.Errorf("pipe row fields %q, want 7 with the whole prompt", f)
	}
}

func TestShowLinksOnATerminalOnly(t *testing.T) {
	t.Parallel()
	e := newE2E(t, apidottest.Options{QueueTime: 50 * time.Millisecond, RunTime: 100 * time.Millisecond})
	if _, errs, code := e.run("submit", "--prompt", "a calm lake", "--wait"); code != 0 {
		t.Fatalf("submit: %d %s", code, errs)
	}
	j := e.list()[0]
	file := filepath.Join(e.dir, "lake.mp4")
	if _, errs, code := e.run("download", j.ID, "-o", file); code != 0 {
		t.Fatalf("download: %d %s", code, errs)
	}
	raw, screen, code := ttyRun(t, e, 120, 30, "show", j.ID[:8])
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, screen)
	}
	for _, link := range []string{"\x1b]8;;" + j.VideoURLs[0] + "\x07", "\x1b]8;;file://" + file + "\x07"} {
		if !strings.Contains(raw, link) {
			t.Errorf("no OSC 8 link %q in:\n%q", link, raw)
		}
	}
	out, _, _ := e.run("show", j.ID)
	if strings.Contains(out, "\x1b") || !strings.Contains(out, j.VideoURLs[0]) || !strings.Contains(out, file) {
		t.Errorf("pipe: want the URL and path without escapes:\n%q", out)
	}
}

func TestWaitShowsOneLiveLinePerJobInATerminal(t *testing.T) {
	t.Parallel()
	e := newE2E(t, apidottest.Options{QueueTime: 100 * time.Millisecond, RunTime: 500 * time.Millisecond})
	_, screen, code := ttyRun(t, e, 70, 20, "submit", "--compare", "standard,pro-1080p", "--prompt", "'city at night, rain on the lens'", "--wait")
	if code != 0 {
		t.Fatalf("exit %d:\n%s", code, screen)
	}
	live := 0
	for _, l := range nonEmpty(screen) {
		if strings.Contains(l, " 100% ") {
			live++
			if !strings.Contains(l, "finished") || !strings.Contains(l, "city at") {
				t.Errorf("live line lacks status or prompt: %q", l)
			}
		}
	}
	if live != 2 || !strings.Contains(screen, "Pro 1080p") || !strings.Contains(screen, "Standard 720p") {
		t.Errorf("want one finished live line per variant:\n%s", screen)
	}
}
