package frames

import (
	"image"
	"image/color"
	"strconv"
	"strings"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

// upperHalf is the cell character whose foreground paints the upper pixel
// and background the lower one.
const upperHalf = "▀"

// NoColorNote stands where a picture would be when colours are off
// (NO_COLOR, or a terminal without colour).
const NoColorNote = "(no preview: colours are off)"

// HalfBlocks draws img in at most cols×rows cells (rows 0: as many as its
// shape needs), two pixels per cell, enlarging or shrinking it to fill the
// width. Colours follow p: 24-bit, 256 or 16 colours; at ASCII or below it
// returns NoColorNote. Every line ends with a reset; lines are joined by
// "\n" without a final one.
func HalfBlocks(img image.Image, cols, rows int, p colorprofile.Profile) string {
	if p <= colorprofile.ASCII {
		return NoColorNote
	}
	if cols <= 0 {
		return ""
	}
	src := Fit(img, cols, 2*rows, true)
	b := src.Bounds()
	var sb strings.Builder
	sb.Grow(b.Dx() * (b.Dy() + 1) / 2 * 24)
	for y := 0; y < b.Dy(); y += 2 {
		if y > 0 {
			sb.WriteByte('\n')
		}
		var last cellColors
		for x := 0; x < b.Dx(); x++ {
			c := cellColors{fg: sgrColor(src.RGBAAt(x, y), p, false), bg: "49"}
			if y+1 < b.Dy() {
				c.bg = sgrColor(src.RGBAAt(x, y+1), p, true)
			}
			if x == 0 || c != last {
				sb.WriteString("\x1b[")
				sb.WriteString(c.fg)
				sb.WriteByte(';')
				sb.WriteString(c.bg)
				sb.WriteByte('m')
				last = c
			}
			sb.WriteString(upperHalf)
		}
		sb.WriteString("\x1b[m")
	}
	return sb.String()
}

// cellColors are the SGR parameters of one cell.
type cellColors struct{ fg, bg string }

// sgrColor is the SGR parameter list selecting c as the foreground (or
// background) colour under profile p.
func sgrColor(c color.RGBA, p colorprofile.Profile, bg bool) string {
	switch p {
	case colorprofile.TrueColor:
		lead := "38;2;"
		if bg {
			lead = "48;2;"
		}
		return lead + strconv.Itoa(int(c.R)) + ";" + strconv.Itoa(int(c.G)) + ";" + strconv.Itoa(int(c.B))
	case colorprofile.ANSI256:
		lead := "38;5;"
		if bg {
			lead = "48;5;"
		}
		return lead + strconv.Itoa(int(ansi.Convert256(c)))
	}
	n := int(ansi.Convert16(c))
	base := 30
	if n >= 8 {
		base, n = 90, n-8
	}
	if bg {
		base += 10
	}
	return strconv.Itoa(base + n)
}
