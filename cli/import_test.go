package cli_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/cli"
	bolt "go.etcd.io/bbolt"
)

func TestImportOfAFolderOrAMissingFileIsOneUsageError(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	dir := t.TempDir()
	for _, path := range []string{dir, filepath.Join(dir, "missing.jsonl")} {
		r := h.run("", "import", path)
		if r.code != 2 || !strings.Contains(r.stderr, "cannot import") {
			t.Errorf("import %s: exit %d, want 2 saying it cannot import:\n%s", path, r.code, r.stderr)
		}
	}
}

func TestImportRefusesTheWholeFileAndShowsTextInert(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	good := `{"id":"a1","created_at":"2025-01-01T00:00:00Z","status":"failed","duration":8,"prompt":"p\u001b]52;c;eA==\u0007","error":"e\nfinished, saved to /tmp/forged.mp4"}`
	bad := `{"id":"a2","created_at":"2025-01-01T00:00:00Z","status":"finished","duration":7}`
	path := writeTemp(t, "in.jsonl", good+"\n"+bad+"\n")
	r := h.run("", "import", path)
	if r.code != 2 || !strings.Contains(r.stderr, "line 2") || !strings.Contains(r.stderr, "duration") {
		t.Fatalf("exit %d, want 2 naming line 2 and its duration:\n%s", r.code, r.stderr)
	}
	h.wantJobs(0, "a refused file imports nothing")
	if r := h.run("", "import", writeTemp(t, "in.jsonl", good+"\n")); r.code != 0 {
		t.Fatalf("import: exit %d:\n%s", r.code, r.stderr)
	}
	for _, args := range [][]string{{"list"}, {"show", "a1"}} {
		r := h.run("", args...)
		requireInert(t, strings.Join(args, " "), r.stdout+r.stderr)
	}
	if got := showJob(t, h, "a1"); got.Prompt != "p\x1b]52;c;eA==\x07" {
		t.Errorf("--json prompt %q, want the imported bytes", got.Prompt)
	}
}

// TestImportShowsItsProgressOnATerminal imports a file three ways. On a
// terminal, when the import runs past a second (a clock that moves a
// second a reading), one line shows the lines checked, then a bar of the
// jobs written, then one of their words indexed (its share alone), and
// ends before the summary. On a terminal with a quick
// import, and on a pipe, stderr stays empty. The summary on stdout is the
// same each time.
func TestImportShowsItsProgressOnATerminal(t *testing.T) {
	t.Parallel()
	path := writeTemp(t, "in.jsonl", manyJobs(1500))
	for _, tc := range []struct {
		name   string
		tty    bool
		second time.Duration // how far the clock moves at each reading
	}{
		{"slow, on a terminal", true, time.Second},
		{"quick, on a terminal", true, 0},
		{"slow, on a pipe", false, time.Second},
	} {
		h := newHarness(t, apidottest.Options{})
		r := h.runEnv("", func(e *cli.Env) { e.StderrIsTerminal, e.Now = tc.tty, steppingClock(tc.second) }, "import", path)
		if r.code != 0 || r.stdout != "Imported 1,500 new, 0 updated, 0 unchanged.\n" {
			t.Fatalf("%s: exit %d, %q\n%s", tc.name, r.code, r.stdout, r.stderr)
		}
		if !tc.tty || tc.second == 0 {
			if r.stderr != "" {
				t.Errorf("%s: stderr holds %q", tc.name, r.stderr)
			}
			continue
		}
		for _, want := range []string{"\rChecking lines 1,500", "\rImporting jobs [....................]   0% 0/1,500",
			"\rImporting jobs [####################] 100% 1,500/1,500", "\rIndexing words [####################] 100% "} {
			if !strings.Contains(r.stderr, want) {
				t.Errorf("%s: stderr lacks %q:\n%q", tc.name, want, r.stderr)
			}
		}
		// The words are counted in (word, job) pairs, which mean nothing to
		// the reader: their bar shows its share alone.
		if i := strings.LastIndex(r.stderr, "\rIndexing words"); i < 0 || strings.TrimRight(r.stderr[i:], " \n") != "\rIndexing words [####################] 100%" {
			t.Errorf("%s: the words' last line is not the bar and its share alone:\n%q", tc.name, r.stderr)
		}
		if !strings.HasSuffix(r.stderr, "\n") || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%s: the progress line does not end once, before the summary:\n%q", tc.name, r.stderr)
		}
	}
}

