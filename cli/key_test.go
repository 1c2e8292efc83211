package cli

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soratui/soratui/keys"
	"github.com/soratui/soratui/keys/keystest"
)

const testKey = "sk-test-7d3f9a1c5e8b2d4f6a0cWXYZ"

// runKeyCmd runs soratui with args and reports the error as main does. It
// fails the test if the full key shows up anywhere a person could see.
func runKeyCmd(t *testing.T, env Env, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	env.Stdout, env.Stderr = &out, &errOut
	err := Run(context.Background(), args, env)
	Report(&errOut, err)
	stdout, stderr, code = out.String(), errOut.String(), ExitCode(err)
	for _, s := range []string{stdout, stderr} {
		if strings.Contains(s, testKey) || strings.Contains(s, testKey[8:]) {
			t.Fatalf("soratui %s printed the key:\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), stdout, stderr)
		}
	}
	if err != nil && strings.Contains(err.Error(), testKey) {
		t.Fatalf("the error carries the key: %v", err)
	}
	return stdout, stderr, code
}

func envWith(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestKeySetFromPipeStoresTrimmedKey(t *testing.T) {
	t.Parallel()
	kr := keystest.New()
	stdout, _, code := runKeyCmd(t, Env{Stdin: strings.NewReader("  " + testKey + " \r\n"), Keyring: kr}, "key", "set")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if v, ok := kr.Stored(); !ok || v != testKey {
		t.Fatalf("stored %q (%v), want the trimmed key", keys.Mask(v), ok)
	}
	if want := "Saved the API key sk-…WXYZ to the keyring (service soratui).\n"; stdout != want {
		t.Errorf("stdout = %q, want %q", stdout, want)
	}
}

func TestKeySetReadsOnlyTheFirstLine(t *testing.T) {
	t.Parallel()
	kr := keystest.New()
	_, _, code := runKeyCmd(t, Env{Stdin: strings.NewReader(testKey + "\nsomething else\n"), Keyring: kr}, "key", "set")
	if v, _ := kr.Stored(); code != 0 || v != testKey {
		t.Fatalf("exit %d, stored %q", code, keys.Mask(v))
	}
}

func TestKeySetFromTerminalPromptsWithoutEcho(t *testing.T) {
	t.Parallel()
	kr := keystest.New()
	read := false
	env := Env{
		Stdin:           strings.NewReader("not read: the terminal reader is used"),
		StdinIsTerminal: true,
		ReadPassword:    func() (string, error) { read = true; return testKey + "\n", nil },
		Keyring:         kr,
	}
	_, stderr, code := runKeyCmd(t, env, "key", "set")
	if code != 0 || !read {
		t.Fatalf("exit %d, terminal read %v", code, read)
	}
	if !strings.HasPrefix(stderr, "APIDot API key: ") {
		t.Errorf("stderr = %q, want the prompt", stderr)
	}
	if v, _ := kr.Stored(); v != testKey {
		t.Errorf("stored %q", keys.Mask(v))
	}
}

// TestKeySetStopsOnInterrupt: Ctrl-C at the prompt, or with a pipe that
// says nothing, ends the command at once and stores nothing.
func TestKeySetStopsOnInterrupt(t *testing.T) {
	t.Parallel()
	for _, terminal := range []bool{true, false} {
		kr := keystest.New()
		entered, release := make(chan struct{}), make(chan struct{})
		defer close(release)
		stdin, w := io.Pipe()
		defer w.Close()
		ctx, cancel := context.WithCancel(context.Background())
		var out, errOut bytes.Buffer
		env := Env{Stdin: stdin, StdinIsTerminal: terminal, Keyring: kr, Stdout: &out, Stderr: &errOut,
			ReadPassword: func() (string, error) {
				close(entered)
				<-release
				return "", io.EOF
			}}
		done := make(chan error, 1)
		go func() { done <- Run(ctx, []string{"key", "set"}, env) }()
		if terminal {
			<-entered // the prompt waits for the key
		}
		cancel()
		err := <-done
		Report(&errOut, err)
		if ExitCode(err) != 1 || !strings.HasSuffix(errOut.String(), "soratui: key set stopped: nothing was stored\n") {
			t.Errorf("terminal %v: exit %d, stderr %q", terminal, ExitCode(err), errOut.String())
		}
		if _, ok := kr.Stored(); ok {
			t.Errorf("terminal %v: a key was stored", terminal)
		}
	}
}

func TestKeySetRefusesBadInput(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		args  []string
		stdin string
		want  string
	}{
		{"key as argument", []string{"key", "set", testKey}, "", "takes no arguments"},
		{"key as argument with stdin too", []string{"key", "set", testKey}, testKey + "\n", "takes no arguments"},
		{"key after key", []string{"key", testKey}, "", "unknown command that"},
		{"empty stdin", []string{"key", "set"}, "", "no key was given"},
		{"blank line", []string{"key", "set"}, "  \n", "no key was given"},
		{"inner space", []string{"key", "set"}, "sk-test abcdefgh\n", "whitespace"},
		{"too short", []string{"key", "set"}, "sk-1\n", "too short"},
		{"control character", []string{"key", "set"}, "sk-test-\x1b[2Jabcdef\n", "control character"},
		{"non-ASCII", []string{"key", "set"}, "sk-tést-abcdefgh\n", "non-ASCII"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kr := keystest.New()
			_, stderr, code := runKeyCmd(t, Env{Stdin: strings.NewReader(tt.stdin), Keyring: kr}, tt.args...)
			if code != 2 {
				t.Fatalf("exit %d, want 2\n%s", code, stderr)
			}
			if !strings.Contains(stderr, tt.want) {
				t.Errorf("stderr %q lacks %q", stderr, tt.want)
			}
			if calls := kr.Calls(); len(calls) != 0 {
				t.Errorf("keyring calls %v, want none", calls)
			}
		})
	}
}

