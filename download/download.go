// Package download saves finished videos to local files: it streams a
// result URL to disk without ever leaving a partial file under the final
// name, retries transient network failures of the transfer (never the
// generation: it makes no API call), names files after their jobs and
// records where each video went in the history.
package download

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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

// transfer is one Fetch: its attempts and what they wrote.
type transfer struct {
	d    *Downloader
	ctx  context.Context
	url  string
	file *os.File

	done      int64  // bytes in file
	total     int64  // expected size; -1 unknown
	resumable bool   // the server takes Range requests
	validator string // ETag or Last-Modified, for If-Range

	lastProgress time.Time
}

func (t *transfer) run() error {
	attempts := t.d.Attempts
	if attempts <= 0 {
		attempts = DefaultAttempts
	}
	wait := t.d.Backoff
	if wait <= 0 {
		wait = DefaultBackoff
	}
	for n := 1; ; n++ {
		err := t.attempt()
		if err == nil {
			t.report(true)
			return nil
		}
		if !isRetryable(err) || n == attempts {
			if n > 1 {
				return fmt.Errorf("download failed after %d attempts: %w", n, err)
			}
			return fmt.Errorf("download failed: %w", err)
		}
		pause := jitter(wait)
		var herr *retryAfter
		if errors.As(err, &herr) && herr.after > 0 {
			pause = min(herr.after, maxBackoff)
		}
		timer := time.NewTimer(pause)
		select {
		case <-t.ctx.Done():
			timer.Stop()
			return fmt.Errorf("download stopped: %w", t.ctx.Err())
		case <-timer.C:
		}
		wait = min(2*wait, maxBackoff)
	}
}

// jitter spreads d by ±20% so clients do not retry in step.
func jitter(d time.Duration) time.Duration {
	return d - d/5 + rand.N(2*d/5+1)
}

// retryAfter carries a server's Retry-After with a retryable answer.
type retryAfter struct {
	err   error
	after time.Duration
}

func (e *retryAfter) Error() string { return e.err.Error() }
func (e *retryAfter) Unwrap() error { return e.err }

// errStalled ends an attempt that received nothing for StallTimeout.
var errStalled = errors.New("no data arrived")

// attempt makes one request and appends what it receives to the file.
func (t *transfer) attempt() error {
	stall := t.d.StallTimeout
	if stall <= 0 {
		stall = DefaultStallTimeout
	}
	ctx, cancel := context.WithCancelCause(t.ctx)
	defer cancel(nil)
	timer := time.AfterFunc(stall, func() { cancel(errStalled) })
	defer timer.Stop()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, t.url, nil)
	if err != nil {
		return fmt.Errorf("bad result URL: %w", err)
	}
	resuming := t.done > 0 && t.resumable
	if resuming {
		req.Header.Set("Range", "bytes="+strconv.FormatInt(t.done, 10)+"-")
		if t.validator != "" {
			req.Header.Set("If-Range", t.validator)
		}
	}
	client := t.d.Client
	if client == nil {
		client = &http.Client{}
	}
	resp, err := client.Do(req)
	if err != nil {
		return t.networkError(ctx, err)
	}
	defer resp.Body.Close()

	switch {
	case resp.StatusCode == http.StatusPartialContent && resuming:
		start, total, ok := contentRange(resp.Header.Get("Content-Range"))
		if !ok || start != t.done || (t.total >= 0 && total >= 0 && total != t.total) {
			// Not the rest of the same file: start over.
			if err := t.restart(); err != nil {
				return err
			}
			return &retryable{errors.New("the server sent a different part of the file")}
		}
		if total >= 0 {
			t.total = total
		}
	case resp.StatusCode == http.StatusOK:
		if err := t.fresh(resp); err != nil {
			return err
		}
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable && resuming:
		if err := t.restart(); err != nil {
			return err
		}
		t.resumable = false
		return &retryable{errors.New("the server refused to resume")}
	default:
		herr := &HTTPError{StatusCode: resp.StatusCode, Status: resp.Status}
		if herr.Retryable() {
			return &retryable{&retryAfter{err: herr, after: parseRetryAfter(resp.Header.Get("Retry-After"))}}
		}
		return herr
	}

	body := bufio.NewReaderSize(resp.Body, 32<<10)
	if ct := resp.Header.Get("Content-Type"); t.done == 0 && !isVideo(ct, nil) {
		head, _ := body.Peek(16) // short bodies give what they have
		if !isVideo(ct, head) {
			return fmt.Errorf("%w (it answered %s)", ErrNotVideo, describeType(ct))
		}
	}
	t.report(false)
	return t.stream(ctx, body, timer, stall)
}

