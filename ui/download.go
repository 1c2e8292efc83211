package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"

	"github.com/soratui/soratui/download"
	"github.com/soratui/soratui/history"
)

// downloadState is a download in progress or just ended: the detail
// screen's download pane.
type downloadState struct {
	id          string
	done, total int64
	finished    bool
	err         error
	bar         progress.Model
}

// Download messages, addressed to the detail screen. Progress comes
// through ch while the download command runs; the command's own result
// is the done message, so nothing is left sending after quit.
type (
	downloadProgressMsg struct {
		id          string
		done, total int64
		ch          <-chan downloadProgressMsg
		end         <-chan struct{}
	}
	downloadDoneMsg struct {
		id  string
		job history.Job
		err error
	}
)

func (downloadProgressMsg) owner() screenID { return detailID }
func (downloadDoneMsg) owner() screenID     { return detailID }

// downloadCmd saves a finished job's video under the videos folder; its
// progress reaches the detail screen's bar.
func (s *detailScreen) downloadCmd(j history.Job) tea.Cmd {
	if _, err := download.VideoURL(j); err != nil {
		return flash("Nothing to download yet: "+err.Error(), true)
	}
	b := s.sh.backend
	if b.VideosDir == "" || b.Download == nil {
		return flash("No videos folder is known; use 'soratui download "+j.ID+" -o PATH'.", true)
	}
	dest := download.DefaultPath(b.VideosDir, j)
	ctx, fetch := s.sh.ctx, b.Download
	ch, end := make(chan downloadProgressMsg, 1), make(chan struct{})
	run := func() tea.Msg {
		defer close(end)
		if j.LocalPath != "" {
			if _, err := os.Stat(j.LocalPath); err == nil {
				return flashMsg{text: "Already saved to " + j.LocalPath + " (o opens it)."}
			}
		}
		saved, err := fetch(ctx, j.ID, dest, func(done, total int64) {
			select {
			case ch <- downloadProgressMsg{id: j.ID, done: done, total: total, ch: ch, end: end}:
			default: // the screen is behind; the next report will do
			}
		})
		return downloadDoneMsg{id: j.ID, job: saved, err: err}
	}
	s.dl = &downloadState{id: j.ID, bar: progress.New(progress.WithoutPercentage())}
	return tea.Batch(run, waitProgress(ch, end))
}

// waitProgress reads the next progress report until the download ends.
func waitProgress(ch <-chan downloadProgressMsg, end <-chan struct{}) tea.Cmd {
	return func() tea.Msg {
		select {
		case p := <-ch:
			return p
		case <-end:
			return nil
		}
	}
}

func (s *detailScreen) downloadProgress(msg downloadProgressMsg) tea.Cmd {
	if dl := s.dl; dl != nil && dl.id == msg.id && !dl.finished {
		dl.done, dl.total = msg.done, msg.total
	}
	return waitProgress(msg.ch, msg.end)
}

func (s *detailScreen) downloadDone(msg downloadDoneMsg) tea.Cmd {
	if dl := s.dl; dl != nil && dl.id == msg.id {
		dl.finished, dl.err = true, msg.err
		if msg.err == nil {
			dl.done = dl.total
		}
	}
	if msg.err != nil {
		return flashErr(fmt.Errorf("download failed: %w", downloadReason(msg.err)))
	}
	s.refresh(msg.job)
	return tea.Batch(flash("Saved to "+msg.job.LocalPath, false), func() tea.Msg { return jobChangedMsg{job: msg.job} })
}

// downloadReason keeps the sentence a person needs from a download error.
func downloadReason(err error) error {
	switch {
	case errors.Is(err, download.ErrExpired):
		return download.ErrExpired
	case errors.Is(err, context.Canceled):
		return errors.New("cancelled")
	}
	return err
}

func (d *downloadState) view(st styles, w int) string {
	label := st.label.Render(fmt.Sprintf("%-10s", "Download")) + " "
	switch {
	case d.err != nil:
		return label + st.bad.Render(truncate(downloadReason(d.err).Error(), w-11))
	case d.finished:
		return label + st.good.Render("✓ saved")
	}
	pct := 0.0
	if d.total > 0 {
		pct = float64(d.done) / float64(d.total)
	}
	d.bar.SetWidth(max(10, min(40, w-34)))
	return label + d.bar.ViewAs(pct) + fmt.Sprintf(" %3.0f%% %s", pct*100, sizes(d.done, d.total))
}

func sizes(done, total int64) string {
	if total <= 0 {
		return mb(done)
	}
	return mb(done) + "/" + mb(total)
}

func mb(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KB", n>>10)
	}
	return strings.TrimSuffix(fmt.Sprintf("%.1f", float64(n)/(1<<20)), ".0") + " MB"
}
