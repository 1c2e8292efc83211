package cli_test

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/cli"
)

func TestListFitsATerminalAndKeepsWholeFieldsOnAPipe(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	js := seed(t, h)
	long := "a very long prompt about a lighthouse keeper 🧑‍🚀 who paints the sea every evening in oils"
	h.run("", "submit", "--prompt", long)
	tests := []struct {
		name    string
		tty     bool
		width   int
		noColor bool
		check   func(t *testing.T, out string)
	}{
		{"terminal at 70 columns", true, 70, false, func(t *testing.T, out string) {
			lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
			if !strings.HasPrefix(ansi.Strip(lines[0]), "ID") || !strings.Contains(lines[0], "PROMPT") {
				t.Errorf("no header: %q", lines[0])
			}
			for _, l := range lines {
				if w := ansi.StringWidth(l); w > 70 {
					t.Errorf("line is %d columns wide: %q", w, l)
				}
			}
			if !strings.Contains(out, "…") || strings.Contains(out, "every evening in oils") {
				t.Errorf("long prompt not cut with …:\n%s", out)
			}
			if !strings.Contains(out, "\x1b[32m"+"finished") || !strings.Contains(out, "\x1b[31m"+"failed") {
				t.Errorf("statuses not coloured:\n%q", out)
			}
			if !strings.Contains(lines[len(lines)-1], "5 jobs, ") {
				t.Errorf("no total: %q", lines[len(lines)-1])
			}
		}},
		{"NO_COLOR", true, 200, true, func(t *testing.T, out string) {
			if strings.Contains(out, "\x1b[") {
				t.Errorf("colour despite NO_COLOR:\n%q", out)
			}
			if !strings.Contains(out, "every evening in oils") {
				t.Errorf("prompt cut at 200 columns:\n%s", out)
			}
		}},
		{"pipe", false, 0, false, func(t *testing.T, out string) {
			lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
			if len(lines) != len(js)+1 {
				t.Fatalf("%d lines, want one per job and no header or total:\n%s", len(lines), out)
			}
			fields := strings.Split(lines[0], "\t")
			if len(fields) != 7 || fields[6] != long || fields[1] != "not_started" || fields[3] != "4" {
				t.Errorf("first row fields %q", fields)
			}
			if strings.Contains(out, "\x1b") || strings.Contains(out, "…") {
				t.Errorf("pipe output styled or cut:\n%q", out)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.noColor {
				h.env["NO_COLOR"] = "1"
				defer delete(h.env, "NO_COLOR")
			}
			r := h.runEnv("", func(e *cli.Env) { e.StdoutIsTerminal, e.Width = tt.tty, tt.width }, "list")
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			tt.check(t, r.stdout)
		})
	}
}

func TestShowLinksResultsOnATerminalOnly(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	withVideos(t, h)
	j := submitJob(t, h, "--prompt", "a calm lake", "--wait", "--download")
	j = showJob(t, h, j.ID)
	if len(j.VideoURLs) == 0 || j.LocalPath == "" {
		t.Fatalf("job has no video or file: %+v", j)
	}
	videoLink := "\x1b]8;;" + j.VideoURLs[0] + "\x07"
	fileLink := "\x1b]8;;file://" + j.LocalPath + "\x07"
	tests := []struct {
		name      string
		tty       bool
		wantLinks bool
	}{
		{"terminal", true, true},
		{"pipe", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.runEnv("", func(e *cli.Env) { e.StdoutIsTerminal = tt.tty }, "show", j.ID[:6])
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			hasVideo, hasFile := strings.Contains(r.stdout, videoLink), strings.Contains(r.stdout, fileLink)
			if hasVideo != tt.wantLinks || hasFile != tt.wantLinks {
				t.Errorf("video link %v, file link %v, want %v:\n%q", hasVideo, hasFile, tt.wantLinks, r.stdout)
			}
			if !tt.wantLinks && strings.Contains(r.stdout, "\x1b") {
				t.Errorf("escape sequence on a pipe:\n%q", r.stdout)
			}
			if !strings.Contains(r.stdout, j.LocalPath) || !strings.Contains(r.stdout, j.VideoURLs[0]) {
				t.Errorf("URL or path not shown:\n%s", r.stdout)
			}
		})
	}
}
