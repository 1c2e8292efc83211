package frames

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
	"strconv"
	"strings"

	"github.com/charmbracelet/colorprofile"
	"github.com/mattn/go-sixel"

	"github.com/soratui/soratui/internal/inert"
)

// Protocol is how an image reaches the terminal.
type Protocol string

// The protocols Render speaks.
const (
	Auto      Protocol = "auto"      // the best one the terminal advertises
	HalfBlock Protocol = "halfblock" // coloured ▀ cells: every terminal
	Kitty     Protocol = "kitty"     // the kitty graphics protocol
	Sixel     Protocol = "sixel"     // DEC sixel graphics
)

// ParseProtocol reads auto, halfblock, kitty or sixel.
func ParseProtocol(s string) (Protocol, error) {
	switch p := Protocol(s); p {
	case Auto, HalfBlock, Kitty, Sixel:
		return p, nil
	}
	return "", fmt.Errorf("unknown protocol %q: use auto, halfblock, kitty or sixel", inert.Clip(s, 40))
}

// Default cell size in pixels, when the terminal does not say: sixel needs
// pixels, and most terminal fonts come close to this.
const (
	DefaultCellW = 10
	DefaultCellH = 20
)

// kittyChunk is the most base64 bytes one kitty escape carries.
const kittyChunk = 4096

// Canvas is where and how an image is drawn.
type Canvas struct {
	Cols, Rows int                  // the area in cells; Rows 0 follows the image's shape
	Profile    colorprofile.Profile // colours for half-blocks
	Protocol   Protocol             // HalfBlock, Kitty or Sixel (Auto means HalfBlock here)
	Tmux       bool                 // wrap graphics in tmux passthrough
	CellW      int                  // pixels per cell, for sixel; 0 means DefaultCellW
	CellH      int                  // 0 means DefaultCellH
}

// Render draws img on c. Half-blocks end without a newline; kitty and
// sixel output ends with one, leaving the cursor below the picture.
func Render(img image.Image, c Canvas) (string, error) {
	switch c.Protocol {
	case Kitty:
		return KittyImage(img, c.Cols, c.Rows, c.Tmux)
	case Sixel:
		return SixelImage(img, c)
	}
	return HalfBlocks(img, c.Cols, c.Rows, c.Profile), nil
}

// cellBox is how many cells img fills within cols×rows at its shape,
// taking a cell to be twice as tall as wide.
func cellBox(img image.Image, cols, rows int) (int, int) {
	b := img.Bounds()
	w, h := fitSize(b.Dx(), b.Dy(), cols, 2*rows, true)
	return w, (h + 1) / 2
}

// KittyImage sends img as PNG through the kitty graphics protocol, scaled
// by the terminal to the cells it fits in within cols×rows.
func KittyImage(img image.Image, cols, rows int, tmux bool) (string, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return "", fmt.Errorf("encoding the frame: %w", err)
	}
	data := base64.StdEncoding.EncodeToString(buf.Bytes())
	c, r := cellBox(img, cols, rows)
	var sb strings.Builder
	for first := true; first || data != ""; first = false {
		n := min(len(data), kittyChunk)
		more := 0
		if n < len(data) {
			more = 1
		}
		ctrl := "m=" + strconv.Itoa(more)
		if first {
			ctrl = "a=T,f=100,q=2,c=" + strconv.Itoa(c) + ",r=" + strconv.Itoa(r) + "," + ctrl
		}
		sb.WriteString(passthrough("\x1b_G"+ctrl+";"+data[:n]+"\x1b\\", tmux))
		data = data[n:]
	}
	sb.WriteByte('\n')
	return sb.String(), nil
}

// SixelImage draws img in sixel, scaled in pixels to the cells it fits in
// within c.Cols×c.Rows.
func SixelImage(img image.Image, c Canvas) (string, error) {
	cw, ch := c.CellW, c.CellH
	if cw <= 0 || ch <= 0 {
		cw, ch = DefaultCellW, DefaultCellH
	}
	maxH := 0
	if c.Rows > 0 {
		maxH = c.Rows * ch
	}
	scaled := Fit(img, c.Cols*cw, maxH, true)
	var buf bytes.Buffer
	enc := sixel.NewEncoder(&buf)
	enc.Dither = true
	if err := enc.Encode(scaled); err != nil {
		return "", fmt.Errorf("encoding the frame: %w", err)
	}
	return passthrough(buf.String(), c.Tmux) + "\n", nil
}

// passthrough wraps seq so tmux hands it to the outer terminal (tmux needs
// `set -g allow-passthrough on`); without tmux it is seq itself.
func passthrough(seq string, tmux bool) string {
	if !tmux {
		return seq
	}
	return "\x1bPtmux;" + strings.ReplaceAll(seq, "\x1b", "\x1b\x1b") + "\x1b\\"
}

// Detect picks the protocol the terminal advertises in the environment
// (TERM, TERM_PROGRAM and the variables terminals set), and whether output
// must pass through tmux to reach it. Terminals that say nothing get
// HalfBlock; Query asks the terminal itself.
func Detect(getenv func(string) string) (p Protocol, tmux bool) {
	term, prog := getenv("TERM"), getenv("TERM_PROGRAM")
	tmux = getenv("TMUX") != "" || prog == "tmux"
	switch {
	case getenv("KITTY_WINDOW_ID") != "", term == "xterm-kitty", term == "xterm-ghostty",
		prog == "ghostty", prog == "WezTerm", getenv("WEZTERM_EXECUTABLE") != "":
		return Kitty, tmux
	case prog == "iTerm.app", getenv("LC_TERMINAL") == "iTerm2", prog == "mintty",
		getenv("KONSOLE_VERSION") != "", strings.HasPrefix(term, "foot"),
		strings.HasPrefix(term, "mlterm"), strings.HasPrefix(term, "contour"), term == "yaft-256color":
		return Sixel, tmux
	}
	return HalfBlock, tmux
}
