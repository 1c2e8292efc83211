package ui

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/soratui/soratui/internal/inert"
)

// member moves to the previous or next variant of the comparison group.
func (s *detailScreen) member(step int) tea.Cmd {
	n := len(s.group)
	for i, g := range s.group {
		if g.ID == s.job.ID && n > 1 {
			return s.show(s.group[(i+step+n)%n])
		}
	}
	return nil
}

func (s *detailScreen) copyURL() tea.Cmd {
	if len(s.job.VideoURLs) == 0 {
		return flash("Nothing to copy: the job has no result URL yet.", true)
	}
	u := s.job.VideoURLs[0]
	if err := inert.CheckURL(u); err != nil {
		return flash("Not copied: the result URL is untrusted ("+inert.Line(err.Error())+").", true)
	}
	return tea.Batch(tea.SetClipboard(u), flash("Copied the video URL to the clipboard (OSC 52).", false))
}

// open shows the saved video if there is one, else the result URL; only
// http(s) URLs are opened.
func (s *detailScreen) open() tea.Cmd {
	j := s.job
	if j.LocalPath != "" {
		return s.openFile(j.LocalPath)
	}
	target := ""
	if len(j.VideoURLs) > 0 {
		target = j.VideoURLs[0]
		if err := inert.CheckURL(target); err != nil {
			return flash("Not opened: the result URL is untrusted ("+inert.Line(err.Error())+").", true)
		}
	}
	if target == "" {
		return flash("Nothing to open yet: the job has no result.", true)
	}
	openURL := s.sh.cfg.OpenURL
	shown := inert.Line(target)
	return func() tea.Msg {
		if openURL == nil {
			return flashMsg{text: "No way to open files here; the result is at " + shown, bad: true}
		}
		if err := openURL(target); err != nil {
			return flashMsg{text: "Could not open a player or browser (" + inert.Line(err.Error()) + "); the result is at " + shown, bad: true}
		}
		return flashMsg{text: "Opened " + shown}
	}
}

// openFile opens a saved video: only a regular file at the absolute path
// the history recorded, never a link, a folder or a name the opener could
// read as an option.
func (s *detailScreen) openFile(path string) tea.Cmd {
	openURL, shown := s.sh.cfg.OpenURL, inert.Line(path)
	return func() tea.Msg {
		info, err := os.Lstat(path)
		switch {
		case !filepath.IsAbs(path):
			err = errors.New("the recorded path is not absolute")
		case err == nil && !info.Mode().IsRegular():
			err = errors.New("it is not a regular file")
		}
		if err != nil {
			return flashMsg{text: "Not opened: " + shown + ": " + inert.Line(err.Error()), bad: true}
		}
		if openURL == nil {
			return flashMsg{text: "No way to open files here; the video is at " + shown, bad: true}
		}
		if err := openURL(path); err != nil {
			return flashMsg{text: "Could not open a player (" + inert.Line(err.Error()) + "); the video is at " + shown, bad: true}
		}
		return flashMsg{text: "Opened " + shown}
	}
}

// confirm answers the delete question: y deletes through the job service,
// anything else keeps the job.
func (s *detailScreen) confirm(msg tea.KeyPressMsg) tea.Cmd {
	s.confirming = false
	if !key.Matches(msg, s.sh.km.Confirm) {
		return flash("Kept "+s.job.ID+".", false)
	}
	svc, id := s.sh.svc, s.job.ID
	if svc == nil {
		return flash("Not connected yet; try again in a moment.", true)
	}
	return func() tea.Msg {
		if _, err := svc.Delete(id); err != nil {
			return flashMsg{text: describeError(fmt.Errorf("deleting %s: %w", id, err)), bad: true}
		}
		return flashMsg{text: "Deleted " + id + " from the history."}
	}
}
