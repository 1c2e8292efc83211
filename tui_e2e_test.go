package main_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/jobs/jobstest"
)

func TestTUISubmitsAndFollowsAJobInARealTerminal(t *testing.T) {
	t.Parallel()
	// A job of half a second still passes through queued and running: the
	// TUI polls every 200 ms, and "Submitted" shows for 5 s.
	e := newE2E(t, apidottest.Options{QueueTime: 100 * time.Millisecond, RunTime: 500 * time.Millisecond})
	term := startTerminal(t, e.env("TERM=xterm-256color", "SORATUI_POLL_INTERVAL=200ms"), 100, 30)
	term.submitPrompt("a red fox in fresh snow, slow dolly in")
	term.waitScreen("Submitted")
	term.waitScreen("✓ finished")

	// A second process reads the same history meanwhile.
	js := e.list()
	if len(js) != 1 {
		t.Fatalf("list beside the TUI: %d jobs, want 1", len(js))
	}
	if js[0].Status != history.StatusFinished || js[0].Prompt != "a red fox in fresh snow, slow dolly in" {
		t.Errorf("job %s %q", js[0].Status, js[0].Prompt)
	}
	if strings.Contains(term.screen(), e2eKey) {
		t.Error("the screen shows the API key")
	}
	term.quit()
	if e.server.Submits() != 1 {
		t.Errorf("%d submits, want 1", e.server.Submits())
	}
}

func TestTUIDemoNeedsNoKey(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	env := []string{"HOME=" + dir, "PATH=" + os.Getenv("PATH"), "TERM=xterm-256color", "XDG_DATA_HOME=" + filepath.Join(dir, "data"),
		"SORATUI_DEMO_SPEED=20"}
	term := startTerminal(t, env, 80, 24, "--demo")
	term.waitScreen("demo")
	term.submitPrompt("a paper boat in a storm drain")
	term.waitScreen("✓ finished")
	term.keys("Enter")
	term.waitScreen("Video 1")
	term.quit()
	if _, err := os.Stat(filepath.Join(dir, "data", "soratui", "demo.db")); err != nil {
		t.Errorf("the demo kept no history of its own: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "data", "soratui", "history.db")); err == nil {
		t.Error("the demo wrote the real history file")
	}
}

// In a real terminal: after a submit made from a choice field, n lands in
// the prompt; a draft typed before ctrl+c is back at the next start; q
// ends the program at once; SIGTERM too, restoring the terminal.
func TestTUIKeepsFocusAndDraftInARealTerminal(t *testing.T) {
	t.Parallel()
	e := newE2E(t, apidottest.Options{QueueTime: 50 * time.Millisecond, RunTime: 200 * time.Millisecond})
	env := e.env("TERM=xterm-256color", "XDG_STATE_HOME="+filepath.Join(e.dir, "state"))
	term := startTerminal(t, env, 100, 30)
	term.waitScreen("Prompt")
	term.keys("-l", "a red fox in fresh snow")
	term.keys("Tab", "C-s") // submitted from the model choice
	term.waitScreen("Submitted")
	// The next start opens on Jobs while a job is unfinished; wait for
	// the end so that it opens on the restored draft.
	term.waitScreen("✓ finished")
	term.keys("n")
	term.keys("-l", "zebra crossing at dusk")
	term.waitScreen("┃ zebra crossing at dusk")
	term.keys("C-c")
	if code := term.exitCode(); code != 0 {
		t.Fatalf("ctrl+c exited %d", code)
	}

	again := startTerminal(t, env, 100, 30)
	again.waitScreen("Restored the draft")
	again.waitScreen("┃ zebra crossing at dusk")
	if !strings.Contains(again.screen(), "[Standard]") {
		t.Errorf("the choices did not come back:\n%s", again.screen())
	}
	again.signal("TERM")
	again.exitCode()
	if strings.Contains(again.screen(), "Compose") {
		t.Errorf("the terminal still shows the interface after SIGTERM:\n%s", again.screen())
	}
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
	return e.env("TERM=xterm-256color", "SORATUI_CONFIG="+cfg)
}

// forNotifyCases runs test side by side with the default config, which
// notifies, and with notifications turned off.
func forNotifyCases(t *testing.T, test func(t *testing.T, config string, notified bool)) {
	for _, tt := range []struct {
		name     string
		config   string
		notified bool
	}{
		{"notify on", "", true},
		{"notify = false", "notify = false\n", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			test(t, tt.config, tt.notified)
		})
	}
}

// wantSequences checks that the pane's raw output holds each of seqs
// exactly when notified. Inside tmux every sequence is wrapped for
// passthrough: ESC doubled inside DCS tmux; … ST. tmux appends to the
// capture file on its own time, so where the sequences are expected it
// first waits for them (up to 10 s), then reports what the file holds.
func wantSequences(t *testing.T, term *terminal, notified bool, seqs ...string) {
	t.Helper()
	holdsAll := func(out string) bool {
		for _, seq := range seqs {
			if !strings.Contains(out, seq) {
				return false
			}
		}
		return true
	}
	out := term.output()
	for deadline := time.Now().Add(10 * time.Second); notified && !holdsAll(out) && time.Now().Before(deadline); out = term.output() {
		time.Sleep(20 * time.Millisecond)
	}
	for _, seq := range seqs {
		if strings.Contains(out, seq) != notified {
			t.Errorf("raw pane output holds %q: %v, want %v\n%q", seq, !notified, notified, out)
		}
	}
}

func TestNotificationsReachARealTerminalThroughTmux(t *testing.T) {
	t.Parallel()
	forNotifyCases(t, func(t *testing.T, config string, notified bool) {
		env := notifyEnv(t, config, 300*time.Millisecond)
		term := startCaptured(t, env, 100, 30, "submit", "--prompt", "'a red fox in snow'", "--wait")
		if code := term.exitCode(); code != 0 {
			t.Fatalf("submit --wait exited %d:\n%s", code, term.screen())
		}
		jobstest.Eventually(t, "the pane's output", func() bool { return strings.Contains(term.output(), "finished") })
		wantSequences(t, term, notified,
			"\x1bPtmux;\x1b\x1b]777;notify;soratui ",
			"\x1bPtmux;\x1b\x1b]9;soratui ",
			"Finished: Standard 720p · a red fox in snow",
			"\x1bPtmux;\x1b\x1b]9;4;1;",
			"\x1bPtmux;\x1b\x1b]9;4;0\x07\x1b\\",
		)
	})
}

func TestTUINotifiesInARealTerminal(t *testing.T) {
	t.Parallel()
	forNotifyCases(t, func(t *testing.T, config string, notified bool) {
		term := startCaptured(t, notifyEnv(t, config, 500*time.Millisecond), 100, 30)
		term.submitPrompt("a heron at dusk")
		term.waitScreen("✓ finished")
		term.waitScreen("month 48 cr")
		term.quit()
		wantSequences(t, term, notified,
			"\x1bPtmux;\x1b\x1b]777;notify;soratui ",
			"Finished: Standard 720p · a heron at dusk",
			"\x1bPtmux;\x1b\x1b]9;4;0\x07\x1b\\",
		)
	})
}
