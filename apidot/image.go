package apidot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"
	"time"
)

// ImageCheckTimeout bounds the whole check of a guiding image URL.
const ImageCheckTimeout = 5 * time.Second

// maxImageRedirects is how many redirects the check follows.
const maxImageRedirects = 5

// ImageError says why a guiding image URL cannot be used.
type ImageError struct {
	URL    string
	Reason string
	Err    error
}

func (e *ImageError) Error() string { return "image URL " + e.URL + ": " + e.Reason }
func (e *ImageError) Unwrap() error { return e.Err }

// CheckImage confirms that rawURL is an http(s) URL that answers 2xx with
// an image content type: HEAD first, then a one-byte ranged GET for
// servers that refuse HEAD. It follows at most five redirects and gives up
// after ImageCheckTimeout. hc may be nil.
func CheckImage(ctx context.Context, hc *http.Client, rawURL string) error {
	if reason := checkHTTPURL(rawURL); reason != "" {
		return &ImageError{URL: rawURL, Reason: reason}
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	client := *hc
	client.Timeout = 0
	client.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) > maxImageRedirects {
			return fmt.Errorf("more than %d redirects", maxImageRedirects)
		}
		if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
			return fmt.Errorf("redirected to a %s URL", req.URL.Scheme)
		}
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, ImageCheckTimeout)
	defer cancel()

	ctype, status, err := probeImage(ctx, &client, http.MethodHead, rawURL)
	if err == nil && (status < 200 || status > 299 || ctype == "") {
		ctype, status, err = probeImage(ctx, &client, http.MethodGet, rawURL)
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return &ImageError{URL: rawURL, Reason: fmt.Sprintf("no answer within %s", ImageCheckTimeout), Err: err}
	case err != nil:
		return &ImageError{URL: rawURL, Reason: "unreachable: " + scrub(err).Error(), Err: err}
	case status < 200 || status > 299:
		return &ImageError{URL: rawURL, Reason: fmt.Sprintf("the server answered %d %s", status, http.StatusText(status))}
	}
	mt, _, perr := mime.ParseMediaType(ctype)
	if perr != nil || !strings.HasPrefix(mt, "image/") {
		if ctype == "" {
			ctype = "no content type"
		}
		return &ImageError{URL: rawURL, Reason: fmt.Sprintf("not an image (%s)", ctype)}
	}
	return nil
}

func probeImage(ctx context.Context, hc *http.Client, method, u string) (ctype string, status int, err error) {
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return "", 0, err
	}
	if method == http.MethodGet {
		req.Header.Set("Range", "bytes=0-0")
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.Header.Get("Content-Type"), resp.StatusCode, nil
}
