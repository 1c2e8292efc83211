package historytest

import (
	"errors"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/soratui/soratui/history"
)

// HoldLock makes a real other process, flock(1) from util-linux, hold the lock of the
// history file at path until release (or the test's end), as another program or a stuck
// soratui would; it returns that process's pid. Without flock the test is skipped, or
// fails when CI=true.
func HoldLock(tb testing.TB, path string) (pid int, release func()) {
	tb.Helper()
	bin, err := exec.LookPath("flock")
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatal("flock (util-linux) is missing")
		}
		tb.Skip("flock (util-linux) is not installed")
	}
	cmd := exec.Command(bin, "--exclusive", path, "sleep", "60")
	ownGroup(cmd)
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	var once sync.Once
	release = func() {
		once.Do(func() {
			killGroup(cmd) // flock and its sleep
			cmd.Wait()
		})
	}
	tb.Cleanup(release)
	for deadline := time.Now().Add(10 * time.Second); ; {
		s, err := history.Open(path, history.Options{Timeout: 10 * time.Millisecond})
		if errors.Is(err, history.ErrLocked) {
			return cmd.Process.Pid, release
		}
		if err == nil {
			s.Close()
		}
		if time.Now().After(deadline) {
			tb.Fatal("flock never held the history file")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
