package cli_test

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/soratui/soratui/cli"
)

func TestWaitProgressSaysWhichJobItIs(t *testing.T) {
	t.Parallel()
	h := newHarness(t, jobsTaking(60, 300))
	prompt := "a lighthouse in a storm, waves breaking over the rocks at dusk, slow push in"
	tests := []struct {
		name  string
		tty   bool
		check func(t *testing.T, stderr string)
	}{
		{"pipe: one line per state change", false, func(t *testing.T, stderr string) {
			var states []string
			for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
				f := strings.Fields(l)
				if len(f) < 2 {
					continue
				}
				states = append(states, f[1])
				if !strings.Contains(l, "Pro 1080p") || !strings.Contains(l, "a lighthouse in a storm") {
					t.Errorf("line does not say which job: %q", l)
				}
			}
			seen := map[string]bool{}
			for _, s := range states {
				if seen[s] {
					t.Errorf("state %s printed twice:\n%s", s, stderr)
				}
				seen[s] = true
			}
			if !seen["finished"] || !seen["running"] {
				t.Errorf("states %v lack running or finished", states)
			}
		}},
		{"terminal: one live line per job", true, func(t *testing.T, stderr string) {
			if !strings.Contains(stderr, "\x1b[1A") {
				t.Errorf("no redraw in place:\n%q", stderr)
			}
			for _, l := range strings.Split(stderr, "\n") {
				if w := ansi.StringWidth(l); w >= 60 {
					t.Errorf("live line %d columns wide at width 60: %q", w, l)
				}
			}
			if !strings.Contains(stderr, "Pro 1080p") || !strings.Contains(stderr, "100% ") {
				t.Errorf("live line lacks variant or final percent:\n%q", stderr)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.runEnv("", func(e *cli.Env) { e.StderrIsTerminal, e.Width = tt.tty, 60 },
				"submit", "--model", "pro", "--resolution", "1080p", "--prompt", prompt, "--wait")
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			tt.check(t, r.stderr)
		})
	}
}
