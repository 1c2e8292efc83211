package keys

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Resolver finds the key to use: APIDOT_API_KEY when set (trimmed,
// non-empty), else the keyring.
type Resolver struct {
	// Getenv reads the environment; nil reads nothing.
	Getenv func(string) string
	// Keyring is asked when the variable is unset; nil skips it.
	Keyring Keyring
}

// Resolve returns the key and its source. With no key anywhere the error
// wraps ErrNoKey, and also the keyring's failure (ErrUnavailable,
// ErrTimeout) when it could not be asked. A key of the wrong shape wraps
// ErrMalformed and is not replaced by the next source: the person meant it.
func (r Resolver) Resolve(ctx context.Context) (Key, error) {
	if r.Getenv != nil {
		if v := strings.TrimSpace(r.Getenv(EnvVar)); v != "" {
			if err := CheckShape(v); err != nil {
				return Key{Source: SourceEnv}, fmt.Errorf("%s: %w", EnvVar, err)
			}
			return Key{Value: v, Source: SourceEnv}, nil
		}
	}
	if r.Keyring == nil {
		return Key{Source: SourceNone}, fmt.Errorf("%w: %s is not set", ErrNoKey, EnvVar)
	}
	v, err := r.Keyring.Get(ctx)
	v = strings.TrimSpace(v)
	switch {
	case errors.Is(err, ErrNotFound) || (err == nil && v == ""):
		return Key{Source: SourceNone}, fmt.Errorf("%w: %s is not set and the keyring holds no key", ErrNoKey, EnvVar)
	case KeyringUnusable(err):
		return Key{Source: SourceNone}, fmt.Errorf("%w: %s is not set and the keyring could not be read: %w", ErrNoKey, EnvVar, err)
	case err != nil:
		return Key{Source: SourceNone}, fmt.Errorf("reading the keyring: %w", err)
	}
	if err := CheckShape(v); err != nil {
		return Key{Source: SourceKeyring}, fmt.Errorf("the key in the keyring: %w", err)
	}
	return Key{Value: v, Source: SourceKeyring}, nil
}
