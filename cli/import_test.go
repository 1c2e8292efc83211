package cli_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/soratui/soratui/apidot/apidottest"
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
