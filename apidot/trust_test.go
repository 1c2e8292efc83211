package apidot_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/apidot/apidottest"
)

func TestValidTaskID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id string
		ok bool
	}{
		{"task-unified-1745090382-0001", true},
		{"abc_DEF.1:2", true},
		{"", false},
		{"task 1", false},
		{"../../etc/passwd", false},
		{"task\x1b]0;t\x07", false},
		{"task\nfinished", false},
		{"täsk", false},
		{strings.Repeat("a", 129), false},
	}
	for _, tc := range tests {
		if got := apidot.ValidTaskID(tc.id); got != tc.ok {
			t.Errorf("ValidTaskID(%q) = %v, want %v", tc.id, got, tc.ok)
		}
	}
}

func TestSubmitRefusesAMalformedTaskID(t *testing.T) {
	t.Parallel()
	for _, id := range []string{"task\x1b[2J", "a/b", strings.Repeat("x", 300)} {
		s := apidottest.NewTestServer(t, apidottest.Options{AnswerTaskID: id})
		_, err := newClient(t, s).Submit(context.Background(), standard("a fox"))
		if !errors.Is(err, apidot.ErrMalformedTaskID) {
			t.Fatalf("answer id %q: err = %v, want ErrMalformedTaskID", id, err)
		}
		if !apidot.IsAmbiguousSubmit(err) {
			t.Errorf("answer id %q: a malformed id must count as ambiguous (the task may exist)", id)
		}
		if strings.ContainsAny(err.Error(), "\x1b\n") || len(err.Error()) > 300 {
			t.Errorf("error text not inert or not bounded: %q", err.Error())
		}
	}
}

func TestModelNotFoundIsUnavailable(t *testing.T) {
	t.Parallel()
	s := apidottest.NewTestServer(t, apidottest.Options{ModelNotFound: true})
	_, err := newClient(t, s).Submit(context.Background(), standard("a fox"))
	if !apidot.IsModelUnavailable(err) {
		t.Fatalf("err = %v, want IsModelUnavailable", err)
	}
	if apidot.IsAmbiguousSubmit(err) || len(s.Tasks()) != 0 {
		t.Fatalf("model not found must be a clear refusal with no task: %v, %d tasks", err, len(s.Tasks()))
	}
	if apidot.IsModelUnavailable(errors.New("model not found")) {
		t.Error("plain text must not be classified")
	}
}

func TestHostileAnswersGiveInertErrors(t *testing.T) {
	t.Parallel()
	s := apidottest.NewTestServer(t, apidottest.Options{Hostile: true})
	c := newClient(t, s)
	_, err := c.Submit(context.Background(), standard("a fox [reject]"))
	var a *apidot.APIError
	if !errors.As(err, &a) || !strings.Contains(a.Message, "\x1b]52") {
		t.Fatalf("err = %v; want an APIError keeping the raw message", err)
	}
	for _, r := range err.Error() {
		if r < 0x20 || r == 0x7f || r >= 0x80 && r <= 0x9f {
			t.Fatalf("control %U in error text %q", r, err.Error())
		}
	}
}

func TestForgottenTaskAnswers404(t *testing.T) {
	t.Parallel()
	s := apidottest.NewTestServer(t, apidottest.Options{})
	c := newClient(t, s)
	task, err := c.Submit(context.Background(), standard("a fox"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Status(context.Background(), task.ID); err != nil {
		t.Fatalf("known task: %v", err)
	}
	s.Forget(task.ID)
	if _, err := c.Status(context.Background(), task.ID); !apidot.IsNotFound(err) {
		t.Fatalf("forgotten task: err = %v, want 404", err)
	}
}

func TestCheckImage(t *testing.T) {
	t.Parallel()
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
