package inert

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// ErrUntrustedURL is wrapped by every CheckURL refusal, so callers test with errors.Is and
// word the refusal at their own edge.
var ErrUntrustedURL = errors.New("untrusted URL")

// MaxURLLen bounds an accepted URL; longer ones are refused rather than passed to a browser.
const MaxURLLen = 8192

// CheckURL returns nil only for an absolute http or https URL with a host and no control
// characters or spaces; anything else (file:, javascript:, data:, schemeless, a leading "-"
// that an opener would read as a flag) returns an error wrapping ErrUntrustedURL that says why.
func CheckURL(raw string) error {
	switch {
	case raw == "":
		return fmt.Errorf("%w: empty", ErrUntrustedURL)
	case len(raw) > MaxURLLen:
		return fmt.Errorf("%w: longer than %d bytes", ErrUntrustedURL, MaxURLLen)
	case strings.HasPrefix(raw, "-"):
		return fmt.Errorf("%w: starts with '-'", ErrUntrustedURL)
	}
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c <= ' ' || c == 0x7f || c >= 0x80 {
			return fmt.Errorf("%w: contains a control, space or non-ASCII byte", ErrUntrustedURL)
		}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("%w: not a valid URL", ErrUntrustedURL)
	}
	if s := strings.ToLower(u.Scheme); s != "http" && s != "https" {
		if u.Scheme == "" {
			return fmt.Errorf("%w: no scheme (only http and https are used)", ErrUntrustedURL)
		}
		return fmt.Errorf("%w: scheme %q (only http and https are used)", ErrUntrustedURL, Line(u.Scheme))
	}
	if u.Host == "" || u.Opaque != "" {
		return fmt.Errorf("%w: no host", ErrUntrustedURL)
	}
	return nil
}

// URL returns raw for human output: the sanitized URL when CheckURL accepts it, otherwise the
// sanitized text marked "(untrusted, not opened)" so a reader never mistakes it for a link;
// "" stays "".
func URL(raw string) string {
	if raw == "" {
		return ""
	}
	if CheckURL(raw) != nil {
		return Clip(raw, 200) + " (untrusted, not opened)"
	}
	return raw
}
