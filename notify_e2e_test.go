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

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/jobs/jobstest"
)

// rawPane runs soratui with args in a tmux pane whose raw output (every
// byte the program writes, before tmux interprets it) goes to a file.
// The program starts only once the pane is piped, so nothing is missed.
func rawPane(t *testing.T, env []string, args ...string) (term *terminal, raw string) {
	t.Helper()
	requireTool(t, "tmux")
	dir := t.TempDir()
	raw, gate := filepath.Join(dir, "raw"), filepath.Join(dir, "go")
	var script strings.Builder
	script.WriteString("#!/bin/sh\n")
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		fmt.Fprintf(&script, "export %s='%s'\n", k, strings.ReplaceAll(v, "'", `'\''`))
	}
	fmt.Fprintf(&script, "while [ ! -f '%s' ]; do sleep 0.02; done\n'%s' %s\necho $? > '%s'\nsleep 60\n",
		gate, binary, strings.Join(args, " "), filepath.Join(dir, "rc"))
	run := filepath.Join(dir, "run.sh")
	if err := os.WriteFile(run, []byte(script.String()), 0o700); err != nil {
		t.Fatal(err)
	}
	term = &terminal{t: t, socket: "soratui-notify-" + rand.Text(), dir: dir}
	term.tmux("new-session", "-d", "-s", "app", "-x", "100", "-y", "30", run)
	t.Cleanup(func() { exec.Command("tmux", "-L", term.socket, "kill-server").Run() })
	term.tmux("pipe-pane", "-o", "-t", "app", "cat > '"+raw+"'")
	if err := os.WriteFile(gate, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	return term, raw
}

// notifyEnv starts a simulator whose jobs run for run, and returns the
// environment of a soratui that uses it with config as its config file.
func notifyEnv(t *testing.T, config string, run time.Duration) []string {
	t.Helper()
	e := newE2E(t, apidottest.Options{QueueTime: 100 * time.Millisecond, RunTime: run})
	cfg := filepath.Join(e.dir, "config.toml")
	if err := os.WriteFile(cfg, []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	return []string{
		"HOME=" + e.dir, "PATH=" + os.Getenv("PATH"), "TERM=xterm-256color",
		"APIDOT_API_KEY=" + e2eKey, "APIDOT_BASE_URL=" + e.server.URL,
		"SORATUI_DB=" + e.db, "SORATUI_POLL_INTERVAL=100ms", "SORATUI_CONFIG=" + cfg,
	}
}

// notifyCases run each notification test with the default config and
// with notifications turned off.
var notifyCases = []struct {
	name     string
	config   string
	notified bool
}{
	{"notify on", "", true},
	{"notify = false", "notify = false\n", false},
}

func TestNotificationsReachARealTerminalThroughTmux(t *testing.T) {
	t.Parallel()
	for _, tt := range notifyCases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := notifyEnv(t, tt.config, 300*time.Millisecond)
			term, raw := rawPane(t, env, "submit", "--prompt", "'a red fox in snow'", "--wait")
			if code := term.exitCode(); code != 0 {
				t.Fatalf("submit --wait exited %d:\n%s", code, term.screen())
			}
			var out string
			jobstest.Eventually(t, "the pane's output", func() bool {
				b, _ := os.ReadFile(raw)
				out = string(b)
				return strings.Contains(out, "finished")
			})
			// Inside tmux every sequence is wrapped for passthrough: ESC
			// doubled inside DCS tmux; … ST.
			for _, seq := range []string{
				"\x1bPtmux;\x1b\x1b]777;notify;soratui ",
				"\x1bPtmux;\x1b\x1b]9;soratui ",
				"Finished: Standard 720p · a red fox in snow",
				"\x1bPtmux;\x1b\x1b]9;4;1;",
				"\x1bPtmux;\x1b\x1b]9;4;0\x07\x1b\\",
			} {
				if strings.Contains(out, seq) != tt.notified {
					t.Errorf("raw pane output holds %q: %v, want %v\n%q", seq, !tt.notified, tt.notified, out)
				}
			}
		})
	}
}

func TestTUINotifiesInARealTerminal(t *testing.T) {
	t.Parallel()
	for _, tt := range notifyCases {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := notifyEnv(t, tt.config, 500*time.Millisecond)
			term, raw := rawPane(t, env)
			term.waitScreen("Prompt")
			term.keys("-l", "a heron at dusk")
			term.keys("C-s")
			term.waitScreen("✓ finished")
			term.waitScreen("month 48 cr")
			term.keys("q")
			if code := term.exitCode(); code != 0 {
				t.Fatalf("q exited %d", code)
			}
			b, _ := os.ReadFile(raw)
			out := string(b)
			for _, seq := range []string{
				"\x1bPtmux;\x1b\x1b]777;notify;soratui ",
				"Finished: Standard 720p · a heron at dusk",
				"\x1bPtmux;\x1b\x1b]9;4;0\x07\x1b\\",
			} {
				if strings.Contains(out, seq) != tt.notified {
					t.Errorf("raw pane output holds %q: %v, want %v", seq, !tt.notified, tt.notified)
				}
			}
		})
	}
}
