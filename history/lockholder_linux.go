package history

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"syscall"

	"github.com/soratui/soratui/internal/inert"
)

// lockHolder returns the pid of a process holding a lock on the file at path,
// read from /proc/locks; 0 when it cannot tell. Another process is preferred
// to this one, and a lock on the same device to one on the same inode number
// only, because overlay file systems may report a different device.
func lockHolder(path string) int {
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		return 0
	}
	f, err := os.Open("/proc/locks")
	if err != nil {
		return 0
	}
	defer f.Close()
	dev := uint64(st.Dev) // Dev is uint32 on some platforms
	major := (dev>>8)&0xfff | (dev>>32)&^0xfff
	minor := dev&0xff | (dev>>12)&^0xff
	self := os.Getpid()
	best, bestScore := 0, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// "1: FLOCK  ADVISORY  WRITE 1234 fe:00:5308451 0 EOF"; waiters
		// have "->" after the number and hold nothing.
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || fields[1] == "->" {
			continue
		}
		pid, err := strconv.Atoi(fields[4])
		if err != nil {
			continue
		}
		parts := strings.Split(fields[5], ":")
		if len(parts) != 3 {
			continue
		}
		ino, err := strconv.ParseUint(parts[2], 10, 64)
		if err != nil || ino != uint64(st.Ino) {
			continue
		}
		score := 1
		maj, err1 := strconv.ParseUint(parts[0], 16, 64)
		mnr, err2 := strconv.ParseUint(parts[1], 16, 64)
		if err1 == nil && err2 == nil && maj == major && mnr == minor {
			score += 2
		}
		if pid != self {
			score += 4
		}
		if score > bestScore {
			best, bestScore = pid, score
		}
	}
	return best
}

// processName is the command name of pid from /proc (e.g. "soratui"); "" when unknown.
// It is shown inert, since any process may choose its name.
func processName(pid int) string {
	if pid <= 0 {
		return ""
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm")
	if err != nil {
		return ""
	}
	return inert.Clip(strings.TrimSpace(string(b)), 32)
}
