package main_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/keys"
)

// These tests drive the real binary against a real Secret Service: a
// private D-Bus session (dbus-run-session) with gnome-keyring-daemon
// unlocked by a throwaway password, checked with libsecret's secret-tool.

const ssKey = "sk-itest-4f2b9c7e1d0a8b6c5e3fWXYZ"

func TestKeyCommandsAgainstRealSecretService(t *testing.T) {
	t.Parallel()
	s := startSecretService(t)
	bin := binary

	r := s.Run(t, ssKey+"\n", bin, "key", "set")
	r.wantExit(t, 0)
	r.wantStdout(t, "Saved the API key sk-…WXYZ to the keyring (service soratui).")

	// go-keyring stores the attributes service and username.
	s.Run(t, "", "secret-tool", "lookup", "service", keys.Service).wantExactStdout(t, ssKey)
	s.Run(t, "", "secret-tool", "lookup", "service", keys.Service, "username", keys.Account).wantExactStdout(t, ssKey)

	r = s.Run(t, "", bin, "key", "status", "--offline")
	r.wantExit(t, 0)
	r.wantStdout(t, "Source: keyring")
	r.wantStdout(t, "sk-…WXYZ")
	r.wantStdout(t, "not checked")

	// A job submitted with the key from the keyring alone (no variable).
	sim := apidottest.NewTestServer(t, apidottest.Options{Key: ssKey, RunTime: 50 * time.Millisecond})
	jobEnv := []string{
		"APIDOT_BASE_URL=" + sim.URL,
		"SORATUI_DB=" + filepath.Join(t.TempDir(), "history.db"),
		"SORATUI_POLL_INTERVAL=100ms",
	}
	r = s.RunEnv(t, jobEnv, "", bin, "submit", "--prompt", "a keyring-signed fox", "--wait", "--json")
	r.wantExit(t, 0)
	r.wantStdout(t, `"status": "finished"`)
	if sim.Submits() != 1 {
		t.Errorf("%d submits reached the simulator, want 1", sim.Submits())
	}
	for _, req := range sim.Requests() {
		if req.Authorization != "Bearer "+ssKey {
			t.Errorf("%s %s was sent with Authorization %q, want the keyring's key", req.Method, req.Path, req.Authorization)
		}
	}
	r = s.RunEnv(t, jobEnv, "", bin, "key", "status")
	r.wantExit(t, 0)
	r.wantStdout(t, "accepted")

	r = s.Run(t, "", bin, "key", "delete")
	r.wantExit(t, 0)
	r.wantStdout(t, "Deleted the API key from the keyring")

	r = s.Run(t, "", "secret-tool", "lookup", "service", keys.Service)
	if r.exit == 0 || strings.TrimSpace(r.stdout) != "" {
		t.Fatalf("secret-tool still finds the key after delete: exit %d, %q", r.exit, r.stdout)
	}

	r = s.Run(t, "", bin, "key", "delete")
	r.wantExit(t, 0)
	r.wantStdout(t, "No key was stored in the keyring.")

	r = s.Run(t, "", bin, "key", "status", "--offline")
	r.wantExit(t, 1)
	r.wantStdout(t, "Source: none")
	r.wantStderr(t, "soratui key set")

	// A key another tool stored under the same attributes is found.
	const other = "sk-fromtool-11112222333344445555ABCD"
	s.Run(t, other, "secret-tool", "store", "--label=soratui test", "service", keys.Service, "username", keys.Account).wantExit(t, 0)
	r = s.Run(t, "", bin, "key", "status", "--offline")
	r.wantExit(t, 0)
	r.wantStdout(t, "sk-…ABCD")

	// APIDOT_API_KEY still wins over the keyring.
	r = s.RunEnv(t, []string{keys.EnvVar + "=" + ssKey}, "", bin, "key", "status", "--offline")
	r.wantExit(t, 0)
	r.wantStdout(t, "Source: env")
	r.wantStdout(t, "sk-…WXYZ")
	s.wantNoKeyPrinted(t, ssKey, other)
}

// wantNoKeyPrinted fails when any soratui run of the session printed one
// of the keys (secret-tool lookup prints the key by design).
func (s *secretSession) wantNoKeyPrinted(t *testing.T, secrets ...string) {
	t.Helper()
	for _, r := range s.results {
		if !strings.HasPrefix(r.line, "soratui ") {
			continue
		}
		for _, k := range secrets {
			if strings.Contains(r.stdout+r.stderr, k) {
				t.Errorf("the key was printed:\n%s", r)
			}
		}
	}
}

