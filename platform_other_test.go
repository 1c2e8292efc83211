//go:build !unix

package main_test

import (
	"errors"
	"os"
)

// mkfifo fails: named pipes in the file system are a Unix feature, and so
// is tmux, which the tests that need one drive.
func mkfifo(string) error { return errors.ErrUnsupported }

// peakRSS is 0: the process's peak memory is read on Unix only.
func peakRSS(*os.ProcessState) int64 { return 0 }
