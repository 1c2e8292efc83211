package ui

import (
	"context"
	"errors"
	"image"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/soratui/soratui/frames"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/internal/inert"
)

// Previewer takes frames of finished jobs' videos; *frames.Extractor is
// one. Calls run inside commands, never in Update or View.
type Previewer interface {
	Frame(ctx context.Context, j history.Job, k frames.Kind) (image.Image, error)
}

// paneGap is the blank columns between the frames of a compare group.
const paneGap = 2

// framePane shows the middle frame of one job, or of each member of a
// compare group side by side under its variant label, as half-blocks
// sized to the pane. Frames are drawn when they arrive or the size
// changes, so View only joins strings.
type framePane struct {
	w, h    int
	profile colorprofile.Profile
	seq     int // the latest show; older answers are dropped
	tiles   []frameTile
}

// frameTile is one job's place in the pane.
type frameTile struct {
	job   history.Job
	label string
	img   image.Image
	note  string // why there is no picture (yet)
	drawn []string
}

// frameLoadedMsg is a frame (or why there is none) for the pane's show
// number seq.
type frameLoadedMsg struct {
	seq int
	id  string // local job id
	img image.Image
	err error
}

func newFramePane(p colorprofile.Profile) framePane { return framePane{profile: p} }

// show sets the jobs to preview, with labels (nil for a single job), and
// returns the commands loading their frames in the background.
func (p *framePane) show(ctx context.Context, pv Previewer, js []history.Job, labels []string) tea.Cmd {
	p.seq++
	p.tiles = make([]frameTile, len(js))
	var cmds []tea.Cmd
	for i, j := range js {
		t := frameTile{job: j}
		if i < len(labels) {
			t.label = labels[i]
		}
		switch {
		case pv == nil:
			t.note = "previews are off"
		case j.Status != history.StatusFinished:
			t.note = "no video yet"
		default:
			t.note = "loading the frame…"
			cmds = append(cmds, loadFrame(ctx, pv, j, p.seq))
		}
		p.tiles[i] = t
	}
	p.redraw()
	return tea.Batch(cmds...)
}

// loadFrame takes the middle frame of j in a command.
func loadFrame(ctx context.Context, pv Previewer, j history.Job, seq int) tea.Cmd {
	return func() tea.Msg {
		img, err := pv.Frame(ctx, j, frames.Middle)
		return frameLoadedMsg{seq: seq, id: j.ID, img: img, err: err}
	}
}

// loaded puts an arrived frame in its tile; stale answers are dropped.
func (p *framePane) loaded(msg frameLoadedMsg) {
	if msg.seq != p.seq {
		return
	}
	for i := range p.tiles {
		t := &p.tiles[i]
		if t.job.ID != msg.id {
			continue
		}
		t.img, t.note = msg.img, ""
		if msg.err != nil {
			t.img, t.note = nil, frameNote(msg.err)
		}
		t.drawn = p.drawTile(*t)
	}
}

// frameNote says in a few words why a frame is missing.
func frameNote(err error) string {
	switch {
	case errors.Is(err, frames.ErrNoFFmpeg):
		return err.Error()
	case errors.Is(err, context.Canceled):
		return "preview stopped"
	}
	return "no preview: " + inert.Line(err.Error())
}

func (p *framePane) setSize(w, h int) {
	if w == p.w && h == p.h {
		return
	}
	p.w, p.h = w, h
	p.redraw()
}

func (p *framePane) setProfile(c colorprofile.Profile) {
	if c != p.profile {
		p.profile = c
		p.redraw()
	}
}

func (p *framePane) redraw() {
	for i := range p.tiles {
		p.tiles[i].drawn = p.drawTile(p.tiles[i])
	}
}

// tileSize is the cells each tile gets: the pane's width shared out, its
// height less the label line when there are labels.
func (p *framePane) tileSize() (w, h int) {
	n := max(len(p.tiles), 1)
	w = (p.w - paneGap*(n-1)) / n
	h = p.h
	if n > 1 {
		h--
	}
	return max(w, 0), max(h, 0)
}

// drawTile renders one tile into lines of exactly the tile's size.
func (p *framePane) drawTile(t frameTile) []string {
	w, h := p.tileSize()
	if w <= 0 || h <= 0 {
		return nil
	}
	var lines []string
	if len(p.tiles) > 1 {
		lines = append(lines, ansi.Truncate(t.label, w, "…"))
	}
	body := t.note
	if t.img != nil {
		body = frames.HalfBlocks(t.img, w, h, p.profile)
	}
	if body == frames.NoColorNote || t.img == nil {
		body = ansi.Wrap(body, w, " ")
	}
	for i, l := range strings.Split(body, "\n") {
		if i >= h {
			break
		}
		lines = append(lines, l)
	}
	// A note keeps the picture's place, so nothing jumps when it arrives.
	for len(lines) < h+min(len(p.tiles)-1, 1) {
		lines = append(lines, "")
	}
	for i, l := range lines {
		lines[i] = l + strings.Repeat(" ", max(w-ansi.StringWidth(l), 0))
	}
	return lines
}

// view joins the tiles side by side; it draws nothing itself.
func (p framePane) view() string {
	if len(p.tiles) == 0 || p.w <= 0 || p.h <= 0 {
		return ""
	}
	cols := make([]string, 0, 2*len(p.tiles))
	for i, t := range p.tiles {
		if i > 0 {
			cols = append(cols, strings.Repeat(" ", paneGap))
		}
		cols = append(cols, strings.Join(t.drawn, "\n"))
	}
	return lipgloss.JoinHorizontal(lipgloss.Top, cols...)
}