// With no D-Bus at all the keyring fails fast and the message names the
// variable to use instead.
func TestKeySetWithoutDBusFailsWithAdvice(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("D-Bus is the keyring transport on Linux only")
	}
	bin := binary
	env := append(isolatedEnv(t), "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent")
	runCommand(t, env, ssKey+"\n", bin, "key", "set").wantFailure(t, keys.EnvVar, "not available")
	runCommand(t, env, "", bin, "key", "status").wantFailure(t, keys.EnvVar)
}

// A D-Bus that accepts the connection and never answers is the hang
// go-keyring cannot escape on its own: the binary still returns, with
// ErrTimeout's advice.
func TestKeyCommandsWithHungDBusTimeOut(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("D-Bus is the keyring transport on Linux only")
	}
	bin := binary
	sock := filepath.Join(t.TempDir(), "bus")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		var held []net.Conn // never read, never answered, closed at the end
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	// A short bound on each keyring call: the test is about the bound, not
	// its length.
	env := append(isolatedEnv(t), "DBUS_SESSION_BUS_ADDRESS=unix:path="+sock, "SORATUI_KEYRING_TIMEOUT=100ms")

	runCommand(t, env, ssKey+"\n", bin, "key", "set").wantFailure(t, "did not answer in time", keys.EnvVar)
	runCommand(t, env, "", bin, "key", "delete").wantFailure(t, keys.EnvVar)
}

// A session bus with no unlocked keyring (D-Bus may start gnome-keyring on
// demand, locked, with no prompter to unlock it) fails rather than waits.
func TestKeySetWithLockedSecretServiceFailsWithAdvice(t *testing.T) {
	t.Parallel()
	s := startDBusSession(t, false)
	bin := binary
	s.Run(t, ssKey+"\n", bin, "key", "set").wantFailure(t, keys.EnvVar)
}

// secretSession is a private D-Bus session bus with an unlocked
// gnome-keyring. Run executes any program inside it; a later end-to-end
// test (submit --wait with a stored key) can reuse it as is.
type secretSession struct {
	env     []string    // the environment every command in the session gets
	results []cmdResult // every command run, for leak checks
}

// startSecretService starts the session for the rest of the test. It
// skips when the tools are missing, and fails instead on CI.
func startSecretService(t *testing.T) *secretSession {
	t.Helper()
	return startDBusSession(t, true)
}

// startDBusSession starts a private session bus, with gnome-keyring
// running and unlocked when unlock is true, and nothing started otherwise.
func startDBusSession(t *testing.T, unlock bool) *secretSession {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("the Secret Service test needs Linux")
	}
	requireTools(t, "dbus-run-session", "gnome-keyring-daemon", "secret-tool")

	env := isolatedEnv(t)
	logDir := t.TempDir()
	// The shell prints the bus address, unlocks a fresh login keyring
	// (gnome-keyring creates it from the password on stdin; an empty
	// password makes it ask a prompter, which needs a display), then waits
	// on stdin: closing it ends the session and the daemons with it.
	const script = `printf '%s\n' "$DBUS_SESSION_BUS_ADDRESS"
if [ "$2" = unlock ]; then
	printf '%s' soratui-test-password | gnome-keyring-daemon --unlock --components=secrets >"$1/gnome-keyring.log" 2>&1 || exit 1
fi
echo ready
exec cat >/dev/null`
	mode := "bare"
	if unlock {
		mode = "unlock"
	}
	cmd := exec.Command("dbus-run-session", "--", "sh", "-c", script, "sh", logDir, mode)
	cmd.Env = env
	stdin, stdout := stdioPipes(t, cmd)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Start(); err != nil {
		t.Fatalf("start dbus-run-session: %v", err)
	}
	t.Cleanup(func() {
		stdin.Close()
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})

	addr := readSessionStart(t, stdout, &stderr, logDir)
	s := &secretSession{env: append(env, "DBUS_SESSION_BUS_ADDRESS="+addr)}
	if !unlock {
		return s
	}

	// Prove the keyring works before blaming soratui.
	s.Run(t, "probe-secret", "secret-tool", "store", "--label=probe", "service", "soratui-probe", "username", "probe").wantExit(t, 0)
	s.Run(t, "", "secret-tool", "lookup", "service", "soratui-probe").wantExactStdout(t, "probe-secret")
	s.Run(t, "", "secret-tool", "clear", "service", "soratui-probe").wantExit(t, 0)
	return s
}

// readSessionStart reads the session script's two lines (the bus address,
// then "ready") and returns the address; it fails the test, with the
// daemons' logs, when the session ends early or takes over 30 s.
func readSessionStart(t *testing.T, stdout io.Reader, stderr *bytes.Buffer, logDir string) string {
	t.Helper()
	lines := make(chan string, 2)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	var got []string
	timeout := time.After(30 * time.Second)
	for len(got) < 2 {
		select {
		case l, ok := <-lines:
			if !ok {
				log, _ := os.ReadFile(filepath.Join(logDir, "gnome-keyring.log"))
				t.Fatalf("the D-Bus session ended early (got %q)\nstderr:\n%s\ngnome-keyring:\n%s", got, stderr.String(), log)
			}
			got = append(got, l)
		case <-timeout:
			t.Fatalf("the D-Bus session did not start within 30s (got %q)\nstderr:\n%s", got, stderr.String())
		}
	}
	if !strings.HasPrefix(got[0], "unix:") || got[1] != "ready" {
		t.Fatalf("unexpected session output %q\nstderr:\n%s", got, stderr.String())
	}
	return got[0]
}

