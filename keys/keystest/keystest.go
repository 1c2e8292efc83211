// Package keystest provides an in-memory keys.Keyring for tests, with
// switches for the faults of a real one: unavailable, hung, not found.
package keystest

import (
	"context"
	"fmt"
	"sync"

	"github.com/soratui/soratui/keys"
)

// Keyring is an in-memory keys.Keyring, safe for concurrent use. Its zero
// value is an empty, working keyring.
type Keyring struct {
	mu     sync.Mutex
	value  string
	stored bool
	err    error
	hang   bool
	calls  []string
}

// New returns an empty keyring.
func New() *Keyring { return &Keyring{} }

// Holding returns a keyring that already holds key.
func Holding(key string) *Keyring { return &Keyring{value: key, stored: true} }

// Unavailable returns a keyring whose every call fails like a machine
// without a Secret Service: the error wraps keys.ErrUnavailable.
func Unavailable() *Keyring {
	return &Keyring{err: fmt.Errorf("%w: dbus: couldn't determine address of session bus", keys.ErrUnavailable)}
}

// Hung returns a keyring whose every call blocks until its context ends,
// then fails with keys.ErrTimeout, like go-keyring on a hung D-Bus behind
// keys.WithTimeout.
func Hung() *Keyring { return &Keyring{hang: true} }

// FailWith makes every later call return err (nil restores service).
func (k *Keyring) FailWith(err error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.err = err
}

// Stored returns the key held, if any.
func (k *Keyring) Stored() (string, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.value, k.stored
}

// Calls lists the calls made so far: "get", "set", "delete".
func (k *Keyring) Calls() []string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return append([]string(nil), k.calls...)
}

func (k *Keyring) enter(ctx context.Context, op string) error {
	k.mu.Lock()
	k.calls = append(k.calls, op)
	hang, err := k.hang, k.err
	k.mu.Unlock()
	if hang {
		<-ctx.Done()
		return fmt.Errorf("keystest %s: %w: %w", op, keys.ErrTimeout, ctx.Err())
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return err
}

// Get returns the key held, or keys.ErrNotFound.
func (k *Keyring) Get(ctx context.Context) (string, error) {
	if err := k.enter(ctx, "get"); err != nil {
		return "", err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.stored {
		return "", keys.ErrNotFound
	}
	return k.value, nil
}

// Set stores key, replacing any other.
func (k *Keyring) Set(ctx context.Context, key string) error {
	if err := k.enter(ctx, "set"); err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.value, k.stored = key, true
	return nil
}

// Delete removes the key, or returns keys.ErrNotFound.
func (k *Keyring) Delete(ctx context.Context) error {
	if err := k.enter(ctx, "delete"); err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.stored {
		return keys.ErrNotFound
	}
	k.value, k.stored = "", false
	return nil
}