func TestKeySetArgumentTellsHowToPipe(t *testing.T) {
	t.Parallel()
	_, stderr, _ := runKeyCmd(t, Env{Keyring: keystest.New()}, "key", "set", testKey)
	if !strings.Contains(stderr, "Pipe the key on stdin") || !strings.Contains(stderr, "prompt") {
		t.Errorf("stderr = %q, want how to pipe it or type it at the prompt", stderr)
	}
}

func TestKeySetUnusableKeyringFailsWithAdvice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		keyring keys.Keyring
		want    string
	}{
		{"unavailable", keystest.Unavailable(), "not available"},
		{"hung", keys.WithTimeout(keystest.Hung(), 20*time.Millisecond), "did not answer in time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, code := runKeyCmd(t, Env{Stdin: strings.NewReader(testKey + "\n"), Keyring: tt.keyring}, "key", "set")
			if code != 1 {
				t.Fatalf("exit %d, want 1\n%s", code, stderr)
			}
			for _, w := range []string{tt.want, "APIDOT_API_KEY", "not saved"} {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q lacks %q", stderr, w)
				}
			}
		})
	}
}

func TestKeySetNotesThatTheVariableWins(t *testing.T) {
	t.Parallel()
	env := Env{Stdin: strings.NewReader(testKey + "\n"), Keyring: keystest.New(),
		Getenv: envWith(map[string]string{"APIDOT_API_KEY": "sk-other-key-1234567890"})}
	_, stderr, code := runKeyCmd(t, env, "key", "set")
	if code != 0 || !strings.Contains(stderr, "APIDOT_API_KEY is set") {
		t.Errorf("exit %d, stderr %q: want a note that the variable wins", code, stderr)
	}
}

// fakeAPI answers every status read with status and records what it got.
type fakeAPI struct {
	*httptest.Server
	mu       sync.Mutex
	auth     []string
	paths    []string
	requests int
}

func newFakeAPI(t *testing.T, status int) *fakeAPI {
	f := &fakeAPI{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.requests++
		f.auth = append(f.auth, r.Header.Get("Authorization"))
		f.paths = append(f.paths, r.URL.Path)
		f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		switch status {
		case http.StatusUnauthorized:
			w.Write([]byte(`{"code":401,"error":{"type":"authentication_error","message":"invalid api key"}}`))
		case http.StatusNotFound:
			w.Write([]byte(`{"code":404,"error":{"type":"not_found","message":"task not found"}}`))
		default:
			w.Write([]byte(`{"code":` + strconv.Itoa(status) + `}`))
		}
	}))
	t.Cleanup(f.Close)
	return f
}

func TestKeyStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		envKey     string
		stored     string
		apiStatus  int
		offline    bool
		wantCode   int
		wantOut    []string
		wantErr    []string
		wantChecks int
	}{
		{name: "keyring key accepted (404 for the probe task)", stored: testKey, apiStatus: 404, wantCode: 0,
			wantOut: []string{"Source: keyring", "sk-…WXYZ", "accepted"}, wantChecks: 1},
		{name: "keyring key refused", stored: testKey, apiStatus: 401, wantCode: 1,
			wantOut: []string{"Source: keyring", "sk-…WXYZ", "refused"}, wantErr: []string{"refused", "soratui key set"}, wantChecks: 1},
		{name: "env wins over keyring", envKey: testKey, stored: "sk-stored-000000000000", apiStatus: 404, wantCode: 0,
			wantOut: []string{"Source: env (APIDOT_API_KEY)", "sk-…WXYZ", "accepted"}, wantChecks: 1},
		{name: "server trouble says nothing about the key", stored: testKey, apiStatus: 503, wantCode: 0,
			wantOut: []string{"sk-…WXYZ", "not checked"}, wantChecks: 1},
		{name: "offline skips the check", stored: testKey, offline: true, wantCode: 0,
			wantOut: []string{"Source: keyring", "sk-…WXYZ", "not checked (--offline)"}},
		{name: "no key anywhere", apiStatus: 404, wantCode: 1,
			wantOut: []string{"Source: none"}, wantErr: []string{"no API key", "soratui key set", "APIDOT_API_KEY"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			api := newFakeAPI(t, tt.apiStatus)
			kr := keystest.New()
			if tt.stored != "" {
				kr = keystest.Holding(tt.stored)
			}
			env := Env{Keyring: kr, Getenv: envWith(map[string]string{"APIDOT_API_KEY": tt.envKey, "APIDOT_BASE_URL": api.URL})}
			args := []string{"key", "status"}
			if tt.offline {
				args = append(args, "--offline")
			}
			stdout, stderr, code := runKeyCmd(t, env, args...)
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, stdout, stderr)
			}
			wantLines(t, "stdout", stdout, tt.wantOut)
			wantLines(t, "stderr", stderr, tt.wantErr)
			api.mu.Lock()
			defer api.mu.Unlock()
			if api.requests != tt.wantChecks {
				t.Fatalf("API got %d requests, want %d", api.requests, tt.wantChecks)
			}
			if tt.wantChecks > 0 {
				want := "Bearer " + tt.stored
				if tt.envKey != "" {
					want = "Bearer " + tt.envKey
				}
				if api.auth[0] != want {
					t.Errorf("Authorization = %q, want the resolved key", keys.Mask(api.auth[0]))
				}
				if api.paths[0] != "/api/generate/status/"+keyCheckTaskID {
					t.Errorf("path = %q, want the probe task", api.paths[0])
				}
			}
		})
	}
}

func TestKeyStatusUnreachableAPIIsNotChecked(t *testing.T) {
	t.Parallel()
	api := newFakeAPI(t, 404)
	api.Close() // connection refused from now on
	env := Env{Keyring: keystest.Holding(testKey), Getenv: envWith(map[string]string{"APIDOT_BASE_URL": api.URL})}
	stdout, stderr, code := runKeyCmd(t, env, "key", "status")
	if code != 0 || !strings.Contains(stdout, "Check:  not checked: ") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

func TestKeyStatusUnusableKeyring(t *testing.T) {
	t.Parallel()
	stdout, stderr, code := runKeyCmd(t, Env{Keyring: keystest.Unavailable()}, "key", "status", "--offline")
	if code != 1 || !strings.Contains(stdout, "Source: none") {
		t.Fatalf("exit %d\nstdout:\n%s", code, stdout)
	}
	for _, w := range []string{"not available", "APIDOT_API_KEY"} {
		if !strings.Contains(stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, stderr)
		}
	}
}

