//go:build unix

package proc

import (
	"errors"
	"syscall"
)

// alive sends signal 0: delivered (or refused for permission) means the pid exists.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
