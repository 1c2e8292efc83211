package main_test

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/history"
)

// requireTool skips when a program a test needs is missing, except in CI,
// which installs it (.ci/run): there its absence is a failure.
func requireTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing, but CI must have it (.ci/run installs it)", name)
		}
		t.Skipf("%s is not installed: skipping the real-terminal test (apt-get install %s)", name, name)
	}
	return path
}

// terminal is the binary running in a real terminal: a tmux session on a
// private server.
type terminal struct {
	t      testing.TB
	socket string
	dir    string
}

// startTerminal runs soratui with args and env in a w×h tmux window. The
// environment goes through a script file, never the command line.
func startTerminal(t testing.TB, env []string, w, h int, args ...string) *terminal {
	t.Helper()
	requireTool(t, "tmux")
	dir := t.TempDir()
	var script strings.Builder
	script.WriteString("#!/bin/sh\n")
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		fmt.Fprintf(&script, "export %s='%s'\n", k, strings.ReplaceAll(v, "'", `'\''`))
	}
	fmt.Fprintf(&script, "echo $$ > '%s'\n'%s' %s\necho $? > '%s'\n", filepath.Join(dir, "pid"), binary, strings.Join(args, " "), filepath.Join(dir, "rc"))
	run := filepath.Join(dir, "run.sh")
	if err := os.WriteFile(run, []byte(script.String()), 0o700); err != nil {
		t.Fatal(err)
	}
	term := &terminal{t: t, socket: "soratui-test-" + rand.Text(), dir: dir}
	term.tmux("new-session", "-d", "-s", "app", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), run)
	t.Cleanup(func() { exec.Command("tmux", "-L", term.socket, "kill-server").Run() })
	return term
}

func (term *terminal) tmux(args ...string) string {
	term.t.Helper()
	out, err := exec.Command("tmux", append([]string{"-L", term.socket}, args...)...).CombinedOutput()
	if err != nil {
		term.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (term *terminal) screen() string {
	out, _ := exec.Command("tmux", "-L", term.socket, "capture-pane", "-p", "-t", "app").CombinedOutput()
	return string(out)
}

func (term *terminal) keys(keys ...string) {
	term.tmux(append([]string{"send-keys", "-t", "app"}, keys...)...)
}

// waitScreen waits until the screen shows text.
func (term *terminal) waitScreen(text string) {
	term.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for !strings.Contains(term.screen(), text) {
		if time.Now().After(deadline) {
			term.t.Fatalf("the screen never showed %q:\n%s", text, term.screen())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// exitCode waits for the program to end and returns its exit code.
func (term *terminal) exitCode() int {
	term.t.Helper()
	rc := filepath.Join(term.dir, "rc")
	deadline := time.Now().Add(30 * time.Second)
	for {
		b, err := os.ReadFile(rc)
		if err == nil && len(b) > 0 {
			var code int
			fmt.Sscan(string(b), &code)
			return code
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("soratui did not exit:\n%s", term.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestTUISubmitsAndFollowsAJobInARealTerminal(t *testing.T) {
	t.Parallel()
	e := newE2E(t, apidottest.Options{QueueTime: 300 * time.Millisecond, RunTime: 1500 * time.Millisecond})
	env := []string{
		"HOME=" + e.dir, "PATH=" + os.Getenv("PATH"), "TERM=xterm-256color",
		"APIDOT_API_KEY=" + e2eKey, "APIDOT_BASE_URL=" + e.server.URL,
		"SORATUI_DB=" + e.db, "SORATUI_POLL_INTERVAL=200ms",
	}
	term := startTerminal(t, env, 100, 30)
	term.waitScreen("Prompt")
	term.keys("-l", "a red fox in fresh snow, slow dolly in")
	term.keys("C-s")
	term.waitScreen("Submitted")
	term.waitScreen("✓ finished")

	// A second process reads the same history meanwhile.
	out, errs, code := e.run("list", "--json")
	if code != 0 {
		t.Fatalf("list beside the TUI: exit %d %s", code, errs)
	}
	var js []history.Job
	if err := json.Unmarshal([]byte(out), &js); err != nil || len(js) != 1 {
		t.Fatalf("list beside the TUI: %v %s", err, out)
	}
	if js[0].Status != history.StatusFinished || js[0].Prompt != "a red fox in fresh snow, slow dolly in" {
		t.Errorf("job %s %q", js[0].Status, js[0].Prompt)
	}
	if strings.Contains(term.screen(), e2eKey) {
		t.Error("the screen shows the API key")
	}
	term.keys("q")
	if code := term.exitCode(); code != 0 {
		t.Errorf("q exited %d", code)
	}
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
	term.keys("-l", "a paper boat in a storm drain")
	term.keys("C-s")
	term.waitScreen("✓ finished")
	term.keys("Enter")
	term.waitScreen("Video 1")
	term.keys("q")
	if code := term.exitCode(); code != 0 {
		t.Errorf("q exited %d", code)
	}
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
	env := []string{
		"HOME=" + e.dir, "PATH=" + os.Getenv("PATH"), "TERM=xterm-256color",
		"XDG_STATE_HOME=" + filepath.Join(e.dir, "state"),
		"APIDOT_API_KEY=" + e2eKey, "APIDOT_BASE_URL=" + e.server.URL,
		"SORATUI_DB=" + e.db, "SORATUI_POLL_INTERVAL=100ms",
	}
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
	pid, err := os.ReadFile(filepath.Join(again.dir, "pid"))
	if err != nil {
		t.Fatal(err)
	}
	// The script's shell runs soratui as its child; TERM that child.
	if out, err := exec.Command("pkill", "-TERM", "-P", strings.TrimSpace(string(pid))).CombinedOutput(); err != nil {
		t.Fatalf("pkill: %v %s", err, out)
	}
	again.exitCode()
	if strings.Contains(again.screen(), "Compose") {
		t.Errorf("the terminal still shows the interface after SIGTERM:\n%s", again.screen())
	}
}
