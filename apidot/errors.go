package apidot

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/soratui/soratui/internal/inert"
)

// Operations named in errors.
const (
	OpSubmit = "submit"
	OpStatus = "status"
)

// APIError is an answer from APIDot that says the call failed: a non-2xx
// HTTP status, or a body whose code is 400 or more (the body's code is
// authoritative, so HTTP 200 with code 500 is an error).
type APIError struct {
	Op         string        // OpSubmit or OpStatus
	HTTPStatus int           // the HTTP status line
	Code       int           // the body's code, else the HTTP status
	Type       string        // e.g. invalid_request, authentication_error
	Message    string        // the server's words
	RetryAfter time.Duration // from Retry-After; 0 when absent
}

func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "apidot %s: %d", e.Op, e.Code)
	if e.Type != "" {
		b.WriteString(" " + inert.Clip(e.Type, 80))
	} else if t := http.StatusText(e.Code); t != "" {
		b.WriteString(" " + strings.ToLower(t))
	}
	if e.Message != "" {
		b.WriteString(": " + inert.Line(e.Message))
	}
	return b.String()
}

// ErrMalformedTaskID is wrapped by a submit whose answer carries a task id that is not one
// (control characters, spaces, slashes, far too long): the task may exist, but it cannot be
// followed under that name.
var ErrMalformedTaskID = errors.New("the server answered a malformed task id")

// maxTaskID bounds a task id; APIDot's are about 30 characters.
const maxTaskID = 128

// ValidTaskID reports whether id looks like a task id: 1 to 128 ASCII letters, digits,
// '-', '_', '.' or ':'. Anything else in an answer or an argument is refused, never stored.
func ValidTaskID(id string) bool {
	if id == "" || len(id) > maxTaskID {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':') {
			return false
		}
	}
	return true
}

// modelGoneTypes are the error types servers use for a model they do not serve.
var modelGoneTypes = []string{"model_not_found", "model_not_available", "model_unavailable", "unsupported_model"}

// IsModelUnavailable reports a submit refused because the server does not serve the
// model now: an error typed model_not_found (or a sibling), or a 404 from the submit
// endpoint itself. Resellers answered so once OpenAI retired Sora 2 on its own API.
func IsModelUnavailable(err error) bool {
	a, ok := asAPI(err)
	if !ok || a.Op != OpSubmit {
		return false
	}
	return a.Code == http.StatusNotFound || slices.Contains(modelGoneTypes, strings.ToLower(a.Type))
}

// Retryable reports whether the same call may be sent again unchanged: a
// 429 always, and for status reads a timeout or a server error too. A
// submit that met a server error is ambiguous, never retryable.
func (e *APIError) Retryable() bool {
	switch {
	case e.Code == http.StatusTooManyRequests:
		return true
	case e.Op == OpStatus && (e.Code >= 500 || e.Code == http.StatusRequestTimeout):
		return true
	}
	return false
}

// TransportError is a call that got no usable answer: refused, dropped,
// timed out, or answered with a body that is not the API's JSON.
type TransportError struct {
	Op string
	// Sent is true when the request may have reached the server (a
	// connection was made): for a submit the task may then exist.
	Sent bool
	Err  error
}

func (e *TransportError) Error() string {
	if e.Sent {
		return fmt.Sprintf("apidot %s: no usable answer: %v", e.Op, e.Err)
	}
	return fmt.Sprintf("apidot %s: could not reach the server: %v", e.Op, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

func asAPI(err error) (*APIError, bool) {
	var a *APIError
	ok := errors.As(err, &a)
	return a, ok
}

func asTransport(err error) (*TransportError, bool) {
	var t *TransportError
	ok := errors.As(err, &t)
	return t, ok
}

// IsInvalid reports a request that must not be sent again unchanged: a
// local validation failure or the server's 400.
func IsInvalid(err error) bool {
	var v *ValidationError
	if errors.As(err, &v) {
		return true
	}
	a, ok := asAPI(err)
	return ok && (a.Code == http.StatusBadRequest || a.Code == http.StatusUnprocessableEntity)
}

// IsAuth reports a missing, expired or invalid key (401, or 403).
func IsAuth(err error) bool {
	a, ok := asAPI(err)
	return ok && (a.Code == http.StatusUnauthorized || a.Code == http.StatusForbidden)
}

// IsInsufficientCredits reports a balance that cannot cover the job (402).
func IsInsufficientCredits(err error) bool {
	a, ok := asAPI(err)
	return ok && a.Code == http.StatusPaymentRequired
}

// IsRateLimited reports a 429.
func IsRateLimited(err error) bool {
	a, ok := asAPI(err)
	return ok && a.Code == http.StatusTooManyRequests
}

// IsNotFound reports a 404, such as a status read for an unknown task.
func IsNotFound(err error) bool {
	a, ok := asAPI(err)
	return ok && a.Code == http.StatusNotFound
}

// IsTransient reports a failure a status read may retry after a pause: 429,
// 408, 5xx, or no usable answer.
func IsTransient(err error) bool {
	if a, ok := asAPI(err); ok {
		return a.Code == http.StatusTooManyRequests || a.Code == http.StatusRequestTimeout || a.Code >= 500
	}
	_, ok := asTransport(err)
	return ok
}

// IsAmbiguousSubmit reports a submit whose fate is unknown: the request may
// have reached the server (a 5xx, a 408, a timeout or a dropped connection
// after connecting, a garbled answer), so the task may exist and be billed.
// It must never be resubmitted automatically.
func IsAmbiguousSubmit(err error) bool {
	if a, ok := asAPI(err); ok {
		return a.Op == OpSubmit && (a.Code >= 500 || a.Code == http.StatusRequestTimeout)
	}
	t, ok := asTransport(err)
	return ok && t.Op == OpSubmit && t.Sent
}

// NotSent reports a failure that proves nothing was created: no connection
// was made (refused, DNS failure), or the server answered 429. Only these
// submits may be retried automatically.
func NotSent(err error) bool {
	if a, ok := asAPI(err); ok {
		return a.Code == http.StatusTooManyRequests
	}
	t, ok := asTransport(err)
	return ok && !t.Sent
}

// RetryAfter is the server's Retry-After for err, or 0.
func RetryAfter(err error) time.Duration {
	if a, ok := asAPI(err); ok {
		return a.RetryAfter
	}
	return 0
}

// parseRetryAfter reads delay-seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}
