package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/assets"
	"github.com/soratui/soratui/cli"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/history/historytest"
	"github.com/soratui/soratui/internal/lockedio"
	"github.com/soratui/soratui/keys/keystest"
)

const cliKey = "sk-cli-test-key-0123456789abcd"

// harness runs commands in-process against a simulator and a history file
// of its own.
type harness struct {
	t      *testing.T
	server *apidottest.Server
	db     string
	env    map[string]string
}

func newHarness(t *testing.T, opts apidottest.Options) *harness {
	t.Helper()
	if opts.Key == "" {
		opts.Key = cliKey
	}
	s := apidottest.NewTestServer(t, opts)
	dir := t.TempDir()
	return &harness{t: t, server: s, db: filepath.Join(dir, "data", "history.db"), env: map[string]string{
		"APIDOT_API_KEY":        cliKey,
		"APIDOT_BASE_URL":       s.URL,
		"SORATUI_DB":            filepath.Join(dir, "data", "history.db"),
		"SORATUI_POLL_INTERVAL": "50ms",
		"HOME":                  dir,
	}}
}

type result struct {
	code           int
	stdout, stderr string
	err            error
}

func (h *harness) run(stdin string, args ...string) result {
	h.t.Helper()
	return h.runEnv(stdin, nil, args...)
}

func (h *harness) jobs() []history.Job {
	h.t.Helper()
	if _, err := os.Stat(h.db); os.IsNotExist(err) {
		return nil
	}
	js, err := historytest.OpenAt(h.t, h.db).List(history.Query{})
	if err != nil {
		h.t.Fatal(err)
	}
	return js
}

// cliEnv is env (its input and output) completed the way the harness runs
// every command: its variables, a keyring of its own, download retries that
// cost no time; set, when not nil, changes it.
func (h *harness) cliEnv(env cli.Env, set func(*cli.Env)) cli.Env {
	env.Getenv = func(k string) string { return h.env[k] }
	env.Version = "test"
	env.Keyring = keystest.New()
	env.DownloadBackoff = time.Millisecond
	if set != nil {
		set(&env)
	}
	return env
}

// runEnv is run with changes to the environment, such as a terminal; set
// may be nil. No output may hold the API key.
func (h *harness) runEnv(stdin string, set func(*cli.Env), args ...string) result {
	h.t.Helper()
	var out, errb bytes.Buffer
	err := cli.Run(context.Background(), args, h.cliEnv(cli.Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb}, set))
	cli.Report(&errb, err)
	r := result{code: cli.ExitCode(err), stdout: out.String(), stderr: errb.String(), err: err}
	for _, s := range []string{r.stdout, r.stderr} {
		if strings.Contains(s, cliKey) {
			h.t.Errorf("output of %v holds the API key:\n%s", args, s)
		}
	}
	return r
}

// withVideos points the Videos folder of the harness at a fresh folder.
func withVideos(t *testing.T, h *harness) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "Videos")
	h.env["XDG_VIDEOS_DIR"] = dir
	return dir
}

// submitJob submits a prompt and returns the job printed.
func submitJob(t *testing.T, h *harness, args ...string) history.Job {
	t.Helper()
	return outJSON[history.Job](t, h.run("", append([]string{"submit", "--json"}, args...)...))
}

func showJob(t *testing.T, h *harness, id string) history.Job {
	t.Helper()
	return outJSON[history.Job](t, h.run("", "show", id, "--json"))
}

// requireClip fails the test unless path holds the clip the simulator serves.
func requireClip(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, assets.SampleClip) {
		t.Errorf("%s holds %d bytes that differ from the clip served", path, len(b))
	}
}

// outJSON is a command's stdout decoded as T; the test stops, showing the
// exit code and both outputs, when stdout is not one T.
func outJSON[T any](t *testing.T, r result) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatalf("stdout is not one %T: exit %d, %v\n%s\n%s", v, r.code, err, r.stdout, r.stderr)
	}
	return v
}

// writeTemp writes text to name (which may hold folders) below a fresh
// temporary folder and returns its path.
func writeTemp(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// wantJobs fails the test unless the history holds n jobs; why says what
// that count shows.
func (h *harness) wantJobs(n int, why string) {
	h.t.Helper()
	if got := len(h.jobs()); got != n {
		h.t.Errorf("%d jobs recorded, want %d: %s", got, n, why)
	}
}

// wantNothingSent fails the test when after sent anything to the simulator
// or recorded any job.
func (h *harness) wantNothingSent(after string) {
	h.t.Helper()
	if s, n := h.server.Submits(), len(h.jobs()); s != 0 || n != 0 {
		h.t.Errorf("after %s: %d submits sent and %d jobs recorded, want none", after, s, n)
	}
}

// runAt runs a command with a clock that starts at day (noon, local) and
// moves on in real time, so polling still advances.
func (h *harness) runAt(day string, args ...string) result {
	h.t.Helper()
	base, err := time.ParseInLocation("2006-01-02 15:04", day+" 12:00", time.Local)
	if err != nil {
		h.t.Fatal(err)
	}
	start := time.Now()
	return h.runEnv("", func(e *cli.Env) {
		e.Now = func() time.Time { return base.Add(time.Since(start)) }
	}, args...)
}

// neverStarting is a simulator whose jobs stay queued for the whole test.
func neverStarting() apidottest.Options { return apidottest.Options{QueueTime: time.Hour} }

// jobsTaking is a simulator whose jobs queue for queueMS and run for runMS
// milliseconds: long enough for a command to show each state, short enough
// for the suite.
func jobsTaking(queueMS, runMS int) apidottest.Options {
	return apidottest.Options{
		QueueTime: time.Duration(queueMS) * time.Millisecond,
		RunTime:   time.Duration(runMS) * time.Millisecond,
	}
}

// background runs a long-lived command until the returned stop is called;
// stop returns its exit code.
func (h *harness) background(args ...string) (stderr *lockedio.Buffer, stop func() int) {
	h.t.Helper()
	return h.backgroundEnv(nil, args...)
}

// backgroundEnv is background with changes to the environment, such as a
// stdout of the test's own; set may be nil.
func (h *harness) backgroundEnv(set func(*cli.Env), args ...string) (stderr *lockedio.Buffer, stop func() int) {
	h.t.Helper()
	stderr = &lockedio.Buffer{}
	env := h.cliEnv(cli.Env{Stdout: &lockedio.Buffer{}, Stderr: stderr}, set)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		err := cli.Run(ctx, args, env)
		cli.Report(stderr, err)
		done <- err
	}()
	stopped := false
	stop = func() int {
		if stopped {
			return -1
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return cli.ExitCode(err)
		case <-time.After(15 * time.Second):
			h.t.Fatal("the command did not stop")
			return -1
		}
	}
	h.t.Cleanup(func() { stop() })
	return stderr, stop
}

// submittedInput is the input of the last submit the simulator received.
func submittedInput(t *testing.T, h *harness) (model string, input map[string]any) {
	t.Helper()
	var body struct {
		Model string         `json:"model"`
		Input map[string]any `json:"input"`
	}
	var last []byte
	for _, r := range h.server.Requests() {
		if strings.HasSuffix(r.Path, "/submit") {
			last = r.Body
		}
	}
	if err := json.Unmarshal(last, &body); err != nil {
		t.Fatalf("no submit body: %v", err)
	}
	return body.Model, body.Input
}