// stream appends the body to the file, stopping at the size limit.
func (t *transfer) stream(ctx context.Context, body io.Reader, timer *time.Timer, stall time.Duration) error {
	max := t.d.maxSize()
	buf := make([]byte, 32<<10)
	for {
		n, rerr := body.Read(buf)
		if n > 0 {
			timer.Reset(stall)
			if max > 0 && t.done+int64(n) > max {
				return fmt.Errorf("%w: more than %s arrived", ErrTooLarge, Size(max))
			}
			if _, err := t.file.Write(buf[:n]); err != nil {
				return fileError("writing the file", err)
			}
			t.done += int64(n)
			t.report(false)
		}
		if errors.Is(rerr, io.EOF) {
			break
		}
		if rerr != nil {
			return t.networkError(ctx, rerr)
		}
	}
	switch {
	case t.total >= 0 && t.done < t.total:
		return &retryable{fmt.Errorf("%w after %s of %s", ErrIncomplete, Size(t.done), Size(t.total))}
	case t.total >= 0 && t.done > t.total:
		return fmt.Errorf("the server sent %s, more than the %s it announced", Size(t.done), Size(t.total))
	case t.done == 0:
		return errors.New("the server sent an empty file")
	}
	return nil
}

// fresh starts the file over for a whole answer (200), refusing one whose announced size
// is over the limit, and notes whether it can be resumed.
func (t *transfer) fresh(resp *http.Response) error {
	if err := t.restart(); err != nil {
		return err
	}
	t.total = resp.ContentLength
	if max := t.d.maxSize(); max > 0 && t.total > max {
		return fmt.Errorf("%w: the server announced %s, the limit is %s", ErrTooLarge, Size(t.total), Size(max))
	}
	t.resumable = resp.Header.Get("Accept-Ranges") == "bytes"
	t.validator = strongETag(resp.Header.Get("ETag"))
	if t.validator == "" {
		t.validator = resp.Header.Get("Last-Modified")
	}
	return nil
}

// networkError classifies a failed request or body read: the caller's
// cancellation is final, everything else is worth another attempt.
func (t *transfer) networkError(ctx context.Context, err error) error {
	if t.ctx.Err() != nil {
		return t.ctx.Err()
	}
	// The URL may carry a signed token and says nothing new: keep the cause.
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	if errors.Is(context.Cause(ctx), errStalled) {
		return &retryable{fmt.Errorf("%w for %s", errStalled, t.d.stall())}
	}
	if t.done > 0 || t.total > 0 {
		what := Size(t.done).String()
		if t.total >= 0 {
			what += " of " + Size(t.total).String()
		}
		return &retryable{fmt.Errorf("%w after %s: %w", ErrIncomplete, what, err)}
	}
	return &retryable{fmt.Errorf("could not reach the file server: %w", err)}
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

// restart empties the file for a transfer from the first byte.
func (t *transfer) restart() error {
	if t.done == 0 {
		return nil
	}
	if err := t.file.Truncate(0); err != nil {
		return fileError("restarting the file", err)
	}
	if _, err := t.file.Seek(0, io.SeekStart); err != nil {
		return fileError("restarting the file", err)
	}
	t.done = 0
	return nil
}

// report calls Progress, at most every ProgressInterval unless final.
func (t *transfer) report(final bool) {
	if t.d.Progress == nil {
		return
	}
	every := t.d.ProgressInterval
	if every <= 0 {
		every = DefaultProgressInterval
	}
	now := time.Now()
	if !final && !t.lastProgress.IsZero() && now.Sub(t.lastProgress) < every {
		return
	}
	t.lastProgress = now
	total := t.total
	if final && total < 0 {
		total = t.done
	}
	t.d.Progress(t.done, total)
}

// contentRange parses "bytes START-END/TOTAL" (TOTAL may be "*": -1).
func contentRange(v string) (start, total int64, ok bool) {
	rest, found := strings.CutPrefix(v, "bytes ")
	if !found {
		return 0, 0, false
	}
	span, size, found := strings.Cut(rest, "/")
	if !found {
		return 0, 0, false
	}
	first, _, found := strings.Cut(span, "-")
	if !found {
		return 0, 0, false
	}
	start, err := strconv.ParseInt(first, 10, 64)
	if err != nil {
		return 0, 0, false
	}
	if size == "*" {
		return start, -1, true
	}
	total, err = strconv.ParseInt(size, 10, 64)
	if err != nil {
		return 0, 0, false
	}
	return start, total, true
}

// strongETag returns an ETag usable in If-Range (weak ones are not).
func strongETag(v string) string {
	if strings.HasPrefix(v, `"`) {
		return v
	}
	return ""
}

// parseRetryAfter reads a Retry-After in seconds or as an HTTP date.
func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if at, err := http.ParseTime(v); err == nil {
		return max(time.Until(at), 0)
	}
	return 0
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
