package frames

import (
	"encoding/binary"
	"io"
	"math"
	"os"
)

// mp4Duration reads a video's length in seconds from the movie header
// ('mvhd' in 'moov') of an MP4 file, which spares an ffprobe start for the
// videos APIDot returns. ok is false when the file is not an MP4 this
// reader understands (WebM, a header that does not give the length, a
// damaged or hostile file): ffprobe answers then. It reads a few bytes per
// box and allocates nothing in proportion to the file.
func mp4Duration(path string) (seconds float64, ok bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil || !info.Mode().IsRegular() {
		return 0, false
	}
	moov, ok := findBox(f, box{0, info.Size()}, "moov")
	if !ok {
		return 0, false
	}
	mvhd, ok := findBox(f, moov, "mvhd")
	if !ok {
		return 0, false
	}
	return mvhdDuration(f, mvhd)
}

// box is the contents of an ISO BMFF box: the bytes from start to end.
type box struct{ start, end int64 }

// maxBoxes bounds the boxes findBox steps over, so a file of millions of
// empty boxes costs no more than a moment before ffprobe takes over.
const maxBoxes = 4096

// findBox returns the contents of the first box of type typ among the
// boxes that fill in.
func findBox(r io.ReaderAt, in box, typ string) (box, bool) {
	var hdr [16]byte
	off := in.start
	for range maxBoxes {
		if in.end-off < 8 {
			return box{}, false
		}
		if _, err := r.ReadAt(hdr[:8], off); err != nil {
			return box{}, false
		}
		size, head := int64(binary.BigEndian.Uint32(hdr[:4])), int64(8)
		switch size {
		case 0: // the box runs to the end of its parent
			size = in.end - off
		case 1: // a 64-bit size follows the type
			if in.end-off < 16 {
				return box{}, false
			}
			if _, err := r.ReadAt(hdr[8:16], off+8); err != nil {
				return box{}, false
			}
			size, head = int64(binary.BigEndian.Uint64(hdr[8:16])), 16
		}
		// A negative size (a 64-bit one past int64) fails here too.
		if size < head || size > in.end-off {
			return box{}, false
		}
		if string(hdr[4:8]) == typ {
			return box{off + head, off + size}, true
		}
		off += size
	}
	return box{}, false
}

// mvhdDuration reads the time scale and duration of a movie header box,
// version 0 (32-bit fields) or 1 (64-bit).
func mvhdDuration(r io.ReaderAt, mvhd box) (float64, bool) {
	var b [32]byte
	n := min(mvhd.end-mvhd.start, int64(len(b)))
	if _, err := r.ReadAt(b[:n], mvhd.start); err != nil {
		return 0, false
	}
	var scale, length uint64
	switch b[0] {
	case 0: // version, flags, creation, modification, scale, duration
		if n < 20 {
			return 0, false
		}
		scale, length = uint64(binary.BigEndian.Uint32(b[12:16])), uint64(binary.BigEndian.Uint32(b[16:20]))
		if length == math.MaxUint32 {
			return 0, false // unknown
		}
	case 1:
		if n < 32 {
			return 0, false
		}
		scale, length = uint64(binary.BigEndian.Uint32(b[20:24])), binary.BigEndian.Uint64(b[24:32])
		if length == math.MaxUint64 {
			return 0, false
		}
	default:
		return 0, false
	}
	if scale == 0 || length == 0 {
		return 0, false
	}
	return float64(length) / float64(scale), true
}
