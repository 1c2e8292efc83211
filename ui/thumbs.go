package ui

import (
	"context"
	"errors"
	"image"
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/soratui/soratui/frames"
	"github.com/soratui/soratui/history"
)

// thumbWidth is a thumbnail's columns: one row of half-blocks (4×2
// pixels) is about the 16:9 shape of a frame.
const thumbWidth = 4

// thumbColumn is History's optional column of tiny frames. It loads only
// rows in view, one frame at a time, and keeps each once drawn, so the
// list never waits for it and paging back costs nothing.
type thumbColumn struct {
	on      bool
	profile colorprofile.Profile
	drawn   map[string]string // task id → one drawn cell
	loading string            // task id of the frame being loaded
	note    string            // why thumbnails cannot show (no ffmpeg)
}

// thumbLoadedMsg is a thumbnail's frame (or why there is none).
type thumbLoadedMsg struct {
	taskID string
	img    image.Image
	err    error
}

func newThumbColumn(p colorprofile.Profile) thumbColumn {
	return thumbColumn{profile: p, drawn: map[string]string{}}
}

// toggle shows or hides the column; shown, it starts loading the rows in
// view.
func (c *thumbColumn) toggle(ctx context.Context, pv Previewer, visible []history.Job) tea.Cmd {
	c.on = !c.on
	return c.next(ctx, pv, visible)
}

// next loads the first row in view that has a video and no thumbnail yet,
// unless a load is under way or the column is hidden.
func (c *thumbColumn) next(ctx context.Context, pv Previewer, visible []history.Job) tea.Cmd {
	if !c.on || pv == nil || c.loading != "" || c.note != "" {
		return nil
	}
	for _, j := range visible {
		if _, ok := c.drawn[j.TaskID]; ok || j.Status != history.StatusFinished || j.TaskID == "" {
			continue
		}
		c.loading = j.TaskID
		return func() tea.Msg {
			img, err := pv.Frame(ctx, j, frames.Middle)
			return thumbLoadedMsg{taskID: j.TaskID, img: img, err: err}
		}
	}
	return nil
}

// loaded keeps an arrived thumbnail (a failed one stays blank) and loads
// the next row in view.
func (c *thumbColumn) loaded(ctx context.Context, pv Previewer, msg thumbLoadedMsg, visible []history.Job) tea.Cmd {
	if msg.taskID == c.loading {
		c.loading = ""
	}
	if errors.Is(msg.err, frames.ErrNoFFmpeg) {
		// Every other row would fail alike: say it once and stop.
		c.note = msg.err.Error()
		return nil
	}
	cell := ""
	if msg.err == nil && msg.img != nil && c.profile > colorprofile.ASCII {
		cell = frames.HalfBlocks(msg.img, thumbWidth, 1, c.profile)
	}
	c.drawn[msg.taskID] = cell + strings.Repeat(" ", max(thumbWidth-ansi.StringWidth(cell), 0))
	return c.next(ctx, pv, visible)
}

// cell is j's thumbnail, exactly thumbWidth columns: the frame, or blank
// while it loads or when there is none.
func (c thumbColumn) cell(j history.Job) string {
	if s, ok := c.drawn[j.TaskID]; ok && j.TaskID != "" {
		return s
	}
	return strings.Repeat(" ", thumbWidth)
}
