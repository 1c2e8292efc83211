package main_test

import (
	"crypto/rand"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/soratui/soratui/apidot/apidottest"
)

// ttyRun runs soratui with args in a w×h tmux pane and returns the bytes
// it wrote (tmux pipe-pane, escape sequences and all), the screen after it
// exited, and its exit code. The program starts only once the capture is
// on, so nothing it writes is missed.
func ttyRun(t *testing.T, e *e2e, w, h int, args ...string) (raw, screen string, code int) {
	t.Helper()
	requireTool(t, "tmux")
	dir := t.TempDir()
	start, rc, rawFile := filepath.Join(dir, "start"), filepath.Join(dir, "rc"), filepath.Join(dir, "raw")
	var script strings.Builder
	script.WriteString("#!/bin/sh\n")
	for _, kv := range append(e.command().Env, "TERM=xterm-256color") {
		k, v, _ := strings.Cut(kv, "=")
		fmt.Fprintf(&script, "export %s='%s'\n", k, strings.ReplaceAll(v, "'", `'\''`))
	}
	fmt.Fprintf(&script, "while [ ! -e '%s' ]; do sleep 0.02; done\n'%s' %s\necho $? > '%s.tmp' && mv '%s.tmp' '%s'\nexec sleep 600\n",
		start, binary, strings.Join(args, " "), rc, rc, rc)
	run := filepath.Join(dir, "run.sh")
	if err := os.WriteFile(run, []byte(script.String()), 0o700); err != nil {
		t.Fatal(err)
	}
	socket := "soratui-cli-" + rand.Text()
	tmux := func(a ...string) string {
		out, err := exec.Command("tmux", append([]string{"-L", socket}, a...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %v: %v\n%s", a, err, out)
		}
		return string(out)
	}
	tmux("new-session", "-d", "-s", "app", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), run)
	t.Cleanup(func() { exec.Command("tmux", "-L", socket, "kill-server").Run() })
	tmux("pipe-pane", "-o", "-t", "app", "cat >> '"+rawFile+"'")
	if err := os.WriteFile(start, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		b, err := os.ReadFile(rc)
		if err == nil {
			fmt.Sscan(string(b), &code)
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("soratui %v did not exit:\n%s", args, tmux("capture-pane", "-p", "-t", "app"))
		}
		time.Sleep(20 * time.Millisecond)
	}
	screen = tmux("capture-pane", "-p", "-t", "app")
	// pipe-pane hands the bytes to cat asynchronously: wait for the last
	// of them (the screen's last line of output) to reach the file.
	lines := strings.Split(strings.TrimRight(screen, "\n"), "\n")
	last := strings.TrimSpace(lines[len(lines)-1])
	for {
		b, _ := os.ReadFile(rawFile)
		raw = string(b)
		if strings.Contains(ansi.Strip(raw), last) || time.Now().After(deadline) {
			return raw, screen, code
		}
		time.Sleep(20 * time.Millisecond)
	}
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
	e := newE2E(t, apidottest.Options{QueueTime: 300 * time.Millisecond, RunTime: 1200 * time.Millisecond})
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
