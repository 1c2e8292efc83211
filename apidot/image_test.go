package apidot_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/apidot/apidottest"
)

func TestCheckImage(t *testing.T) {
	s := apidottest.NewTestServer(t, apidottest.Options{})
	tests := []struct {
		name, url, reason string // reason "" means accepted
	}{
		{"png answers HEAD", s.ImageURL("ok.png"), ""},
		{"HEAD refused, ranged GET works", s.ImageURL("nohead.png"), ""},
		{"one redirect is followed", s.ImageURL("redirect.png"), ""},
		{"html is not an image", s.ImageURL("page.html"), "not an image (text/html"},
		{"404", s.ImageURL("missing.png"), "answered 404"},
		{"redirect loop", s.ImageURL("loop.png"), "redirects"},
		{"ftp scheme", "ftp://example.com/a.png", `scheme "ftp" is not allowed`},
		{"no scheme", "example.com/a.png", "not an absolute URL"},
		{"refused", "http://127.0.0.1:1/a.png", "unreachable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := apidot.CheckImage(context.Background(), s.Client(), tt.url)
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			var ie *apidot.ImageError
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want an *ImageError", err)
			}
			if !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("err = %q, want it to say %q", err, tt.reason)
			}
		})
	}
	var gets int
	for _, r := range s.Requests() {
		if r.Path == "/images/nohead.png" && r.Method == "GET" {
			gets++
		}
	}
	if gets != 1 {
		t.Errorf("nohead.png got %d GETs, want 1 fallback", gets)
	}
}
