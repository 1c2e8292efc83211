package keys_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/soratui/soratui/keys"
	"github.com/soratui/soratui/keys/keystest"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestResolvePrecedence(t *testing.T) {
	t.Parallel()
	const stored = "sk-stored-0000000000wxyz"
	tests := []struct {
		name       string
		getenv     func(string) string
		keyring    keys.Keyring
		wantValue  string
		wantSource keys.Source
		wantErr    error
	}{
		{"env beats keyring", env(map[string]string{keys.EnvVar: secret}), keystest.Holding(stored), secret, keys.SourceEnv, nil},
		{"env is trimmed", env(map[string]string{keys.EnvVar: "  " + secret + "\n"}), keystest.Holding(stored), secret, keys.SourceEnv, nil},
		{"blank env falls through to keyring", env(map[string]string{keys.EnvVar: "  "}), keystest.Holding(stored), stored, keys.SourceKeyring, nil},
		{"keyring when no env", env(nil), keystest.Holding(stored), stored, keys.SourceKeyring, nil},
		{"nil Getenv reads keyring", nil, keystest.Holding(stored), stored, keys.SourceKeyring, nil},
		{"keyring value is trimmed", nil, keystest.Holding(stored + "\n"), stored, keys.SourceKeyring, nil},
		{"none anywhere", env(nil), keystest.New(), "", keys.SourceNone, keys.ErrNoKey},
		{"empty keyring value is none", env(nil), keystest.Holding(""), "", keys.SourceNone, keys.ErrNoKey},
		{"no keyring configured", env(nil), nil, "", keys.SourceNone, keys.ErrNoKey},
		{"malformed env is reported, not skipped", env(map[string]string{keys.EnvVar: "sk-has space-123"}), keystest.Holding(stored), "", keys.SourceEnv, keys.ErrMalformed},
		{"malformed keyring value", nil, keystest.Holding("short"), "", keys.SourceKeyring, keys.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := keys.Resolver{Getenv: tt.getenv, Keyring: tt.keyring}
			k, err := r.Resolve(context.Background())
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil && err != nil) {
				t.Fatalf("Resolve: err = %v, want %v", err, tt.wantErr)
			}
			if k.Value != tt.wantValue || k.Source != tt.wantSource {
				t.Errorf("Resolve = %q from %q, want %q from %q", k.Masked(), k.Source, keys.Mask(tt.wantValue), tt.wantSource)
			}
			if err != nil && strings.Contains(err.Error(), "space-123") {
				t.Errorf("error repeats the key: %v", err)
			}
		})
	}
}

func TestResolveEnvDoesNotTouchKeyring(t *testing.T) {
	t.Parallel()
	kr := keystest.Hung() // would block until the context ends
	r := keys.Resolver{Getenv: env(map[string]string{keys.EnvVar: secret}), Keyring: kr}
	if _, err := r.Resolve(context.Background()); err != nil {
		t.Fatal(err)
	}
	if calls := kr.Calls(); len(calls) != 0 {
		t.Errorf("keyring calls = %v, want none", calls)
	}
}

func TestResolveUnusableKeyringWrapsBothCauses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		keyring keys.Keyring
		cause   error
	}{
		{"unavailable", keystest.Unavailable(), keys.ErrUnavailable},
		{"hung", keys.WithTimeout(keystest.Hung(), 20*time.Millisecond), keys.ErrTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := keys.Resolver{Getenv: env(nil), Keyring: tt.keyring}.Resolve(context.Background())
			if !errors.Is(err, keys.ErrNoKey) || !errors.Is(err, tt.cause) {
				t.Fatalf("Resolve: %v, want ErrNoKey and %v", err, tt.cause)
			}
			if !keys.KeyringUnusable(err) {
				t.Errorf("KeyringUnusable(%v) = false", err)
			}
			if msg := err.Error(); !strings.Contains(msg, keys.EnvVar) || !strings.Contains(msg, tt.cause.Error()) {
				t.Errorf("message %q should name %s and the keyring's failure", msg, keys.EnvVar)
			}
		})
	}
}

// stuck is a keyring that ignores its context and never answers until
// released, like go-keyring on a hung D-Bus.
type stuck struct{ release chan struct{} }

func (s stuck) Get(context.Context) (string, error) { <-s.release; return secret, nil }
func (s stuck) Set(context.Context, string) error   { <-s.release; return nil }
func (s stuck) Delete(context.Context) error        { <-s.release; return nil }

func TestWithTimeoutGivesUpOnAKeyringThatIgnoresContext(t *testing.T) {
	t.Parallel()
	s := stuck{release: make(chan struct{})}
	t.Cleanup(func() { close(s.release) })
	k := keys.WithTimeout(s, 20*time.Millisecond)
	ops := map[string]func() error{
		"get":    func() error { _, err := k.Get(context.Background()); return err },
		"set":    func() error { return k.Set(context.Background(), secret) },
		"delete": func() error { return k.Delete(context.Background()) },
	}
	for name, op := range ops {
		t.Run(name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() { done <- op() }()
			select {
			case err := <-done:
				if !errors.Is(err, keys.ErrTimeout) {
					t.Fatalf("err = %v, want ErrTimeout", err)
				}
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error repeats the key: %v", err)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the call did not return: the timeout is not enforced")
			}
		})
	}
}

func TestWithTimeoutHonoursCallerCancellation(t *testing.T) {
	t.Parallel()
	s := stuck{release: make(chan struct{})}
	t.Cleanup(func() { close(s.release) })
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := keys.WithTimeout(s, time.Hour).Get(ctx)
	if !errors.Is(err, context.Canceled) || errors.Is(err, keys.ErrTimeout) {
		t.Fatalf("err = %v, want context.Canceled and not ErrTimeout", err)
	}
}

func TestWithTimeoutPassesAnswersThrough(t *testing.T) {
	t.Parallel()
	kr := keystest.New()
	k := keys.WithTimeout(kr, time.Minute)
	ctx := context.Background()
	if _, err := k.Get(ctx); !errors.Is(err, keys.ErrNotFound) {
		t.Fatalf("Get on empty: %v, want ErrNotFound", err)
	}
	if err := k.Set(ctx, secret); err != nil {
		t.Fatal(err)
	}
	if v, err := k.Get(ctx); err != nil || v != secret {
		t.Fatalf("Get = %q, %v", keys.Mask(v), err)
	}
	if err := k.Delete(ctx); err != nil {
		t.Fatal(err)
	}
	if err := k.Delete(ctx); !errors.Is(err, keys.ErrNotFound) {
		t.Fatalf("second Delete: %v, want ErrNotFound", err)
	}
}
