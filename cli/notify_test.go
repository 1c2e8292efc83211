package cli_test

import (
	"strings"
	"testing"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/cli"
)

func TestWaitNotifiesOnATerminalUnlessSilenced(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		terminal bool
		config   string
		args     []string
		notified bool
	}{
		{"submit on a terminal", true, "", []string{"submit", "--prompt", "a fox", "--wait"}, true},
		{"failure on a terminal", true, "", []string{"submit", "--prompt", "a duel [fail]", "--wait"}, true},
		{"batch on a terminal", true, "", []string{"batch", "-", "--wait"}, true},
		{"on a pipe", false, "", []string{"submit", "--prompt", "a fox", "--wait"}, false},
		{"notify = false", true, "notify = false\n", []string{"submit", "--prompt", "a fox", "--wait"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, apidottest.Options{})
			if tt.config != "" {
				writeConfig(t, h, tt.config)
			}
			r := h.runEnv(`{"prompt":"a hare"}`+"\n", func(e *cli.Env) { e.StderrIsTerminal = tt.terminal }, tt.args...)
			got := strings.Contains(r.stderr, "\x1b]9;soratui ") && strings.Contains(r.stderr, "\x1b]777;notify;soratui ")
			taskbar := strings.Contains(r.stderr, "\x1b]9;4;")
			if got != tt.notified || taskbar != tt.notified {
				t.Errorf("notified %v, taskbar %v; want %v:\n%q", got, taskbar, tt.notified, r.stderr)
			}
			if tt.notified && !strings.Contains(r.stderr, "\x1b]9;4;0\x07") {
				t.Errorf("the taskbar progress is not reset at the end:\n%q", r.stderr)
			}
		})
	}
}

func TestWatchNotifiesOnATerminal(t *testing.T) {
	t.Parallel()
	h := newHarness(t, jobsTaking(20, 40))
	if r := h.run("", "submit", "--prompt", "a heron"); r.code != 0 {
		t.Fatalf("submit: exit %d: %s", r.code, r.stderr)
	}
	r := h.runEnv("", func(e *cli.Env) { e.StderrIsTerminal = true }, "watch")
	if r.code != 0 || !strings.Contains(r.stderr, "\x1b]777;notify;soratui ") || !strings.Contains(r.stderr, "Finished: Standard 720p · a heron") {
		t.Errorf("watch on a terminal: exit %d, no notification:\n%q", r.code, r.stderr)
	}
}
