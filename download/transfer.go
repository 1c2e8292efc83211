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
	"strconv"
	"strings"
	"time"
)

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