func TestKeyDelete(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		keyring  *keystest.Keyring
		envKey   string
		wantCode int
		wantOut  []string
		wantErr  []string
	}{
		{"removes the stored key", keystest.Holding(testKey), "", 0, []string{"Deleted the API key from the keyring"}, nil},
		{"nothing stored", keystest.New(), "", 0, []string{"No key was stored in the keyring."}, nil},
		{"variable still applies", keystest.Holding(testKey), "sk-env-key-1234567890", 0,
			[]string{"Deleted", "APIDOT_API_KEY is still set"}, nil},
		{"unavailable keyring", keystest.Unavailable(), "", 1, nil, []string{"not deleted", "APIDOT_API_KEY"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := Env{Keyring: tt.keyring, Getenv: envWith(map[string]string{"APIDOT_API_KEY": tt.envKey})}
			stdout, stderr, code := runKeyCmd(t, env, "key", "delete")
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tt.wantCode, stdout, stderr)
			}
			wantLines(t, "stdout", stdout, tt.wantOut)
			wantLines(t, "stderr", stderr, tt.wantErr)
			if tt.wantCode == 0 {
				if _, ok := tt.keyring.Stored(); ok {
					t.Error("the key is still stored")
				}
			}
		})
	}
}

func TestKeySetStatusDeleteRoundTrip(t *testing.T) {
	t.Parallel()
	kr := keystest.New()
	if _, _, code := runKeyCmd(t, Env{Stdin: strings.NewReader(testKey), Keyring: kr}, "key", "set"); code != 0 {
		t.Fatalf("set: exit %d", code)
	}
	stdout, _, code := runKeyCmd(t, Env{Keyring: kr}, "key", "status", "--offline")
	if code != 0 || !strings.Contains(stdout, "sk-…WXYZ") {
		t.Fatalf("status: exit %d\n%s", code, stdout)
	}
	if _, _, code := runKeyCmd(t, Env{Keyring: kr}, "key", "delete"); code != 0 {
		t.Fatalf("delete: exit %d", code)
	}
	if _, _, code := runKeyCmd(t, Env{Keyring: kr}, "key", "status", "--offline"); code != 1 {
		t.Fatalf("status after delete: exit %d, want 1", code)
	}
}

func TestRequireKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	t.Run("demo mode needs no key", func(t *testing.T) {
		a := newApp(Env{Keyring: keystest.Unavailable()}).withDemo()
		k, err := a.requireKey(ctx)
		if err != nil || k.Source != keys.SourceDemo || k.Value != keys.DemoKey {
			t.Fatalf("requireKey = %#v, %v", k, err)
		}
	})
	t.Run("finds the keyring key", func(t *testing.T) {
		a := newApp(Env{Keyring: keystest.Holding(testKey)})
		k, err := a.requireKey(ctx)
		if err != nil || k.Value != testKey || k.Source != keys.SourceKeyring {
			t.Fatalf("requireKey = %#v, %v", k, err)
		}
	})
	t.Run("none says how to provide one", func(t *testing.T) {
		a := newApp(Env{Keyring: keystest.New()})
		_, err := a.requireKey(ctx)
		if !errors.Is(err, keys.ErrNoKey) || ExitCode(err) != 1 {
			t.Fatalf("err = %v (exit %d), want ErrNoKey, exit 1", err, ExitCode(err))
		}
		for _, w := range []string{"soratui key set", "APIDOT_API_KEY"} {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%q lacks %q", err, w)
			}
		}
	})
	t.Run("a hung keyring still returns", func(t *testing.T) {
		a := newApp(Env{Keyring: keys.WithTimeout(keystest.Hung(), 20*time.Millisecond)})
		_, err := a.requireKey(ctx)
		if !errors.Is(err, keys.ErrNoKey) || !errors.Is(err, keys.ErrTimeout) || !strings.Contains(err.Error(), "APIDOT_API_KEY") {
			t.Fatalf("err = %v", err)
		}
	})
}

// wantLines fails for each piece of text the output lacks.
func wantLines(t *testing.T, name, out string, want []string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Errorf("%s lacks %q:\n%s", name, w, out)
		}
	}
}
