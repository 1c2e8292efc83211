//go:build unix

package frames

import "golang.org/x/sys/unix"

// CellSize is the pixel size of one cell of the terminal on fd, from the
// window size the kernel keeps; ok is false where the terminal leaves the
// pixel fields empty. Unlike a query it never waits.
func CellSize(fd int) (w, h int, ok bool) {
	ws, err := unix.IoctlGetWinsize(fd, unix.TIOCGWINSZ)
	if err != nil || ws.Col == 0 || ws.Row == 0 || ws.Xpixel == 0 || ws.Ypixel == 0 {
		return 0, 0, false
	}
	return int(ws.Xpixel / ws.Col), int(ws.Ypixel / ws.Row), true
}
