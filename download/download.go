// Package download saves finished videos to local files: it streams a
// result URL to disk without ever leaving a partial file under the final
// name, retries transient network failures of the transfer (never the
// generation: it makes no API call), names files after their jobs and
// records where each video went in the history.
package download

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/soratui/soratui/internal/inert"
)

// Defaults of a zero Downloader.
const (
	DefaultAttempts         = 4
	DefaultBackoff          = 500 * time.Millisecond
	DefaultStallTimeout     = 30 * time.Second
	DefaultProgressInterval = 100 * time.Millisecond
)

// maxBackoff caps one wait between attempts, Retry-After included.
const maxBackoff = 15 * time.Second

// Downloader fetches result files. The zero value is ready to use: it
// uses a plain http.Client (result URLs need no API key, and none is
// sent), tries 4 times, and refuses to replace an existing file.
type Downloader struct {
	// Client makes the requests; nil means a new http.Client with the
	// default transport (proxy settings from the environment).
	Client *http.Client
	// Progress, when set, is called with the bytes written so far and the
	// total (-1 when the server does not say), at most every
	// ProgressInterval and once more when the file is complete. It is
	// called from the goroutine that called Fetch.
	Progress func(done, total int64)
	// ProgressInterval throttles Progress; 0 means 100 ms.
	ProgressInterval time.Duration
	// Attempts is how many times a transient failure (dropped connection,
	// stall, 408, 429, 5xx) is tried in all; 0 means 4.
	Attempts int
	// Backoff is the first wait between attempts, doubled after each;
	// 0 means 500 ms. A Retry-After answer wins, up to 15 s.
	Backoff time.Duration
	// StallTimeout ends an attempt that receives nothing for this long;
	// 0 means 30 s.
	StallTimeout time.Duration
	// Overwrite lets Fetch replace an existing regular file at dest.
	// Without it an existing file is an error wrapping fs.ErrExist. A
	// target that is not a regular file is refused either way.
	Overwrite bool
	// MaxSize stops a result larger than this many bytes, by its
	// Content-Length or while it streams; 0 means DefaultMaxSize and a
	// negative value means no limit.
	MaxSize int64
}

// Fetch downloads url to dest with a zero Downloader using client and
// progress (both may be nil). See Downloader.Fetch.
func Fetch(ctx context.Context, client *http.Client, url, dest string, progress func(done, total int64)) (int64, error) {
	d := Downloader{Client: client, Progress: progress}
	return d.Fetch(ctx, url, dest)
}

// Fetch downloads url to the file dest and returns its size. It creates
// dest's folder (0755), streams into a temporary file beside dest
// (".<name>.part-*"), syncs it, and moves it to dest (mode 0644) only once
// every byte has arrived and the count matches Content-Length when the
// server gave one. On any failure the temporary file is removed and dest
// is left as it was; partial files that a killed download left beside dest
// are removed first. Transient failures are retried with backoff, resuming
// with a Range request when the server supports it.
//
// Errors wrap ErrUntrustedURL (not an http or https URL: nothing is
// fetched), ErrNotRegular (dest is a folder, FIFO, socket or device),
// fs.ErrExist (dest exists and Overwrite is off), ErrNotVideo, ErrTooLarge,
// ErrExpired (403, 404, 410), ErrDiskFull, ErrIncomplete, a *HTTPError, or
// the cause from the network, the file system or ctx.
func (d *Downloader) Fetch(ctx context.Context, url, dest string) (int64, error) {
	if err := inert.CheckURL(url); err != nil {
		return 0, fmt.Errorf("download refused: %w", err)
	}
	if err := checkDest(dest, d.Overwrite); err != nil {
		return 0, err
	}
	dir, name := filepath.Split(dest)
	if dir == "" {
		dir = "."
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, fileError("creating the folder", err)
	}
	removeStale(dir, name)
	tmp, err := createPartial(dir, name)
	if err != nil {
		return 0, fileError("creating the file", err)
	}
	placed := false
	defer func() {
		if !placed {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()

	t := transfer{d: d, ctx: ctx, url: url, file: tmp, total: -1}
	if err := t.run(); err != nil {
		return 0, err
	}
	if err := tmp.Chmod(0o644); err != nil {
		return 0, fileError("saving the file", err)
	}
	if err := tmp.Sync(); err != nil {
		return 0, fileError("saving the file", err)
	}
	if err := tmp.Close(); err != nil {
		return 0, fileError("saving the file", err)
	}
	if err := checkDest(dest, d.Overwrite); err != nil {
		return 0, err // something else appeared at dest meanwhile
	}
	if err := place(tmp.Name(), dest, d.Overwrite); err != nil {
		return 0, err
	}
	placed = true
	syncDir(dir)
	return t.done, nil
}

// place moves the complete temporary file to dest. Without overwrite it
// links rather than renames, so a file that appeared at dest meanwhile is
// never replaced; file systems without hard links get a check, then a
// rename.
func place(tmp, dest string, overwrite bool) error {
	if !overwrite {
		err := os.Link(tmp, dest)
		if err == nil {
			os.Remove(tmp)
			return nil
		}
		if _, serr := os.Lstat(dest); serr == nil {
			return existsError(dest)
		}
	}
	if err := os.Rename(tmp, dest); err != nil {
		return fileError("saving the file", err)
	}
	return nil
}

// syncDir makes the new directory entry durable where the OS allows it.
func syncDir(dir string) {
	if f, err := os.Open(dir); err == nil {
		f.Sync()
		f.Close()
	}
}

// maxSize is the size limit in bytes; 0 means none.
func (d *Downloader) maxSize() int64 {
	switch {
	case d.MaxSize == 0:
		return DefaultMaxSize
	case d.MaxSize < 0:
		return 0
	}
	return d.MaxSize
}

// describeType names a Content-Type for a person, inert since the server chose it.
func describeType(ct string) string {
	if ct == "" {
		return "no content type"
	}
	return inert.Clip(ct, 60)
}

func (d *Downloader) stall() time.Duration {
	if d.StallTimeout <= 0 {
		return DefaultStallTimeout
	}
	return d.StallTimeout
}

// Size is a byte count that prints for a person: "34.9 KB", "2.6 MB".
type Size int64

func (s Size) String() string {
	const unit = 1000
	if s < unit {
		return fmt.Sprintf("%d B", int64(s))
	}
	v, i := float64(s)/unit, 0
	for v >= unit && i < 3 {
		v /= unit
		i++
	}
	return fmt.Sprintf("%.1f %cB", v, "KMGT"[i])
}
