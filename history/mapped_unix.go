//go:build unix

package history

import (
	"errors"
	"os"
	"syscall"
)

func identOf(info os.FileInfo) (fileIdent, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return fileIdent{}, false
	}
	return fileIdent{dev: uint64(st.Dev), ino: st.Ino, size: info.Size()}, true
}

// tryLockShared takes f's shared lock (the lock bbolt takes for a
// read-only handle) if no writer holds it, and reports whether it did.
func tryLockShared(f *os.File) (bool, error) {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return false, nil
	}
	return err == nil, err
}

func unlockFile(f *os.File) { syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
