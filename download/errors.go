package download

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"syscall"

	"github.com/soratui/soratui/internal/inert"
)

// Sentinels returned (wrapped) by this package; test them with errors.Is.
var (
	// ErrExpired means the result URL answered 403, 404 or 410: the link
	// has expired or the file is gone. Trying again will not help.
	ErrExpired = errors.New("the result link has expired or is gone; APIDot result links last about a day")
	// ErrDiskFull means the video could not be written for lack of space.
	ErrDiskFull = errors.New("the disk is full")
	// ErrNotFinished means the job has no result yet, or never will (it
	// failed or was rejected).
	ErrNotFinished = errors.New("the job is not finished")
	// ErrNoVideo means a finished job lists no video URL.
	ErrNoVideo = errors.New("the job lists no video")
	// ErrIncomplete means the connection ended before the whole video
	// arrived (the body was shorter than its Content-Length).
	ErrIncomplete = errors.New("the download was cut off")
	// ErrNotRegular means the target exists and is not a regular file (a folder, FIFO,
	// socket or device); it is refused even when overwriting is allowed.
	ErrNotRegular = errors.New("not a regular file")
	// ErrAlreadySaved means the target is the file the history already records for the job.
	ErrAlreadySaved = errors.New("the video is already saved there")
	// ErrNotVideo means the server answered something other than a video (an HTML or
	// JSON page, say); nothing was saved.
	ErrNotVideo = errors.New("the server did not send a video")
	// ErrTooLarge means the video is larger than the Downloader's MaxSize; nothing was saved.
	ErrTooLarge = errors.New("the video is larger than the size limit")
	// ErrUntrustedURL means the result URL is not an absolute http or https URL; it is never
	// fetched. It is inert.ErrUntrustedURL, so either name matches.
	ErrUntrustedURL = inert.ErrUntrustedURL
)

// HTTPError is an answer of the file server other than the video.
type HTTPError struct {
	StatusCode int
	Status     string // e.g. "503 Service Unavailable"
}

func (e *HTTPError) Error() string {
	if e.expired() {
		return fmt.Sprintf("%s (the server answered %s)", ErrExpired, e.Status)
	}
	return "the file server answered " + e.Status
}

// Unwrap makes errors.Is(err, ErrExpired) true for 403, 404 and 410.
func (e *HTTPError) Unwrap() error {
	if e.expired() {
		return ErrExpired
	}
	return nil
}

// Retryable reports an answer that may differ on the next try: a timeout,
// a rate limit or a server error.
func (e *HTTPError) Retryable() bool {
	switch e.StatusCode {
	case http.StatusRequestTimeout, http.StatusTooEarly, http.StatusTooManyRequests:
		return true
	}
	return e.StatusCode >= 500
}

func (e *HTTPError) expired() bool {
	switch e.StatusCode {
	case http.StatusForbidden, http.StatusNotFound, http.StatusGone:
		return true
	}
	return false
}

// retryable marks a failure worth another attempt: a dropped connection,
// a stalled transfer, a 5xx.
type retryable struct{ err error }

func (e *retryable) Error() string { return e.err.Error() }
func (e *retryable) Unwrap() error { return e.err }

func isRetryable(err error) bool {
	var r *retryable
	return errors.As(err, &r)
}

// fileError classifies a local file failure: a full disk (or quota) wraps
// ErrDiskFull as well as the cause.
func fileError(what string, err error) error {
	if errors.Is(err, syscall.ENOSPC) {
		return fmt.Errorf("%s: %w: %w", what, ErrDiskFull, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// existsError reports a destination that is already there.
func existsError(dest string) error {
	return &fs.PathError{Op: "save", Path: dest, Err: fs.ErrExist}
}
