package cli_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/cli"
)

// runInterrupted runs args with the context already ended (Ctrl-C came)
// and stdin a pipe that says nothing, a terminal when terminal is set; it
// returns the exit code and stderr.
func runInterrupted(h *harness, terminal bool, args ...string) (int, string) {
	h.t.Helper()
	stdin, w := io.Pipe()
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var errb bytes.Buffer
	err := cli.Run(ctx, args, h.cliEnv(cli.Env{Stdin: stdin, StdinIsTerminal: terminal, Stdout: io.Discard, Stderr: &errb}, nil))
	cli.Report(&errb, err)
	return cli.ExitCode(err), errb.String()
}

// TestCommandsReadingStdinStopOnInterrupt: a command waiting on stdin, a
// prompt or a question ends on Ctrl-C, says so, and sends or removes
// nothing.
func TestCommandsReadingStdinStopOnInterrupt(t *testing.T) {
	t.Parallel()
	h, _, j := finishedJob(t, "a paper boat")
	before := h.server.Submits()
	for _, tc := range []struct {
		args     string
		terminal bool
		code     int
		says     string
	}{
		{"submit --prompt-file -", false, 1, "soratui: submit stopped while reading the prompt: nothing was sent\n"},
		{"batch -", false, 1, "soratui: batch stopped while reading the shot list: nothing was sent\n"},
		{"delete " + j.ID, true, 1, "? [y/N] \nNothing deleted.\n"},
	} {
		code, stderr := runInterrupted(h, tc.terminal, strings.Fields(tc.args)...)
		if code != tc.code || !strings.HasSuffix(stderr, tc.says) {
			t.Errorf("%s: exit %d, stderr %q; want %d ending %q", tc.args, code, stderr, tc.code, tc.says)
		}
	}
	if n := h.server.Submits(); n != before {
		t.Errorf("%d submits reached the server after the interrupts", n-before)
	}
	if js := h.jobs(); len(js) != 1 {
		t.Errorf("%d jobs in the history, want the one", len(js))
	}
}

// TestInterruptedTransfersSayHowFarTheyGot: interrupted, an import says it
// imported nothing and leaves the history as it was; an export and a list
// say how far their output is, without the hint of commands that follow
// jobs.
func TestInterruptedTransfersSayHowFarTheyGot(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	path := writeTemp(t, "in.jsonl", manyJobs(10))
	if code, stderr := runInterrupted(h, false, "import", path); code != 1 || stderr != "soratui: import stopped: nothing was imported\n" {
		t.Errorf("import: exit %d, stderr %q", code, stderr)
	}
	if js := h.jobs(); len(js) != 0 {
		t.Errorf("%d jobs in the history after the stopped import, want none", len(js))
	}
	if r := h.run("", "import", path); r.code != 0 {
		t.Fatalf("import: exit %d\n%s", r.code, r.stderr)
	}
	for _, tc := range []struct{ args, says string }{
		{"export", "export stopped: the output holds only the oldest jobs"},
		{"list --limit 0", "list stopped before its end"},
		{"list --json", "list stopped before its end"},
	} {
		if code, stderr := runInterrupted(h, false, strings.Fields(tc.args)...); code != 1 || stderr != "soratui: "+tc.says+"\n" {
			t.Errorf("%s: exit %d, stderr %q", tc.args, code, stderr)
		}
	}
}
