//go:build unix

package main_test

import (
	"os"
	"syscall"
)

// mkfifo makes a named pipe at path.
func mkfifo(path string) error { return syscall.Mkfifo(path, 0o600) }

// peakRSS is the most memory the ended process ps held, in KiB.
func peakRSS(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return int64(ru.Maxrss) // KiB on Linux
	}
	return 0
}
