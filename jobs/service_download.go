package jobs

import (
	"context"
	"errors"
	"fmt"

	"github.com/soratui/soratui/download"
	"github.com/soratui/soratui/history"
)

// ErrDownloading means the job's video is already being downloaded by
// this service.
var ErrDownloading = errors.New("the video is already being downloaded")

// DownloadOptions says where a job's video goes.
type DownloadOptions struct {
	// Dest is the file or folder to save to, as download.Target reads
	// it; empty means the default path under the service's VideosDir.
	Dest string
	// Overwrite replaces an existing file at Dest; without it an
	// existing file is an error wrapping fs.ErrExist.
	Overwrite bool
	// MaxSize, when positive, replaces the Downloader's size limit.
	MaxSize int64
}

// ErrNoVideosDir means a download named no file and the service knows no
// Videos folder to put it in.
var ErrNoVideosDir = errors.New("no Videos folder is known: name the file to save to")

// Download saves the first video of the job that ref names (a local id, a
// unique prefix or a task id) by package download's rules
// (download.Target, download.Check, Downloader.Job), records where it
// went, and returns the updated job. Along the way it publishes
// DownloadProgress events, then DownloadFinished or DownloadFailed. What
// download.Check refuses (no video, a target that exists) and a second
// download of a job under way (ErrDownloading) fail at once, also as a
// DownloadFailed event; an unknown ref is only an error. It never changes
// the job's status and never calls the API.
func (s *Service) Download(ctx context.Context, ref string, o DownloadOptions) (history.Job, error) {
	j, dest, err := s.claimDownload(ref, o)
	if err != nil {
		if j.ID != "" {
			s.events.publish(Event{Kind: DownloadFailed, Job: j, Err: err})
		}
		return j, err
	}
	defer s.release(j.ID)
	return s.download(ctx, j, dest, o)
}

// StartDownload runs Download in the background, until it ends or the
// service is closed; its outcome arrives as events only. The checks that
// need no transfer (no video, no folder, a target that exists, already
// downloading, service closed) fail here, at once, with no event.
func (s *Service) StartDownload(ref string, o DownloadOptions) error {
	j, dest, err := s.claimDownload(ref, o)
	if err != nil {
		return err
	}
	if !s.startWork() {
		s.release(j.ID)
		return ErrClosed
	}
	go func() {
		defer s.wg.Done()
		defer s.release(j.ID)
		_, _ = s.download(s.ctx, j, dest, o)
	}()
	return nil
}

// claimDownload finds the job, checks it has a video and a destination,
// and marks it as downloading.
func (s *Service) claimDownload(ref string, o DownloadOptions) (history.Job, string, error) {
	j, err := s.store.Find(ref)
	if err != nil {
		return j, "", err
	}
	if _, err := download.VideoURL(j); err != nil {
		return j, "", err
	}
	if o.Dest == "" && s.videos == "" {
		return j, "", ErrNoVideosDir
	}
	dest, err := download.Target(s.videos, j, o.Dest)
	if err != nil {
		return j, "", err
	}
	if err := download.Check(j, dest, o.Overwrite); err != nil {
		return j, "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, busy := s.downloading[j.ID]; busy {
		return j, "", fmt.Errorf("job %s: %w", j.ID, ErrDownloading)
	}
	s.downloading[j.ID] = func() {}
	return j, dest, nil
}

// download transfers j's video to dest, publishing its progress and end.
func (s *Service) download(ctx context.Context, j history.Job, dest string, o DownloadOptions) (history.Job, error) {
	d := s.dl
	d.Overwrite = o.Overwrite
	if o.MaxSize > 0 {
		d.MaxSize = o.MaxSize
	}
	d.Progress = func(done, total int64) {
		s.events.publish(Event{Kind: DownloadProgress, Job: j, Done: done, Total: total})
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	s.mu.Lock()
	s.downloading[j.ID] = cancel
	s.mu.Unlock()
	saved, err := d.Job(ctx, s.store, j.ID, dest)
	if err != nil {
		// A job deleted meanwhile was reported gone; its download
		// stopped with it.
		if !s.isDeleted(j.ID) {
			s.events.publish(Event{Kind: DownloadFailed, Job: saved, Err: err})
		}
		return saved, err
	}
	s.events.publish(Event{Kind: DownloadFinished, Job: saved})
	return saved, nil
}

// Downloading reports whether the service is downloading the job's video.
func (s *Service) Downloading(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.downloading[id]
	return ok
}

func (s *Service) isDeleted(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.deleted[id]
}

func (s *Service) release(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.downloading, id)
}
