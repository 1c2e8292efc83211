package download

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"

	"github.com/soratui/soratui/history"
)

// VideoURL returns the job's first video URL, or an error wrapping
// ErrNotFinished (the job has no result yet, or failed) or ErrNoVideo.
func VideoURL(j history.Job) (string, error) {
	if j.Status != history.StatusFinished {
		return "", fmt.Errorf("job %s is %s: %w", j.ID, j.Status, ErrNotFinished)
	}
	for _, u := range j.VideoURLs {
		if u != "" {
			return u, nil
		}
	}
	return "", fmt.Errorf("job %s: %w", j.ID, ErrNoVideo)
}

// Job downloads the video of the job that id names (a local id, a unique
// prefix or a task id; see history.Store.Find) to dest with a zero
// Downloader using client and progress. See Downloader.Job.
func Job(ctx context.Context, store *history.Store, client *http.Client, id, dest string, progress func(done, total int64)) (history.Job, error) {
	d := Downloader{Client: client, Progress: progress}
	return d.Job(ctx, store, id, dest)
}

// Job downloads the first video of the job that id names to dest (see
// Fetch) and records dest's absolute path as the job's local_path. It
// never calls the API and never changes the job's status. It applies
// Check first: a job that is not finished fails with ErrNotFinished, one
// without a video with ErrNoVideo, and nothing is fetched.
//
// On success the returned job carries the new path. On failure it is the
// job as the history has it, so its LocalPath (if any) is an older file,
// never proof of this download; a video saved but not recorded is a
// *UnrecordedError naming the new path.
func (d *Downloader) Job(ctx context.Context, store *history.Store, id, dest string) (history.Job, error) {
	j, err := store.Find(id)
	if err != nil {
		return j, err
	}
	if dest == "" {
		return j, errors.New("download: no destination file")
	}
	abs, err := filepath.Abs(dest)
	if err != nil {
		return j, fmt.Errorf("download: %w", err)
	}
	if err := Check(j, abs, d.Overwrite); err != nil {
		return j, err
	}
	url, _ := VideoURL(j) // Check accepted it
	if _, err := d.Fetch(ctx, url, abs); err != nil {
		return j, err
	}
	updated, err := store.Update(j.ID, func(j *history.Job) error {
		j.LocalPath = abs
		return nil
	})
	if err != nil {
		return j, &UnrecordedError{Path: abs, Err: err}
	}
	return updated, nil
}
