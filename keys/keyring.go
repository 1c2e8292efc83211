package keys

import (
	"context"
	"errors"
	"fmt"
	"time"

	gokeyring "github.com/zalando/go-keyring"
)

// Where the OS keyring keeps the key: go-keyring stores these as the
// "service" and "username" attributes of a Secret Service item.
const (
	Service = "soratui"
	Account = "apidot"
)

// DefaultTimeout bounds one keyring call.
const DefaultTimeout = 3 * time.Second

// Keyring stores the one API key. Get returns ErrNotFound when none is
// stored, Delete too; failures to reach the keyring wrap ErrUnavailable or
// ErrTimeout. Implementations honour ctx.
type Keyring interface {
	Get(ctx context.Context) (string, error)
	Set(ctx context.Context, key string) error
	Delete(ctx context.Context) error
}

// NewOSKeyring is the OS keyring (Secret Service on Linux, Keychain on
// macOS, Credential Manager on Windows) under service "soratui", account
// "apidot". Every call gives up after timeout (DefaultTimeout when zero or
// less) with ErrTimeout, since go-keyring itself can wait forever on D-Bus.
func NewOSKeyring(timeout time.Duration) Keyring {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return WithTimeout(osKeyring{}, timeout)
}

// WithTimeout runs each call of k in its own goroutine and returns
// ErrTimeout once timeout passes (or ctx's deadline, whichever is first),
// even when k ignores ctx. The abandoned call finishes in the background:
// a Set that timed out may still land later.
func WithTimeout(k Keyring, timeout time.Duration) Keyring {
	return bounded{k: k, timeout: timeout}
}

type bounded struct {
	k       Keyring
	timeout time.Duration
}

type result struct {
	value string
	err   error
}

func (b bounded) call(ctx context.Context, op string, f func(context.Context) (string, error)) (string, error) {
	if b.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, b.timeout)
		defer cancel()
	}
	done := make(chan result, 1) // buffered: an abandoned call must not leak blocked on send
	go func() {
		v, err := f(ctx)
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		if r.err != nil && errors.Is(r.err, context.DeadlineExceeded) && !errors.Is(r.err, ErrTimeout) {
			r.err = fmt.Errorf("keyring %s: %w", op, ErrTimeout)
		}
		return r.value, r.err
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return "", fmt.Errorf("keyring %s: %w (waited %s)", op, ErrTimeout, b.waited())
		}
		return "", fmt.Errorf("keyring %s: %w", op, ctx.Err())
	}
}

func (b bounded) waited() string {
	if b.timeout <= 0 {
		return "until the deadline"
	}
	return b.timeout.String()
}

func (b bounded) Get(ctx context.Context) (string, error) {
	return b.call(ctx, "read", b.k.Get)
}

func (b bounded) Set(ctx context.Context, key string) error {
	_, err := b.call(ctx, "write", func(ctx context.Context) (string, error) {
		return "", b.k.Set(ctx, key)
	})
	return err
}

func (b bounded) Delete(ctx context.Context) error {
	_, err := b.call(ctx, "delete", func(ctx context.Context) (string, error) {
		return "", b.k.Delete(ctx)
	})
	return err
}

// osKeyring calls go-keyring, which ignores ctx: bounded supplies the
// deadline.
type osKeyring struct{}

func (osKeyring) Get(context.Context) (string, error) {
	v, err := gokeyring.Get(Service, Account)
	return v, classify(err, "")
}

func (osKeyring) Set(_ context.Context, key string) error {
	return classify(gokeyring.Set(Service, Account, key), key)
}

func (osKeyring) Delete(context.Context) error {
	return classify(gokeyring.Delete(Service, Account), "")
}

// classify maps go-keyring's answer onto this package's sentinels: its
// ErrNotFound is a keyring that answered; every other failure (no session
// bus, no Secret Service, a locked or missing collection) means the
// keyring cannot be used.
func classify(err error, secret string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gokeyring.ErrNotFound):
		return ErrNotFound
	case errors.Is(err, gokeyring.ErrSetDataTooBig):
		return fmt.Errorf("%w: the keyring refused the key as too big", ErrMalformed)
	}
	return fmt.Errorf("%w: %w", ErrUnavailable, redact(err, secret))
}
