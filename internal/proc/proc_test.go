package proc_test

import (
	"os"
	"os/exec"
	"runtime"
	"testing"

	"github.com/soratui/soratui/internal/proc"
)

func TestAlive(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("signal 0 is unix only")
	}
	cmd := exec.Command("true")
	if err := cmd.Run(); err != nil {
		t.Skipf("cannot run 'true' to get a dead pid: %v", err)
	}
	tests := []struct {
		name string
		pid  int
		want bool
	}{
		{"this process", os.Getpid(), true},
		{"a process that ended", cmd.Process.Pid, false},
		{"zero", 0, false},
		{"negative", -1, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := proc.Alive(tc.pid); got != tc.want {
				t.Fatalf("Alive(%d) = %v, want %v", tc.pid, got, tc.want)
			}
		})
	}
}
