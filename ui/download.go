package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/soratui/soratui/download"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/internal/inert"
	"github.com/soratui/soratui/jobs"
)

// downloadState is a download in progress or just ended: the detail
// screen's download pane.
type downloadState struct {
	id          string
	done, total int64 // total is -1 when the server does not say
	finished    bool
	err         error
}

// downloadStartedMsg says whether the service took the download on; its
// progress and end arrive as job events.
type downloadStartedMsg struct {
	id  string
	err error
}

func (downloadStartedMsg) owner() screenID { return detailID }

// downloadCmd has the job service save a finished job's video under the
// videos folder; the pane follows its events.
func (s *detailScreen) downloadCmd(j history.Job) tea.Cmd {
	if _, err := download.VideoURL(j); err != nil {
		return flash("Nothing to download yet: "+err.Error(), true)
	}
	svc := s.sh.svc
	if svc == nil {
		return flash("Not connected to APIDot yet; try again in a moment.", true)
	}
	s.dl = &downloadState{id: j.ID}
	return func() tea.Msg {
		return downloadStartedMsg{id: j.ID, err: svc.StartDownload(j.ID, jobs.DownloadOptions{})}
	}
}

func (s *detailScreen) downloadStarted(msg downloadStartedMsg) tea.Cmd {
	if msg.err == nil {
		return nil
	}
	if dl := s.dl; dl != nil && dl.id == msg.id {
		dl.finished, dl.err = true, msg.err
	}
	if errors.Is(msg.err, jobs.ErrNoVideosDir) {
		return flash("No videos folder is known; use 'soratui download "+msg.id+" -o PATH'.", true)
	}
	return flashErr(fmt.Errorf("not downloaded: %w", downloadReason(msg.err)))
}

// downloadEvent moves the pane along with the service's download events.
func (s *detailScreen) downloadEvent(ev jobs.Event) tea.Cmd {
	dl := s.dl
	if dl == nil || dl.id != ev.Job.ID {
		if ev.Job.ID != s.job.ID || ev.Kind != jobs.DownloadProgress {
			return nil
		}
		dl = &downloadState{id: ev.Job.ID}
		s.dl = dl
	}
	switch ev.Kind {
	case jobs.DownloadProgress:
		dl.done, dl.total = ev.Done, ev.Total
	case jobs.DownloadFinished:
		dl.finished, dl.done = true, dl.total
		return flash("Saved to "+inert.Line(ev.Job.LocalPath), false)
	case jobs.DownloadFailed:
		dl.finished, dl.err = true, ev.Err
		return flashErr(fmt.Errorf("download failed: %w", downloadReason(ev.Err)))
	}
	return nil
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
	return label + bar(st, int(pct*100), max(10, min(40, w-34))) + fmt.Sprintf(" %3.0f%% %s", pct*100, sizes(d.done, d.total))
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
