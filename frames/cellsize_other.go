//go:build !unix

package frames

// CellSize reports no pixel size where the kernel keeps none.
func CellSize(fd int) (w, h int, ok bool) { return 0, 0, false }
