package keys

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	dbus "github.com/godbus/dbus/v5"
	gokeyring "github.com/zalando/go-keyring"
)

func TestClassify(t *testing.T) {
	const key = "sk-live-0123456789abcdef"
	tests := []struct {
		name string
		in   error
		want error
	}{
		{"missing secret is not found", gokeyring.ErrNotFound, ErrNotFound},
		{"no session bus is unavailable", errors.New("dbus: couldn't determine address of session bus"), ErrUnavailable},
		{"no Secret Service is unavailable", dbus.Error{Name: "org.freedesktop.DBus.Error.ServiceUnknown", Body: []any{"The name org.freedesktop.secrets was not provided by any .service files"}}, ErrUnavailable},
		{"locked collection is unavailable", errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'"), ErrUnavailable},
		{"too big is malformed", gokeyring.ErrSetDataTooBig, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := classify(tt.in, key)
			if !errors.Is(got, tt.want) {
				t.Fatalf("classify(%v) = %v, want %v", tt.in, got, tt.want)
			}
			var dbusErr dbus.Error // not comparable: errors.Is cannot match it
			if tt.want == ErrUnavailable && !errors.Is(got, tt.in) && !errors.As(got, &dbusErr) {
				t.Errorf("classify(%v) = %v lost the cause", tt.in, got)
			}
			if tt.want == ErrUnavailable && errors.Is(got, ErrNotFound) {
				t.Errorf("classify(%v) = %v is both unavailable and not found", tt.in, got)
			}
		})
	}
	if classify(nil, key) != nil {
		t.Error("classify(nil) != nil")
	}
}

func TestClassifyRedactsAnEchoedKey(t *testing.T) {
	const key = "sk-live-0123456789abcdef"
	cause := errors.New("org.freedesktop.DBus.Error.Failed: bad secret " + key)
	err := classify(cause, key)
	if strings.Contains(err.Error(), key) {
		t.Fatalf("error repeats the key: %v", err)
	}
	if !errors.Is(err, cause) || !errors.Is(err, ErrUnavailable) {
		t.Errorf("redaction broke the chain: %v", err)
	}
}

// The OS keyring goes through go-keyring's package-level provider, which
// MockInit swaps: these tests must not run in parallel (top-level tests
// without t.Parallel run before every parallel one starts).
func TestOSKeyringUsesServiceAndAccount(t *testing.T) {
	gokeyring.MockInit()
	k := NewOSKeyring(time.Second)
	ctx := context.Background()
	const key = "sk-live-0123456789abcdef"

	if _, err := k.Get(ctx); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get on empty: %v, want ErrNotFound", err)
	}
	if err := k.Set(ctx, key); err != nil {
		t.Fatal(err)
	}
	if v, err := gokeyring.Get(Service, Account); err != nil || v != key {
		t.Fatalf("stored under %s/%s: %v", Service, Account, err)
	}
	if v, err := k.Get(ctx); err != nil || v != key {
		t.Fatalf("Get: %v", err)
	}
	if err := k.Delete(ctx); err != nil {
		t.Fatal(err)
	}
	if err := k.Delete(ctx); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second Delete: %v, want ErrNotFound", err)
	}
}

func TestOSKeyringClassifiesBackendFailures(t *testing.T) {
	cause := errors.New("dbus: connection refused")
	gokeyring.MockInitWithError(cause)
	t.Cleanup(gokeyring.MockInit)
	_, err := NewOSKeyring(time.Second).Get(context.Background())
	if !errors.Is(err, ErrUnavailable) || !errors.Is(err, cause) {
		t.Fatalf("Get: %v, want ErrUnavailable wrapping the cause", err)
	}
	if !strings.Contains(Advice(err), "APIDOT_API_KEY") {
		t.Errorf("Advice(%v) does not name APIDOT_API_KEY", err)
	}
}

func TestNewOSKeyringNeverUnbounded(t *testing.T) {
	b, ok := NewOSKeyring(0).(bounded)
	if !ok || b.timeout != DefaultTimeout {
		t.Fatalf("NewOSKeyring(0) = %#v, want bounded by DefaultTimeout", b)
	}
}
