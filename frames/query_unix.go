//go:build unix

package frames

import (
	"os"
	"syscall"
	"time"

	"golang.org/x/term"
)

// Query asks the controlling terminal which graphics it draws: Kitty,
// Sixel or HalfBlock (no answer within timeout, or neither). It talks to
// /dev/tty in raw mode, so standard output may be anything.
func Query(timeout time.Duration) (Protocol, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return HalfBlock, err
	}
	defer tty.Close()
	fd := int(tty.Fd())
	old, err := term.MakeRaw(fd)
	if err != nil {
		return HalfBlock, err
	}
	defer term.Restore(fd, old)
	// Fd made the file blocking; the deadline below needs the poller.
	if err := syscall.SetNonblock(fd, true); err != nil {
		return HalfBlock, err
	}
	if _, err := tty.WriteString(graphicsQuery); err != nil {
		return HalfBlock, err
	}
	if err := tty.SetReadDeadline(time.Now().Add(timeout)); err != nil {
		return HalfBlock, err
	}
	var got []byte
	buf := make([]byte, 256)
	for {
		n, err := tty.Read(buf)
		got = append(got, buf[:n]...)
		if p, done := readReplies(got); done {
			return p, nil
		}
		if err != nil {
			return HalfBlock, err
		}
	}
}
