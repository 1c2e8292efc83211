package keys

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"unicode"
)

// EnvVar is the environment variable whose key wins over the keyring.
const EnvVar = "APIDOT_API_KEY"

// DemoKey is the stand-in key of demo mode: only the built-in simulator
// takes it, so it opens nothing real.
const DemoKey = "sk-demo-soratui-simulator"

// Shape limits for CheckShape.
const (
	MinLength = 8
	MaxLength = 512
)

// Source says where a key came from.
type Source string

// The places a key can come from.
const (
	SourceEnv     Source = "env"     // the APIDOT_API_KEY variable
	SourceKeyring Source = "keyring" // the OS keyring
	SourceDemo    Source = "demo"    // demo mode's fixed DemoKey
	SourceNone    Source = "none"    // nowhere: there is no key
)

// Key is an API key and where it came from. Every way of printing or
// encoding it (fmt verbs, JSON, text, slog) shows only the masked form,
// so a Key can sit in a struct that gets logged; read Value to use it.
type Key struct {
	Value  string
	Source Source
}

// Masked is the key as a person may see it, e.g. "sk-…abcd".
func (k Key) Masked() string { return Mask(k.Value) }

// String is the masked key.
func (k Key) String() string { return k.Masked() }

// GoString keeps %#v from printing the key.
func (k Key) GoString() string {
	return "keys.Key{Value:" + strconv.Quote(k.Masked()) + ", Source:" + strconv.Quote(string(k.Source)) + "}"
}

// Format makes every verb print the masked form: %v and %s the masked key,
// %+v the fields (masked), %#v GoString, %q the masked key quoted.
func (k Key) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		io.WriteString(f, k.GoString())
	case verb == 'v' && f.Flag('+'):
		io.WriteString(f, "{Value:"+k.Masked()+" Source:"+string(k.Source)+"}")
	case verb == 'q':
		io.WriteString(f, strconv.Quote(k.Masked()))
	default:
		io.WriteString(f, k.Masked())
	}
}

// MarshalJSON encodes the masked key and its source.
func (k Key) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Key    string `json:"key"`
		Source Source `json:"source"`
	}{k.Masked(), k.Source})
}

// MarshalText encodes the masked key.
func (k Key) MarshalText() ([]byte, error) { return []byte(k.Masked()), nil }

// LogValue keeps slog from logging the key.
func (k Key) LogValue() slog.Value { return slog.StringValue(k.Masked()) }

// Mask is the one way a key is shown: a short non-secret prefix such as
// "sk-", "…", and the last four characters, e.g. "sk-…abcd". A key under
// 12 characters shows only its last two, and one under 8 nothing at all,
// so at most half of the secret part is ever visible.
func Mask(key string) string {
	r := []rune(key)
	n := len(r)
	switch {
	case n == 0:
		return ""
	case n < MinLength:
		return "…"
	case n < 12:
		return "…" + string(r[n-2:])
	}
	prefix := ""
	if i := strings.IndexRune(key, '-'); i >= 0 && i < 3 {
		prefix = key[:i+1]
	}
	return prefix + "…" + string(r[n-4:])
}

// CheckShape reports whether key can be an API key: non-empty, 8 to 512
// printable ASCII characters with no whitespace. The error wraps
// ErrMalformed and says why without repeating the key.
func CheckShape(key string) error {
	if key == "" {
		return fmt.Errorf("%w: it is empty", ErrMalformed)
	}
	if n := len(key); n > MaxLength {
		return fmt.Errorf("%w: it is too long (%d characters; a key has at most %d)", ErrMalformed, n, MaxLength)
	}
	for i, r := range key {
		switch {
		case unicode.IsSpace(r):
			return fmt.Errorf("%w: it contains whitespace at position %d", ErrMalformed, i+1)
		case unicode.IsControl(r):
			return fmt.Errorf("%w: it contains a control character at position %d", ErrMalformed, i+1)
		case r > unicode.MaxASCII:
			return fmt.Errorf("%w: it contains a non-ASCII character at position %d", ErrMalformed, i+1)
		}
	}
	if n := len(key); n < MinLength {
		return fmt.Errorf("%w: it is too short (%d characters; a key has at least %d)", ErrMalformed, n, MinLength)
	}
	return nil
}
