package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/soratui/soratui/history"
)

// Detail shows its picture by default from this body size up (an 80×24
// terminal's body); smaller bodies show it only when p asks.
const (
	previewMinW = 80
	previewMinH = 24 - headerHeight - footerHeight
	previewMaxH = 14 // rows of the picture at the most
)

func (frameLoadedMsg) owner() screenID { return detailID }

// detailPreview is Detail's picture: the middle frame of the job, or the
// frames of its compare group side by side under their variant labels,
// above the metadata.
type detailPreview struct {
	pane    framePane
	toggled bool   // p flips the default for the size
	shown   string // the jobs the pane was last given, to load them once
	w, h    int
}

func newDetailPreview() detailPreview {
	return detailPreview{pane: newFramePane(colorprofile.TrueColor)}
}

// visible is the size's default, flipped by p.
func (p *detailPreview) visible() bool {
	big := p.w >= previewMinW && p.h >= previewMinH
	return big != p.toggled
}

// paneSize is the picture's area: a single frame takes two fifths of the
// width beside the metadata (as high as a 16:9 frame of that width), a
// group's frames the whole width above it; either at most half the body
// high.
func (p *detailPreview) paneSize() (w, h int) {
	h = min(previewMaxH, max(p.h/2, 4))
	if len(p.pane.tiles) > 1 {
		return p.w, h
	}
	w = max(p.w*2/5, 16)
	return w, min(h, (w*9+31)/32)
}

func (p *detailPreview) setSize(w, h int) {
	p.w, p.h = w, h
	p.pane.setSize(p.paneSize())
}

// setProfile turns the picture into a note when no colour reaches the
// terminal; the renderer downsamples 24-bit colour to what it has.
func (p *detailPreview) setProfile(c colorprofile.Profile) {
	if c > colorprofile.ASCII {
		c = colorprofile.TrueColor
	}
	p.pane.setProfile(c)
}

// previewSubjects are the jobs to picture: the group's members side by
// side, or the job alone.
func (s *detailScreen) previewSubjects() ([]history.Job, []string) {
	if len(s.group) > 1 {
		labels := make([]string, len(s.group))
		for i, g := range s.group {
			labels[i] = jobVariant(g)
		}
		return s.group, labels
	}
	return []history.Job{s.job}, nil
}

// previewCmd gives the pane the jobs on show when it is visible and has
// something finished to picture; each set of jobs is loaded once.
func (s *detailScreen) previewCmd() tea.Cmd {
	p := &s.preview
	js, labels := s.previewSubjects()
	ids := make([]string, 0, len(js))
	finished := false
	for _, j := range js {
		ids = append(ids, j.ID+":"+string(j.Status))
		finished = finished || j.Status == history.StatusFinished
	}
	key := strings.Join(ids, ",")
	if s.sh.backend.Frames == nil {
		return nil // previews are off: no pane at all
	}
	if s.job.GroupID != "" && s.group == nil {
		return nil // the group is on its way: picture it whole
	}
	if !p.visible() || !finished || key == p.shown {
		return nil
	}
	p.shown = key
	cmd := p.pane.show(s.sh.ctx, s.sh.backend.Frames, js, labels)
	p.pane.setSize(p.paneSize())
	return cmd
}

// togglePreview is p: show or hide the picture.
func (s *detailScreen) togglePreview() tea.Cmd {
	s.preview.toggled = !s.preview.toggled
	return s.previewCmd()
}

// withPreview lays the picture out with the detail's lines: a single
// frame beside the first of them, a group's frames above them all.
func (s *detailScreen) withPreview(lines []string) []string {
	p := &s.preview
	if !p.visible() || p.shown == "" {
		return lines
	}
	v := p.pane.view()
	if v == "" {
		return lines
	}
	pic := strings.Split(v, "\n")
	if len(p.pane.tiles) > 1 {
		return append(append(pic, ""), lines...)
	}
	pw, _ := p.paneSize()
	rest := max(s.width-pw-paneGap, 0)
	out := make([]string, 0, len(lines)+len(pic))
	for i, l := range pic {
		if i < len(lines) {
			l += strings.Repeat(" ", paneGap) + ansi.Truncate(lines[i], rest, "…")
		}
		out = append(out, l)
	}
	if len(lines) > len(pic) {
		out = append(out, lines[len(pic):]...)
	}
	return out
}
