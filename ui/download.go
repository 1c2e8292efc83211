package ui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"charm.land/bubbles/v2/progress"
	tea "charm.land/bubbletea/v2"

	"github.com/soratui/soratui/download"
	"github.com/soratui/soratui/history"
)

// downloadState is a download in progress or just ended, shown in detail.
type downloadState struct {
	id          string
	dest        string
	done, total int64
	finished    bool
	err         error
	bar         progress.Model
}

// Download messages: each carries the channel the next one comes from.
type (
	downloadProgressMsg struct {
		id          string
		done, total int64
		ch          chan tea.Msg
	}
	downloadDoneMsg struct {
		id  string
		job history.Job
		err error
	}
)

// download saves a finished job's video under the videos folder, with a
// progress bar in the detail screen.
func (m Model) download(j history.Job) tea.Cmd {
	if _, err := download.VideoURL(j); err != nil {
		return func() tea.Msg { return flashMsg{text: "Nothing to download yet: " + err.Error(), bad: true} }
	}
	if j.LocalPath != "" {
		if _, err := os.Stat(j.LocalPath); err == nil {
			return func() tea.Msg { return flashMsg{text: "Already saved to " + j.LocalPath + " (o opens it)."} }
		}
	}
	dir := m.backend.VideosDir
	if dir == "" {
		return func() tea.Msg {
			return flashMsg{text: "No videos folder is known; use 'soratui download " + j.ID + " -o PATH'.", bad: true}
		}
	}
	dest := download.DefaultPath(dir, j)
	store, client, ctx := m.backend.Store, m.backend.HTTP, m.ctx
	if client == nil {
		client = http.DefaultClient
	}
	ch := make(chan tea.Msg, 1)
	go func() {
		last := time.Time{}
		d := download.Downloader{Client: client, Progress: func(done, total int64) {
			if now := time.Now(); now.Sub(last) >= 100*time.Millisecond || done == total {
				last = now
				select {
				case ch <- downloadProgressMsg{id: j.ID, done: done, total: total, ch: ch}:
				default: // the screen is behind; the next update will do
				}
			}
		}}
		saved, err := d.Job(ctx, store, j.ID, dest)
		ch <- downloadDoneMsg{id: j.ID, job: saved, err: err}
	}()
	return tea.Batch(
		func() tea.Msg { return downloadProgressMsg{id: j.ID, ch: ch} },
	)
}

func waitDownload(ch chan tea.Msg) tea.Cmd {
	return func() tea.Msg { return <-ch }
}

func (m Model) handleDownloadProgress(msg downloadProgressMsg) (tea.Model, tea.Cmd) {
	if m.detail.dl == nil || m.detail.dl.id != msg.id {
		if m.detail.job.ID == msg.id {
			m.detail.dl = &downloadState{id: msg.id, bar: progress.New(progress.WithoutPercentage())}
		}
	}
	if dl := m.detail.dl; dl != nil && dl.id == msg.id {
		dl.done, dl.total = msg.done, msg.total
	}
	return m, waitDownload(msg.ch)
}

func (m Model) handleDownloadDone(msg downloadDoneMsg) (tea.Model, tea.Cmd) {
	if dl := m.detail.dl; dl != nil && dl.id == msg.id {
		dl.finished, dl.err = true, msg.err
		if msg.err == nil {
			dl.done = dl.total
		}
	}
	if msg.err != nil {
		return m.flashError(fmt.Errorf("download failed: %w", downloadReason(msg.err)))
	}
	m.list.upsert(msg.job)
	m.detail.refresh(msg.job)
	m.flash, m.flashBad, m.flashAt = "Saved to "+msg.job.LocalPath, false, m.now()
	return m, nil
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
