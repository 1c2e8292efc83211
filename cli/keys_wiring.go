package cli

import (
	"context"
	"errors"
	"os"
	"time"

	"golang.org/x/term"

	"github.com/soratui/soratui/keys"
)

// keyring is where the API key is stored: Env.Keyring when a test sets one,
// else the OS keyring. Every call is bounded by keyringTimeout.
func (a *app) keyring() keys.Keyring {
	if a.env.Keyring != nil {
		return keys.WithTimeout(a.env.Keyring, a.keyringTimeout())
	}
	return keys.NewOSKeyring(a.keyringTimeout())
}

// keyringTimeout is SORATUI_KEYRING_TIMEOUT (a duration up to a minute),
// for a keyring slower than usual or a test of a hung one, else
// keys.DefaultTimeout.
func (a *app) keyringTimeout() time.Duration {
	d, err := time.ParseDuration(a.env.getenv("SORATUI_KEYRING_TIMEOUT"))
	if err != nil || d <= 0 || d > time.Minute {
		return keys.DefaultTimeout
	}
	return d
}

// resolveKey finds the API key: demo mode's fixed key, else APIDOT_API_KEY,
// else the keyring. Errors are those of keys.Resolver.Resolve.
func (a *app) resolveKey(ctx context.Context) (keys.Key, error) {
	if a.global.demo {
		return keys.Key{Value: keys.DemoKey, Source: keys.SourceDemo}, nil
	}
	r := keys.Resolver{Getenv: a.env.getenv, Keyring: a.keyring()}
	return r.Resolve(ctx)
}

// requireKey is resolveKey for a command that cannot run without a key: its
// error says how to provide one (exit 1).
func (a *app) requireKey(ctx context.Context) (keys.Key, error) {
	k, err := a.resolveKey(ctx)
	if err != nil {
		return keys.Key{}, &keyError{err: err}
	}
	return k, nil
}

// readPassword reads the key from the terminal without echo.
func (a *app) readPassword(ctx context.Context) (string, error) {
	read, restore := a.env.ReadPassword, func() {}
	if read == nil {
		fd := int(os.Stdin.Fd())
		state, err := term.GetState(fd)
		if err != nil {
			return "", err
		}
		read = func() (string, error) {
			b, err := term.ReadPassword(fd)
			return string(b), err
		}
		restore = func() { term.Restore(fd, state) }
	}
	key, err := untilDone(ctx, read)
	if err != nil && ctx.Err() != nil {
		restore() // the abandoned read had turned the echo off
	}
	return key, err
}

// keyError is a key or keyring failure whose message carries the next step
// from keys.Advice; it exits 1.
type keyError struct {
	err error
}

func (e *keyError) Error() string {
	if advice := keys.Advice(e.err); advice != "" {
		return e.err.Error() + "\n" + advice
	}
	return e.err.Error()
}

func (e *keyError) Unwrap() error { return e.err }

// withAdvice wraps err in a keyError unless it is nil or already one.
func withAdvice(err error) error {
	var ke *keyError
	if err == nil || errors.As(err, &ke) {
		return err
	}
	return &keyError{err: err}
}