// TestImportOfAShuffledFileShowsItsSorting: jobs newest first, as a file
// joined from several sources may hold them, are sorted before they are
// written, and the progress line says so.
func TestImportOfAShuffledFileShowsItsSorting(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	for i := 1500; i > 0; i-- {
		fmt.Fprintf(&b, `{"id":"s%d","created_at":"2025-01-02T%02d:%02d:00Z","status":"finished","prompt":"take %d"}`+"\n", i, i/60%24, i%60, i)
	}
	h := newHarness(t, apidottest.Options{})
	r := h.runEnv("", func(e *cli.Env) { e.StderrIsTerminal, e.Now = true, steppingClock(time.Second) }, "import", writeTemp(t, "in.jsonl", b.String()))
	if r.code != 0 || r.stdout != "Imported 1,500 new, 0 updated, 0 unchanged.\n" {
		t.Fatalf("exit %d, %q\n%s", r.code, r.stdout, r.stderr)
	}
	sorted := strings.Index(r.stderr, "\rSorting jobs [####################] 100% 1,500/1,500")
	written := strings.Index(r.stderr, "\rImporting jobs [####################] 100% 1,500/1,500")
	if sorted < 0 || written < sorted {
		t.Errorf("stderr does not show the jobs sorted, then written:\n%q", r.stderr)
	}
}

// TestAnImportWaitingOnStdinStopsOnInterrupt: an import reading a
// terminal or a pipe with nothing to say stops when interrupted, without
// waiting for input.
func TestAnImportWaitingOnStdinStopsOnInterrupt(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	stdin, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	var errb bytes.Buffer
	done := make(chan error, 1)
	go func() {
		done <- cli.Run(ctx, []string{"import", "-"}, h.cliEnv(cli.Env{Stdin: stdin, Stdout: io.Discard, Stderr: &errb}, nil))
	}()
	if _, err := w.Write([]byte(manyJobs(3))); err != nil { // read: the import is waiting for more
		t.Fatal(err)
	}
	cancel()
	select {
	case err := <-done:
		cli.Report(&errb, err)
		if errb.String() != "soratui: import stopped: nothing was imported\n" {
			t.Errorf("stderr %q", errb.String())
		}
	case <-time.After(time.Minute):
		t.Fatal("the import still waits on stdin a minute after the interrupt")
	}
	if js := h.jobs(); len(js) != 0 {
		t.Errorf("%d jobs in the history, want none", len(js))
	}
}

// TestExportShowsItsProgressOnATerminal exports 1,500 jobs to a pipe with
// stderr a terminal: past a second, one line counts the jobs written and
// ends once. A quick export, or one whose stdout is the terminal, leaves
// stderr empty. The lines on stdout are those of an export without a
// terminal.
func TestExportShowsItsProgressOnATerminal(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	if r := h.run("", "import", writeTemp(t, "in.jsonl", manyJobs(1500))); r.code != 0 {
		t.Fatalf("import: exit %d\n%s", r.code, r.stderr)
	}
	plain := h.run("", "export")
	if plain.code != 0 || strings.Count(plain.stdout, "\n") != 1500 || plain.stderr != "" {
		t.Fatalf("export to a pipe: exit %d, %d lines, stderr %q", plain.code, strings.Count(plain.stdout, "\n"), plain.stderr)
	}
	for _, tc := range []struct {
		name       string
		stdoutTTY  bool
		second     time.Duration
		wantStderr bool
	}{
		{"slow, to a pipe", false, time.Second, true},
		{"quick, to a pipe", false, 0, false},
		{"slow, to the terminal", true, time.Second, false},
	} {
		r := h.runEnv("", func(e *cli.Env) {
			e.StderrIsTerminal, e.StdoutIsTerminal, e.Now = true, tc.stdoutTTY, steppingClock(tc.second)
		}, "export")
		if r.code != 0 || r.stdout != plain.stdout {
			t.Fatalf("%s: exit %d, stdout differs from the plain export", tc.name, r.code)
		}
		if !tc.wantStderr {
			if r.stderr != "" {
				t.Errorf("%s: stderr holds %q", tc.name, r.stderr)
			}
			continue
		}
		if !strings.Contains(r.stderr, "\rExporting jobs [####################] 100% 1,500/1,500") ||
			!strings.HasSuffix(r.stderr, "\n") || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("%s: stderr does not end one full line of progress:\n%q", tc.name, r.stderr)
		}
	}
}

