package cli_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/cli"
	"github.com/soratui/soratui/history"
)

// requireInert fails when human output holds a byte a terminal would act on, or a line
// that server text started.
func requireInert(t *testing.T, what, out string) {
	t.Helper()
	for i, r := range out {
		switch {
		case r == '\n', r == '\t': // tabs separate fields on a pipe; inert turns a field's own into spaces
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f, r == '\uFFFD' && strings.HasPrefix(out[i:], "\x9b"):
			t.Fatalf("%s: control %U at byte %d reached human output:\n%q", what, r, i, out)
		case r >= 0x202a && r <= 0x202e:
			t.Fatalf("%s: bidi override reached human output:\n%q", what, out)
		}
	}
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), apidottest.ForgedLine) {
			t.Fatalf("%s: server text started a line of its own:\n%s", what, out)
		}
	}
}

// hostileHarness is a harness whose server puts hostile text in every field, with a short
// queue so statuses are seen before the end.
func hostileHarness(t *testing.T) *harness {
	o := jobsTaking(150, 100)
	o.Hostile = true
	return newHarness(t, o)
}

func TestHostileServerTextIsInertInHumanOutput(t *testing.T) {
	t.Parallel()
	h := hostileHarness(t)
	withVideos(t, h)
	var ids []string
	for _, prompt := range []string{"a calm lake", "a storm [fail]"} {
		r := h.run("", "submit", "--prompt", prompt, "--wait")
		requireInert(t, "submit --wait stdout", r.stdout)
		requireInert(t, "submit --wait stderr", r.stderr)
		if strings.Contains(prompt, "[fail]") && !strings.Contains(r.stdout+r.stderr, "␛]52") {
			t.Fatalf("submit --wait never showed the (inert) hostile error:\n%s\n%s", r.stdout, r.stderr)
		}
		ids = append(ids, h.jobs()[0].ID)
	}
	rejected := h.run("", "submit", "--prompt", "a bad one [reject]")
	if rejected.code != 2 {
		t.Fatalf("rejected submit: exit %d:\n%s", rejected.code, rejected.stderr)
	}
	requireInert(t, "rejected submit", rejected.stderr+rejected.stdout)

	for _, args := range [][]string{{"list"}, {"list", "--status", "failed"}, {"show", ids[0]}, {"show", ids[1]}} {
		r := h.run("", args...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d:\n%s", args, r.code, r.stderr)
		}
		requireInert(t, strings.Join(args, " "), r.stdout+r.stderr)
	}
	show := h.run("", "show", ids[0])
	if !strings.Contains(show.stdout, "(untrusted, not opened)") {
		t.Errorf("show does not mark the javascript: video URL untrusted:\n%s", show.stdout)
	}
}

func TestHostileWatchIsInert(t *testing.T) {
	t.Parallel()
	h := hostileHarness(t)
	for _, prompt := range []string{"first", "second [fail]"} {
		if r := h.run("", "submit", "--prompt", prompt); r.code != 0 {
			t.Fatalf("submit: exit %d:\n%s", r.code, r.stderr)
		}
	}
	r := h.run("", "watch")
	requireInert(t, "watch", r.stdout+r.stderr)
	if !strings.Contains(r.stderr, "All done: 1 finished, 1 failed.") {
		t.Fatalf("watch did not follow both jobs to the end:\n%s", r.stderr)
	}
}

func TestJSONKeepsHostileTextByteForByte(t *testing.T) {
	t.Parallel()
	h := hostileHarness(t)
	j := submitJob(t, h, "--prompt", "a storm [fail]", "--wait")
	got := showJob(t, h, j.ID)
	if got.Status != history.StatusFailed || !strings.HasSuffix(got.Error, apidottest.HostileText) {
		t.Fatalf("--json error %q (status %s), want the raw hostile text kept", got.Error, got.Status)
	}
	raw := false
	for _, c := range got.StatusHistory {
		raw = raw || strings.HasPrefix(c.Raw, "queued"+apidottest.HostileText)
	}
	if !raw {
		t.Errorf("--json status history lacks the raw queued status: %+v", got.StatusHistory)
	}
	r := h.run("", "export")
	var line history.Job
	if err := json.Unmarshal([]byte(strings.SplitN(r.stdout, "\n", 2)[0]), &line); err != nil || line.Error != got.Error {
		t.Errorf("export changed the text: %v, %q", err, line.Error)
	}
}

// On a terminal soratui adds its own colours and OSC 8 links (ended by BEL); none of the
// server's sequences may come with them.
func TestHostileTextOnATerminalCarriesOnlyOurOwnSequences(t *testing.T) {
	t.Parallel()
	h := hostileHarness(t)
	j := submitJob(t, h, "--prompt", "a storm [fail]", "--wait")
	ok := submitJob(t, h, "--prompt", "a calm sea", "--wait")
	for _, args := range [][]string{{"list"}, {"show", j.ID}, {"show", ok.ID}} {
		r := h.runEnv("", func(e *cli.Env) { e.StdoutIsTerminal, e.StderrIsTerminal, e.Width = true, true, 120 }, args...)
		out := r.stdout + r.stderr
		for _, seq := range []string{"\x1b]52", "\x1b]0;", "\x1b[2J", "\x1b[H", "\u009b", "\u202e", "\r"} {
			if strings.Contains(out, seq) {
				t.Fatalf("%v on a terminal let %q through:\n%q", args, seq, out)
			}
		}
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), apidottest.ForgedLine) {
				t.Fatalf("%v: server text started a line:\n%s", args, out)
			}
		}
		if strings.Contains(out, "Image ") || strings.Contains(out, "Callback ") {
			t.Errorf("%v shows empty links as untrusted:\n%s", args, out)
		}
	}
}
