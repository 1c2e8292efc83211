package download_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/soratui/soratui/download"
	"github.com/soratui/soratui/history"
)

func TestVariantNameAndFreePath(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 12, 1, 12, 0, 0, 0, time.Local)
	tests := []struct {
		job  history.Job
		want string
	}{
		{history.Job{Model: "sora-2-pro-official", Resolution: "1080p", Prompt: "A red fox!", CreatedAt: at}, "2026-12-01-pro-1080p-a-red-fox.mp4"},
		{history.Job{Model: "sora-2-pro-official", Prompt: "red fox", CreatedAt: at}, "2026-12-01-pro-720p-red-fox.mp4"},
		{history.Job{Model: "sora-2-official", Prompt: "Renard roux, éclairé", CreatedAt: at}, "2026-12-01-standard-renard-roux-eclaire.mp4"},
	}
	for _, tt := range tests {
		if got := download.VariantName(tt.job); got != tt.want {
			t.Errorf("VariantName = %q, want %q", got, tt.want)
		}
	}
	dir := t.TempDir()
	j := tests[0].job
	first := download.FreePath(dir, j)
	if first != filepath.Join(dir, tests[0].want) {
		t.Fatalf("FreePath = %q", first)
	}
	os.WriteFile(first, []byte("x"), 0o600)
	if got := download.FreePath(dir, j); got != filepath.Join(dir, "2026-12-01-pro-1080p-a-red-fox-2.mp4") {
		t.Errorf("a taken name gives %q, want the -2 name", got)
	}
	j.LocalPath = first
	if got := download.FreePath(dir, j); got != first {
		t.Errorf("the job's own file gives %q, want it again", got)
	}
}
