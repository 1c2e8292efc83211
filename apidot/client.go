package apidot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/soratui/soratui/internal/inert"
)

// DefaultBaseURL is APIDot's API.
const DefaultBaseURL = "https://api.apidot.ai"

// DefaultTimeout bounds one request when the caller's context does not.
const DefaultTimeout = 30 * time.Second

// maxBody caps how much of an answer is read: the API's answers are small.
const maxBody = 1 << 20

// Client calls the API with one key. Its zero value is not usable; build
// it with NewClient. It is safe for concurrent use.
type Client struct {
	baseURL   string
	key       secret
	http      *http.Client
	userAgent string
	timeout   time.Duration
	now       func() time.Time
}

// Option configures a Client.
type Option func(*Client)

// WithBaseURL points the client at another server, such as the simulator.
func WithBaseURL(u string) Option {
	return func(c *Client) { c.baseURL = strings.TrimRight(u, "/") }
}

// WithHTTPClient sets the HTTP client (its Timeout should be zero: the
// client bounds each request itself).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.http = h } }

// WithUserAgent sets the User-Agent, e.g. "soratui/1.2.3".
func WithUserAgent(ua string) Option { return func(c *Client) { c.userAgent = ua } }

// WithTimeout bounds each request.
func WithTimeout(d time.Duration) Option { return func(c *Client) { c.timeout = d } }

// NewClient returns a client that authenticates with key.
func NewClient(key string, opts ...Option) *Client {
	c := &Client{
		baseURL:   DefaultBaseURL,
		key:       secret(key),
		http:      http.DefaultClient,
		userAgent: "soratui/dev",
		timeout:   DefaultTimeout,
		now:       time.Now,
	}
	for _, o := range opts {
		o(c)
	}
	return c
}

// BaseURL is the server the client talks to.
func (c *Client) BaseURL() string { return c.baseURL }

// String describes the client without its key.
func (c Client) String() string {
	return fmt.Sprintf("apidot.Client{base: %s, key: %s}", c.baseURL, c.key)
}

// GoString keeps %#v from printing the key.
func (c Client) GoString() string { return c.String() }

// Format keeps every verb (%v, %+v, %#v, %s) from printing the key.
func (c Client) Format(f fmt.State, _ rune) { io.WriteString(f, c.String()) }

// secret holds the key; every way of printing it prints a placeholder, so
// a struct that contains it can be printed whole without leaking it.
type secret string

func (s secret) String() string {
	if s == "" {
		return "none"
	}
	return "set"
}

// GoString keeps %#v from printing the key.
func (s secret) GoString() string { return s.String() }

// Format keeps every verb from printing the key.
func (s secret) Format(f fmt.State, _ rune) { io.WriteString(f, s.String()) }

// MarshalText keeps encoders from writing the key.
func (s secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Submit validates r and sends it. On success the task has its id. A
// failure is a *ValidationError (nothing sent), an *APIError, or a
// *TransportError; see IsAmbiguousSubmit and NotSent.
func (c *Client) Submit(ctx context.Context, r Request) (Task, error) {
	if err := r.Validate(); err != nil {
		return Task{}, err
	}
	body, err := json.Marshal(r.body())
	if err != nil {
		return Task{}, fmt.Errorf("apidot submit: encode: %w", err)
	}
	t, err := c.do(ctx, OpSubmit, http.MethodPost, "/api/generate/submit", body)
	if err != nil {
		return Task{}, err
	}
	if t.ID == "" {
		return Task{}, &TransportError{Op: OpSubmit, Sent: true, Err: errors.New("the answer has no task_id")}
	}
	if !ValidTaskID(t.ID) {
		return Task{}, &TransportError{Op: OpSubmit, Sent: true,
			Err: fmt.Errorf("%w: %q", ErrMalformedTaskID, inert.Clip(t.ID, 80))}
	}
	return t, nil
}

// Status reads a task.
func (c *Client) Status(ctx context.Context, taskID string) (Task, error) {
	if strings.TrimSpace(taskID) == "" {
		return Task{}, errors.New("apidot status: empty task id")
	}
	t, err := c.do(ctx, OpStatus, http.MethodGet, "/api/generate/status/"+url.PathEscape(taskID), nil)
	if err != nil {
		return Task{}, err
	}
	t.ID = taskID // the id asked for, whatever the answer names
	return t, nil
}

func (c *Client) do(ctx context.Context, op, method, path string, body []byte) (Task, error) {
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	var connected atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { connected.Store(true) },
	})
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.baseURL+path, rd)
	if err != nil {
		return Task{}, fmt.Errorf("apidot %s: %w", op, err)
	}
	req.Header.Set("Authorization", "Bearer "+string(c.key))
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}

	resp, err := c.http.Do(req)
	if err != nil {
		return Task{}, &TransportError{Op: op, Sent: connected.Load(), Err: scrub(err)}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return Task{}, &TransportError{Op: op, Sent: true, Err: scrub(err)}
	}
	return c.decode(op, resp, raw)
}

// decode turns an answer into a task or an error; the body's code wins
// over the HTTP status.
func (c *Client) decode(op string, resp *http.Response, raw []byte) (Task, error) {
	var env envelope
	jsonErr := json.Unmarshal(raw, &env)
	ok2xx := resp.StatusCode >= 200 && resp.StatusCode < 300
	if jsonErr == nil && ok2xx && (env.Code == 0 || (env.Code >= 200 && env.Code < 300)) {
		if env.Data == nil {
			return Task{}, &TransportError{Op: op, Sent: true, Err: errors.New("the answer has no data")}
		}
		return env.Data.task(), nil
	}
	if jsonErr != nil && ok2xx {
		return Task{}, &TransportError{Op: op, Sent: true, Err: fmt.Errorf("the answer is not JSON: %w", jsonErr)}
	}
	e := &APIError{
		Op:         op,
		HTTPStatus: resp.StatusCode,
		Code:       resp.StatusCode,
		RetryAfter: parseRetryAfter(resp.Header.Get("Retry-After"), c.now()),
	}
	if jsonErr == nil {
		if env.Code >= 400 {
			e.Code = env.Code
		}
		e.Type, e.Message = env.errorDetail()
	}
	e.Message = clip(e.Message, 300)
	return Task{}, e
}

// scrub keeps the error chain (timeouts, refusals) but drops the URL the
// net/http error repeats, which is noise in a message.
func scrub(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