// manyJobs is n finished jobs as JSON Lines.
func manyJobs(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, `{"id":"p%d","created_at":"2025-01-01T00:00:00Z","status":"finished","prompt":"take %d"}`+"\n", i, i)
	}
	return b.String()
}

// steppingClock is a clock that moves step at each reading.
func steppingClock(step time.Duration) func() time.Time {
	var mu sync.Mutex
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		now = now.Add(step)
		return now
	}
}

// TestIndexWorkAtOpenSaysWhatItDoesOnce: the jobs of an import killed
// before its words went into the index (a mark over them, written here as
// such an import would have, see history/pending.go), and a file of an
// older soratui, with no word index. The next command says why it indexes
// the jobs, shows its progress on a terminal when it runs past a second,
// and finds them; the one after says nothing.
func TestIndexWorkAtOpenSaysWhatItDoesOnce(t *testing.T) {
	t.Parallel()
	const (
		recovery  = "Adding 3 jobs of an import that stopped early to the search index (once)…\n"
		migration = "Building the search index of 3 jobs written by an older soratui (once)…\n"
		bar       = "\rIndexing jobs [....................]   0% 0/3\rIndexing jobs [####################] 100% 3/3\n"
	)
	for _, tc := range []struct {
		name   string
		change func(tx *bolt.Tx) error
		tty    bool
		stderr string
	}{
		{"an import that died, on a pipe", cli.MarkDeadImport, false, recovery},
		{"an import that died, on a terminal", cli.MarkDeadImport, true, recovery + bar},
		{"a file of schema 1, on a pipe", cli.MakeSchema1, false, migration},
		{"a file of schema 1, on a terminal", cli.MakeSchema1, true, migration + bar},
	} {
		h := newHarness(t, apidottest.Options{})
		if r := h.run("", "import", writeTemp(t, "in.jsonl", manyJobs(3))); r.code != 0 {
			t.Fatalf("import: exit %d\n%s", r.code, r.stderr)
		}
		cli.ChangeHistoryFile(t, h.db, tc.change)
		env := func(e *cli.Env) { e.StderrIsTerminal, e.Now = tc.tty, steppingClock(time.Second) }
		r := h.runEnv("", env, "list", "--search", "take 2", "--json")
		if r.code != 0 || !strings.Contains(r.stdout, `"prompt": "take 2"`) {
			t.Fatalf("%s: list: exit %d\n%s\n%s", tc.name, r.code, r.stdout, r.stderr)
		}
		if r.stderr != tc.stderr {
			t.Errorf("%s: stderr %q, want %q", tc.name, r.stderr, tc.stderr)
		}
		if r = h.runEnv("", env, "list", "--search", "take 2", "--json"); r.code != 0 || r.stderr != "" || !strings.Contains(r.stdout, `"prompt": "take 2"`) {
			t.Errorf("%s: the next list: exit %d, stderr %q\n%s", tc.name, r.code, r.stderr, r.stdout)
		}
	}
}
