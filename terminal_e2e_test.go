package main_test

import (
	"cmp"
	"crypto/rand"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
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
	// raw is the file that gets every byte the program writes, before tmux
	// interprets it; "" when the output is not captured.
	raw string
	ctl *control // looks and types without a tmux process each time
}

// startTerminal runs soratui with args and env in a w×h tmux window; the
// window closes when soratui ends. The environment goes through a script
// file, never the command line.
func startTerminal(t testing.TB, env []string, w, h int, args ...string) *terminal {
	t.Helper()
	return openTerminal(t, env, w, h, false, args)
}

// startCaptured is startTerminal with the program's raw output captured
// (term.output). The program starts only once the capture is on, so
// nothing is missed, and the window stays after it ends, so its last
// screen can be read.
func startCaptured(t testing.TB, env []string, w, h int, args ...string) *terminal {
	t.Helper()
	return openTerminal(t, env, w, h, true, args)
}

func openTerminal(t testing.TB, env []string, w, h int, capture bool, args []string) *terminal {
	t.Helper()
	requireTool(t, "tmux")
	term := &terminal{t: t, socket: "soratui-test-" + rand.Text(), dir: t.TempDir()}
	gate, rc := filepath.Join(term.dir, "go"), filepath.Join(term.dir, "rc")
	var script strings.Builder
	script.WriteString("#!/bin/sh\n")
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		fmt.Fprintf(&script, "export %s='%s'\n", k, strings.ReplaceAll(v, "'", `'\''`))
	}
	if capture {
		// Opening the gate (a FIFO) for reading waits until the test opens
		// it for writing, once the capture is on.
		if err := mkfifo(gate); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&script, "read _ < '%s'\n", gate)
	}
	fmt.Fprintf(&script, "echo $$ > '%s'\n'%s' %s\necho $? > '%s.tmp' && mv '%s.tmp' '%s'\n",
		filepath.Join(term.dir, "pid"), binary, strings.Join(args, " "), rc, rc, rc)
	if capture {
		script.WriteString("exec sleep 600\n")
	}
	run := filepath.Join(term.dir, "run.sh")
	if err := os.WriteFile(run, []byte(script.String()), 0o700); err != nil {
		t.Fatal(err)
	}
	// The session is made by the control client, which stays attached.
	// Given as two words, the command runs directly, not through $SHELL.
	term.ctl = startControl(t, term.socket, "new-session", "-s", "app", "-x", fmt.Sprint(w), "-y", fmt.Sprint(h), "/bin/sh", run)
	t.Cleanup(term.close)
	if capture {
		term.raw = filepath.Join(term.dir, "raw")
		term.do("pipe-pane", "-o", "-t", "app", "cat >> '"+term.raw+"'")
		openGate(t, gate)
	}
	return term
}

// close ends the terminal's tmux server and removes the socket that tmux
// leaves behind in its folder.
func (term *terminal) close() {
	if _, ok := term.ctl.command("kill-server"); !ok {
		exec.Command("tmux", "-L", term.socket, "kill-server").Run()
	}
	term.ctl.close()
	dir := cmp.Or(os.Getenv("TMUX_TMPDIR"), "/tmp")
	os.Remove(filepath.Join(dir, fmt.Sprintf("tmux-%d", os.Getuid()), term.socket))
}

// openGate lets the script waiting on the FIFO gate go on: it opens the
// gate for writing (which waits for the script to open it for reading)
// and writes the line the script reads. A script that never gets there
// fails the test after a minute rather than hang it.
func openGate(t testing.TB, gate string) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		f, err := os.OpenFile(gate, os.O_WRONLY, 0)
		if err == nil {
			_, err = f.WriteString("go\n")
			f.Close()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(time.Minute):
		// Opening the other end lets the goroutine above end.
		if r, err := os.OpenFile(gate, os.O_RDONLY|syscall.O_NONBLOCK, 0); err == nil {
			defer r.Close()
		}
		t.Fatal("the program's script never opened its gate")
	}
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
	return term.capture()
}

// capture is the pane's text as capture-pane -p prints it, with flags
// such as -e added. Once the session has closed, it is what a tmux
// process answers then.
func (term *terminal) capture(flags ...string) string {
	args := append(append([]string{"capture-pane", "-p"}, flags...), "-t", "app")
	if r, ok := term.ctl.command(strings.Join(args, " ")); ok && !r.failed {
		return strings.Join(r.lines, "\n") + "\n"
	}
	out, _ := exec.Command("tmux", append([]string{"-L", term.socket}, args...)...).CombinedOutput()
	return string(out)
}

// output is what the program has written so far, escape sequences and all
// (startCaptured only). tmux hands the bytes over asynchronously: the
// screen may be ahead of it.
func (term *terminal) output() string {
	b, _ := os.ReadFile(term.raw)
	return string(b)
}

func (term *terminal) keys(keys ...string) {
	term.t.Helper()
	term.do(append([]string{"send-keys", "-t", "app"}, keys...)...)
}

// do runs a tmux command through the control client, or through a tmux
// process once the client has ended; a failure fails the test.
func (term *terminal) do(args ...string) {
	term.t.Helper()
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = tmuxQuote(a)
	}
	r, ok := term.ctl.command(strings.Join(quoted, " "))
	if !ok {
		term.tmux(args...)
	} else if r.failed {
		term.t.Fatalf("tmux %q: %s", args, strings.Join(r.lines, "\n"))
	}
}

// submitPrompt types prompt into the compose screen once it shows and
// submits it.
func (term *terminal) submitPrompt(prompt string) {
	term.t.Helper()
	term.waitScreen("Prompt")
	term.keys("-l", prompt)
	term.keys("C-s")
}

// quit presses q and fails the test unless soratui then exits 0.
func (term *terminal) quit() {
	term.t.Helper()
	term.keys("q")
	if code := term.exitCode(); code != 0 {
		term.t.Errorf("q exited %d", code)
	}
}

// signal sends sig (a name such as TERM) to soratui: the script's shell
// runs it as its only child.
func (term *terminal) signal(sig string) {
	term.t.Helper()
	pid, err := os.ReadFile(filepath.Join(term.dir, "pid"))
	if err != nil {
		term.t.Fatal(err)
	}
	if out, err := exec.Command("pkill", "-"+sig, "-P", strings.TrimSpace(string(pid))).CombinedOutput(); err != nil {
		term.t.Fatalf("pkill -%s: %v %s", sig, err, out)
	}
}

// waitFor looks at the screen until ok holds, failing at the deadline: it
// looks again when the pane has written, or every 100 ms.
func (term *terminal) waitFor(what string, ok func(screen string) bool) string {
	term.t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		s := term.screen()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("the screen never showed %s:\n%s", what, s)
		}
		term.ctl.awaitOutput(100 * time.Millisecond)
	}
}

// waitScreen waits until the screen shows text.
func (term *terminal) waitScreen(text string) {
	term.t.Helper()
	term.waitFor(fmt.Sprintf("%q", text), func(s string) bool { return strings.Contains(s, text) })
}

// exitCode waits for the program to end and returns its exit code.
func (term *terminal) exitCode() int {
	term.t.Helper()
	rc := filepath.Join(term.dir, "rc")
	deadline := time.Now().Add(60 * time.Second)
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
		time.Sleep(20 * time.Millisecond)
	}
}
