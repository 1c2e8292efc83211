//go:build !linux

package history

// lockHolder cannot name the process holding the lock outside Linux.
func lockHolder(string) int { return 0 }

// processName cannot name a process outside Linux.
func processName(int) string { return "" }
