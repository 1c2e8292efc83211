package keys_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/soratui/soratui/keys"
)

const secret = "sk-proj-0123456789SECRETabcd"

func TestMask(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, key, want string
	}{
		{"empty shows nothing", "", ""},
		{"under eight is fully masked", "sk-abcd", "…"},
		{"one char", "x", "…"},
		{"eight to eleven show the last two", "abcdefgh", "…gh"},
		{"eleven", "sk-abcdefgh", "…gh"},
		{"sk prefix and last four", secret, "sk-…abcd"},
		{"twelve with prefix", "sk-123456789", "sk-…6789"},
		{"no dash shows no prefix", "abcdefghijklmnop", "…mnop"},
		{"dash past three chars is not a prefix", "proj-abcdefghijkl", "…ijkl"},
		{"one-letter prefix", "k-abcdefghijklmn", "k-…klmn"},
		{"non-ASCII stays valid UTF-8", "sk-ééééééééééééé", "sk-…éééé"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := keys.Mask(tt.key)
			if got != tt.want {
				t.Errorf("Mask(%q) = %q, want %q", tt.key, got, tt.want)
			}
			if !utf8.ValidString(got) {
				t.Errorf("Mask(%q) = %q is not valid UTF-8", tt.key, got)
			}
		})
	}
}

func TestMaskNeverShowsMostOfTheKey(t *testing.T) {
	t.Parallel()
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	for n := 1; n <= 60; n++ {
		for _, prefix := range []string{"", "sk-"} {
			key := prefix + alphabet[:n]
			m := keys.Mask(key)
			rest := strings.TrimPrefix(strings.TrimPrefix(m, prefix), "…")
			if shown := utf8.RuneCountInString(rest); shown*2 > n {
				t.Errorf("Mask(%q) = %q shows %d of %d secret characters", key, m, shown, n)
			}
		}
	}
}

func TestCheckShape(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, key, reason string // reason "" means accepted
	}{
		{"typical key", secret, ""},
		{"eight characters", "abcd1234", ""},
		{"512 characters", strings.Repeat("a", 512), ""},
		{"punctuation", "sk-a_b.c~d+e/f=", ""},
		{"empty", "", "empty"},
		{"too short", "sk-1234", "too short (7 characters; a key has at least 8)"},
		{"too long", strings.Repeat("a", 513), "too long (513 characters; a key has at most 512)"},
		{"inner space", "sk-abcd efgh", "whitespace"},
		{"tab", "sk-abcd\tefgh", "whitespace"},
		{"newline", "sk-abcd\nefgh", "whitespace"},
		{"trailing newline", "sk-abcdefgh\n", "whitespace"},
		{"NUL", "sk-abcd\x00efgh", "control"},
		{"escape", "sk-\x1b[31mabcdefgh", "control"},
		{"DEL", "sk-abcdefgh\x7f", "control"},
		{"non-ASCII", "sk-abcdéfgh", "non-ASCII"},
		{"zero-width space", "sk-abcd\u200befgh", "non-ASCII"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := keys.CheckShape(tt.key)
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("CheckShape: %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, keys.ErrMalformed) {
				t.Fatalf("CheckShape: %v, want ErrMalformed", err)
			}
			if !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("CheckShape: %q does not say %q", err, tt.reason)
			}
			if len(tt.key) > 3 && strings.Contains(err.Error(), tt.key) {
				t.Errorf("CheckShape: %q repeats the key", err)
			}
		})
	}
}

func TestKeyNeverPrintsItsValue(t *testing.T) {
	t.Parallel()
	k := keys.Key{Value: secret, Source: keys.SourceKeyring}
	type holder struct {
		Name string
		K    keys.Key
		P    *keys.Key
	}
	h := holder{Name: "x", K: k, P: &k}
	var outputs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10.3v"} {
		outputs = append(outputs,
			fmt.Sprintf(verb, k), fmt.Sprintf(verb, &k), fmt.Sprintf(verb, h), fmt.Sprintf(verb, []keys.Key{k}))
	}
	outputs = append(outputs, k.String(), k.GoString(), fmt.Sprint(k), fmt.Sprintln(k), fmt.Sprint(map[string]keys.Key{"k": k}))
	j, err := json.Marshal(h)
	if err != nil {
		t.Fatal(err)
	}
	outputs = append(outputs, string(j))
	txt, _ := k.MarshalText()
	outputs = append(outputs, string(txt))
	var logged strings.Builder
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("resolved", "key", k)
	slog.New(slog.NewTextHandler(&logged, nil)).Info("resolved", "key", k, "holder", h)
	outputs = append(outputs, logged.String())

	for _, out := range outputs {
		if strings.Contains(out, secret) || strings.Contains(out, "0123456789SECRET") {
			t.Errorf("printed the key: %s", out)
		}
	}
	if got := fmt.Sprintf("%v", k); got != "sk-…abcd" {
		t.Errorf("%%v = %q, want the masked key", got)
	}
	if got := fmt.Sprintf("%#v", k); !strings.Contains(got, "sk-…abcd") || !strings.Contains(got, "keyring") {
		t.Errorf("%%#v = %q, want masked key and source", got)
	}
	if !strings.Contains(string(j), `"source":"keyring"`) || !strings.Contains(string(j), `"key":"sk-…abcd"`) {
		t.Errorf("JSON = %s, want masked key and source", j)
	}
}

func TestAdvice(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		err   error
		wants []string
	}{
		{"nil", nil, nil},
		{"no key", keys.ErrNoKey, []string{"soratui key set", "APIDOT_API_KEY"}},
		{"not found", keys.ErrNotFound, []string{"soratui key set", "APIDOT_API_KEY"}},
		{"unavailable", fmt.Errorf("%w: no bus", keys.ErrUnavailable), []string{"APIDOT_API_KEY"}},
		{"timeout", fmt.Errorf("x: %w", keys.ErrTimeout), []string{"APIDOT_API_KEY", "unlock"}},
		{"no key because unavailable", fmt.Errorf("%w: %w", keys.ErrNoKey, keys.ErrUnavailable), []string{"APIDOT_API_KEY"}},
		{"malformed", keys.CheckShape(""), []string{"soratui key set"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := keys.Advice(tt.err)
			if tt.wants == nil && got != "" {
				t.Errorf("Advice = %q, want none", got)
			}
			for _, w := range tt.wants {
				if !strings.Contains(got, w) {
					t.Errorf("Advice = %q, want it to mention %q", got, w)
				}
			}
		})
	}
}
