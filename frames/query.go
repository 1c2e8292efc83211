package frames

import (
	"bytes"
	"time"
)

// graphicsQuery asks for kitty graphics support (a one-pixel test image
// that is not stored) and then for the primary device attributes, which
// every terminal answers, so the second reply marks the end of the first.
const graphicsQuery = "\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\" + "\x1b[c"

// QueryTimeout bounds how long Query waits for a terminal's replies.
const QueryTimeout = 500 * time.Millisecond

// readReplies reports what a terminal's replies to graphicsQuery say:
// kitty graphics (an OK to image 31), sixel (attribute 4 in the device
// attributes), and whether the device attributes have arrived, after
// which nothing more is coming.
func readReplies(b []byte) (p Protocol, done bool) {
	kitty := bytes.Contains(b, []byte("\x1b_Gi=31;OK"))
	i := bytes.Index(b, []byte("\x1b[?"))
	if i < 0 {
		return HalfBlock, false
	}
	attrs := b[i+3:]
	end := bytes.IndexByte(attrs, 'c')
	if end < 0 {
		return HalfBlock, false
	}
	switch {
	case kitty:
		return Kitty, true
	case hasAttr(attrs[:end], "4"):
		return Sixel, true
	}
	return HalfBlock, true
}

func hasAttr(list []byte, attr string) bool {
	for _, a := range bytes.Split(list, []byte(";")) {
		if string(a) == attr {
			return true
		}
	}
	return false
}