// Run runs name with args in the session, stdin fed from the string.
func (s *secretSession) Run(t *testing.T, stdin, name string, args ...string) cmdResult {
	t.Helper()
	return s.RunEnv(t, nil, stdin, name, args...)
}

// RunEnv is Run with extra KEY=VALUE variables.
func (s *secretSession) RunEnv(t *testing.T, extra []string, stdin, name string, args ...string) cmdResult {
	t.Helper()
	r := runCommand(t, append(append([]string(nil), s.env...), extra...), stdin, name, args...)
	s.results = append(s.results, r)
	return r
}

// isolatedEnv is a minimal environment: PATH, a temporary HOME and XDG
// folders, and no APIDOT_API_KEY.
func isolatedEnv(t *testing.T) []string {
	t.Helper()
	root := t.TempDir()
	dirs := map[string]string{
		"HOME": "home", "XDG_DATA_HOME": "data", "XDG_CONFIG_HOME": "config",
		"XDG_CACHE_HOME": "cache", "XDG_STATE_HOME": "state", "XDG_RUNTIME_DIR": "run",
	}
	env := []string{"PATH=" + os.Getenv("PATH"), "LANG=C.UTF-8"}
	for k, d := range dirs {
		p := filepath.Join(root, d)
		if err := os.MkdirAll(p, 0o700); err != nil {
			t.Fatal(err)
		}
		env = append(env, k+"="+p)
	}
	return env
}

func requireTools(t *testing.T, names ...string) {
	t.Helper()
	var missing []string
	for _, n := range names {
		if _, err := exec.LookPath(n); err != nil {
			missing = append(missing, n)
		}
	}
	if len(missing) == 0 {
		return
	}
	msg := fmt.Sprintf("missing %s (Debian/Ubuntu: apt-get install dbus gnome-keyring libsecret-tools)", strings.Join(missing, ", "))
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + ": CI must run this test")
	}
	t.Skip(msg)
}

type cmdResult struct {
	line           string
	stdout, stderr string
	exit           int
}

func (r cmdResult) String() string {
	return fmt.Sprintf("%s\nexit %d\nstdout:\n%s\nstderr:\n%s", r.line, r.exit, r.stdout, r.stderr)
}

// runCommand runs name with env and stdin; a command that runs over a
// minute fails the test, so a hung keyring cannot hang the suite.
func runCommand(t *testing.T, env []string, stdin, name string, args ...string) cmdResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	err := cmd.Run()
	line := filepath.Base(name) + " " + strings.Join(args, " ")
	r := cmdResult{line: line, stdout: stdout.String(), stderr: stderr.String()}
	var exitErr *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("%s did not return within a minute\n%s", line, r)
	case errors.As(err, &exitErr):
		r.exit = exitErr.ExitCode()
	case err != nil:
		t.Fatalf("%s: %v", line, err)
	}
	return r
}

func (r cmdResult) wantExit(t *testing.T, code int) {
	t.Helper()
	if r.exit != code {
		t.Fatalf("exit %d, want %d\n%s", r.exit, code, r)
	}
}

func (r cmdResult) wantStdout(t *testing.T, s string) {
	t.Helper()
	if !strings.Contains(r.stdout, s) {
		t.Fatalf("stdout lacks %q\n%s", s, r)
	}
}

func (r cmdResult) wantExactStdout(t *testing.T, s string) {
	t.Helper()
	r.wantExit(t, 0)
	if strings.TrimRight(r.stdout, "\n") != s {
		t.Fatalf("stdout = %q, want %q\n%s", r.stdout, s, r)
	}
}

func (r cmdResult) wantStderr(t *testing.T, s string) {
	t.Helper()
	if !strings.Contains(r.stderr, s) {
		t.Fatalf("stderr lacks %q\n%s", s, r)
	}
}

// wantFailure checks a refusal: exit 1, stderr holding each of says, and
// the key nowhere in the output.
func (r cmdResult) wantFailure(t *testing.T, says ...string) {
	t.Helper()
	r.wantExit(t, 1)
	for _, s := range says {
		r.wantStderr(t, s)
	}
	if strings.Contains(r.stdout+r.stderr, ssKey) {
		t.Errorf("the key was printed:\n%s", r)
	}
}
