//go:build unix

package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestDownloadRefusesSpecialTargetsEvenWithForce(t *testing.T) {
	t.Parallel()
	h, _, j := finishedJob(t, "a paper boat")
	fifo := filepath.Join(t.TempDir(), "pipe.mp4")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, target, says string }{
		{"fifo", fifo, "named pipe"},
		{"device", os.DevNull, "a device"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := h.run("", "download", j.ID, "-o", tc.target, "--force")
			if r.code != 2 || !strings.Contains(r.stderr, tc.says) || !strings.Contains(r.stderr, "not a regular file") {
				t.Fatalf("exit %d, want 2 saying %q:\n%s", r.code, tc.says, r.stderr)
			}
			if r.stdout != "" {
				t.Fatalf("stdout %q, want nothing", r.stdout)
			}
		})
	}
	if got := showJob(t, h, j.ID); got.LocalPath != "" {
		t.Errorf("local_path %q recorded for a refused target", got.LocalPath)
	}
}
