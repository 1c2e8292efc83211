package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDownloadMaxSize(t *testing.T) {
	t.Parallel()
	h, _, j := finishedJob(t, "a tiny clip")
	dir := t.TempDir()
	dest := filepath.Join(dir, "clip.mp4")

	r := h.run("", "download", j.ID, "-o", dest, "--max-size", "10KB")
	if r.code != 1 || !strings.Contains(r.stderr, "larger than the size limit") || r.stdout != "" {
		t.Fatalf("exit %d stdout %q, want 1 naming the limit:\n%s", r.code, r.stdout, r.stderr)
	}
	if es, _ := os.ReadDir(dir); len(es) != 0 {
		t.Fatalf("an oversized download left %d files", len(es))
	}
	if r := h.run("", "download", j.ID, "-o", dest, "--max-size", "lots"); r.code != 2 {
		t.Fatalf("--max-size lots: exit %d, want 2:\n%s", r.code, r.stderr)
	}
	if r := h.run("", "download", j.ID, "-o", dest, "--max-size", "1MB"); r.code != 0 {
		t.Fatalf("--max-size 1MB: exit %d:\n%s", r.code, r.stderr)
	}
	requireClip(t, dest)
}

func TestFailedRedownloadNeverPrintsTheOldPath(t *testing.T) {
	t.Parallel()
	h, _, j := finishedJob(t, "a lantern festival")
	first := h.run("", "download", j.ID)
	if first.code != 0 {
		t.Fatalf("first download: exit %d:\n%s", first.code, first.stderr)
	}
	old := strings.TrimSpace(first.stdout)
	h.server.Expire(j.TaskID)

	r := h.run("", "download", j.ID, "--force")
	if r.code != 1 || r.stdout != "" || strings.Contains(r.stderr, "saved to") {
		t.Fatalf("failed re-download: exit %d, stdout %q, want 1 and no path:\n%s", r.code, r.stdout, r.stderr)
	}
	if got := showJob(t, h, j.ID); got.LocalPath != old {
		t.Errorf("local_path %q, want the earlier file %q kept", got.LocalPath, old)
	}
	requireClip(t, old)
}
