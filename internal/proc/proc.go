// Package proc answers questions about other processes that files name by pid (lock
// holders, owners of partial downloads), so stale leftovers can be told from live work.
package proc

// Alive reports whether a process with this pid exists; where the OS cannot tell, it
// reports false, so leftovers are treated as abandoned.
func Alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	return alive(pid)
}
