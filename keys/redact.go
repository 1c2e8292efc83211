package keys

import "strings"

// redact keeps err's chain but hides secret should the error text repeat
// it (a D-Bus error echoing a request, say): a key never enters an error.
func redact(err error, secret string) error {
	if err == nil || secret == "" || !strings.Contains(err.Error(), secret) {
		return err
	}
	return &redacted{err: err, secret: secret}
}

type redacted struct {
	err    error
	secret string
}

func (r *redacted) Error() string {
	return strings.ReplaceAll(r.err.Error(), r.secret, Mask(r.secret))
}

func (r *redacted) Unwrap() error { return r.err }
