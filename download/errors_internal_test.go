package download

import (
	"errors"
	"io/fs"
	"strings"
	"syscall"
	"testing"
)

func TestFullDiskIsNamed(t *testing.T) {
	t.Parallel()
	cause := &fs.PathError{Op: "write", Path: "/v/.x.mp4.part-1", Err: syscall.ENOSPC}
	err := fileError("writing the file", cause)
	if !errors.Is(err, ErrDiskFull) || !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("err = %v, want ErrDiskFull wrapping ENOSPC", err)
	}
	if !strings.Contains(err.Error(), "disk is full") {
		t.Errorf("message %q does not say the disk is full", err)
	}
	if isRetryable(err) {
		t.Error("a full disk is retried")
	}
	other := fileError("writing the file", &fs.PathError{Op: "write", Path: "/v/x", Err: syscall.EACCES})
	if errors.Is(other, ErrDiskFull) {
		t.Errorf("permission error %v reads as a full disk", other)
	}
}

func TestContentRange(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in           string
		start, total int64
		ok           bool
	}{
		{"bytes 100-199/1000", 100, 1000, true},
		{"bytes 0-0/*", 0, -1, true},
		{"bytes */1000", 0, 0, false},
		{"items 1-2/3", 0, 0, false},
		{"", 0, 0, false},
	}
	for _, tt := range tests {
		start, total, ok := contentRange(tt.in)
		if start != tt.start || total != tt.total || ok != tt.ok {
			t.Errorf("contentRange(%q) = %d, %d, %v", tt.in, start, total, ok)
		}
	}
}

func TestSize(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{0: "0 B", 999: "999 B", 34878: "34.9 KB", 2_600_000: "2.6 MB", 3_200_000_000: "3.2 GB"} {
		if got := Size(n).String(); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}
