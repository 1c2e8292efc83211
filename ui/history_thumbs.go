package ui

import (
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

func (thumbLoadedMsg) owner() screenID { return historyID }

// toggleThumbs is t: the thumbnail column on or off; on, it loads the
// rows in view.
func (h *historyScreen) toggleThumbs() tea.Cmd {
	return h.thumbs.toggle(h.sh.ctx, h.sh.backend.Frames, h.page)
}

// moreThumbs loads the next thumbnail of the page in view, if any.
func (h *historyScreen) moreThumbs() tea.Cmd {
	return h.thumbs.next(h.sh.ctx, h.sh.backend.Frames, h.page)
}

func (h *historyScreen) thumbLoaded(msg thumbLoadedMsg) tea.Cmd {
	return h.thumbs.loaded(h.sh.ctx, h.sh.backend.Frames, msg, h.page)
}

func (h *historyScreen) setThumbProfile(c colorprofile.Profile) {
	if c > colorprofile.ASCII {
		c = colorprofile.TrueColor
	}
	h.thumbs.profile = c
}

// rowWidth is what a job row gets of width w: all of it, or what the
// thumbnail column leaves.
func (h *historyScreen) rowWidth(w int) int {
	if !h.thumbs.on {
		return w
	}
	return w - thumbWidth - 1
}

// thumbRow puts cell, the row's thumbnail, before row when the column is on.
func (h *historyScreen) thumbRow(row, cell string) string {
	if !h.thumbs.on {
		return row
	}
	return cell + " " + row
}

// thumbNote is what the summary line says about thumbnails, if anything.
func (h *historyScreen) thumbNote() string {
	switch {
	case !h.thumbs.on:
		return ""
	case h.sh.backend.Frames == nil:
		return " · thumbnails are off"
	case h.thumbs.note != "":
		return " · " + ansi.Strip(h.thumbs.note)
	}
	return ""
}
