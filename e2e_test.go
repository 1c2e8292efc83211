package main_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/cli"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/internal/testmain"
	"github.com/soratui/soratui/jobs/jobstest"
)

// binary is soratui for the end-to-end tests: a link to this test binary,
// which runs the program when started through it (testmain.Program).
var binary string

func TestMain(m *testing.M) {
	var remove func()
	binary, remove = testmain.Program("soratui", func() int { return cli.Main("dev") })
	testmain.Parallel(8)
	code := m.Run()
	remove()
	os.Exit(code)
}

const e2eKey = "sk-e2e-key-0123456789abcdef"

// e2e is one history file and one simulator shared by several processes.
type e2e struct {
	t      testing.TB
	server *apidottest.Server
	dir    string
	db     string
}

func newE2E(t testing.TB, opts apidottest.Options) *e2e {
	t.Helper()
	opts.Key = e2eKey
	dir := t.TempDir()
	return &e2e{t: t, server: apidottest.NewTestServer(t, opts), dir: dir, db: filepath.Join(dir, "history.db")}
}

// env is the environment of a soratui that uses this simulator and
// history file; extra entries (KEY=value) win over the defaults.
func (e *e2e) env(extra ...string) []string {
	return append([]string{
		"HOME=" + e.dir,
		"PATH=" + os.Getenv("PATH"),
		"APIDOT_API_KEY=" + e2eKey,
		"APIDOT_BASE_URL=" + e.server.URL,
		"SORATUI_DB=" + e.db,
		"SORATUI_POLL_INTERVAL=100ms",
	}, extra...)
}

func (e *e2e) command(args ...string) *exec.Cmd {
	cmd := exec.Command(binary, args...)
	cmd.Env = e.env()
	return cmd
}

func (e *e2e) run(args ...string) (stdout, stderr string, code int) {
	e.t.Helper()
	cmd := e.command(args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code = 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		e.t.Fatalf("running %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}

func (e *e2e) list() []history.Job {
	e.t.Helper()
	out, errs, code := e.run("list", "--json", "--limit", "0")
	if code != 0 {
		e.t.Fatalf("list: exit %d: %s", code, errs)
	}
	var js []history.Job
	if err := json.Unmarshal([]byte(out), &js); err != nil {
		e.t.Fatalf("list: %v\n%s", err, out)
	}
	return js
}

func TestKilledWatchLosesNothing(t *testing.T) {
	t.Parallel()
	// Held tasks start only once released: the first watch is killed
	// while every job is still unfinished, whatever the machine's speed.
	e := newE2E(t, apidottest.Options{Hold: true})
	const n = 4
	for i := range n {
		if _, errs, code := e.run("submit", "--prompt", fmt.Sprintf("job %d", i)); code != 0 {
			t.Fatalf("submit: %d %s", code, errs)
		}
	}
	before := e.list()

	watch := e.command("watch")
	if err := watch.Start(); err != nil {
		t.Fatal(err)
	}
	jobstest.Eventually(t, "watch to poll", func() bool { return e.server.StatusReads("") >= n })
	if err := watch.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	watch.Wait()
	if got := e.server.Release(); got != n {
		t.Fatalf("released %d tasks, want %d still held", got, n)
	}

	_, errs, code := e.run("watch")
	if code != 0 {
		t.Fatalf("second watch: exit %d\n%s", code, errs)
	}
	after := e.list()
	if len(after) != n {
		t.Fatalf("%d jobs after the crash, want %d", len(after), n)
	}
	for i, j := range after {
		if j.Status != history.StatusFinished || j.TaskID != before[i].TaskID || len(j.VideoURLs) != 1 {
			t.Errorf("job %s: %s task %s (was %s)", j.ID, j.Status, j.TaskID, before[i].TaskID)
		}
	}
	if got := len(e.server.Tasks()); got != n || e.server.Submits() != n {
		t.Errorf("server: %d tasks, %d submits; want %d each", got, e.server.Submits(), n)
	}
}

func TestKilledSubmitBecomesUnconfirmedNotResent(t *testing.T) {
	t.Parallel()
	e := newE2E(t, apidottest.Options{Faults: apidottest.Faults{Slow: 1, SlowDelay: time.Minute}})
	submit := e.command("submit", "--prompt", "a slow answer")
	if err := submit.Start(); err != nil {
		t.Fatal(err)
	}
	jobstest.Eventually(t, "the submit to reach the server", func() bool { return e.server.Submits() == 1 })
	submit.Process.Signal(syscall.SIGKILL)
	submit.Wait()
	e.server.SetFaults(apidottest.Faults{})

	js := e.list()
	if len(js) != 1 || js[0].Status != history.StatusSubmitting {
		t.Fatalf("after the kill: %+v, want one job still submitting", js)
	}
	if _, errs, code := e.run("watch"); code != 0 {
		t.Fatalf("watch: exit %d %s", code, errs)
	}
	js = e.list()
	if js[0].Status != history.StatusUnconfirmed || !strings.Contains(js[0].Error, "may exist") {
		t.Errorf("job = %s %q, want unconfirmed", js[0].Status, js[0].Error)
	}
	if e.server.Submits() != 1 {
		t.Errorf("%d submits, want the one", e.server.Submits())
	}
}

func TestListWorksWhileWatchRuns(t *testing.T) {
	t.Parallel()
	// A held job stays unfinished for as long as the test needs.
	e := newE2E(t, apidottest.Options{Hold: true})
	if _, errs, code := e.run("submit", "--prompt", "a long job"); code != 0 {
		t.Fatal(errs)
	}
	watch := e.command("watch")
	var werr bytes.Buffer
	watch.Stderr = &werr
	if err := watch.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		watch.Process.Kill()
		watch.Wait()
	}()
	jobstest.Eventually(t, "watch to poll", func() bool { return e.server.StatusReads("") >= 2 })
	for range 3 {
		if js := e.list(); len(js) != 1 {
			t.Fatalf("list during watch: %d jobs", len(js))
		}
	}
	if _, errs, code := e.run("submit", "--prompt", "a second job"); code != 0 {
		t.Fatalf("submit during watch: exit %d %s", code, errs)
	}
	if js := e.list(); len(js) != 2 {
		t.Fatalf("%d jobs after a second submit", len(js))
	}
}

func TestVersionAndHelp(t *testing.T) {
	t.Parallel()
	e := newE2E(t, apidottest.Options{})
	out, _, code := e.run("version")
	if code != 0 || !strings.HasPrefix(out, "soratui ") {
		t.Errorf("version: %d %q", code, out)
	}
	out, _, code = e.run("--help")
	for _, cmd := range []string{"submit", "list", "show", "watch", "export", "import", "key"} {
		if code != 0 || !strings.Contains(out, "  "+cmd+" ") {
			t.Errorf("help lacks %s (exit %d)", cmd, code)
		}
	}
	if _, errs, code := e.run("frobnicate"); code != 2 || !strings.Contains(errs, "unknown command") {
		t.Errorf("unknown command: %d %s", code, errs)
	}
}

// stdioPipes returns the pipes to cmd's standard input and output, failing
// the test if they cannot be made.
func stdioPipes(t testing.TB, cmd *exec.Cmd) (io.WriteCloser, io.ReadCloser) {
	t.Helper()
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	return in, out
}
