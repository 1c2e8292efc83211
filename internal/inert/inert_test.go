package inert_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/soratui/soratui/internal/inert"
)

// hostile holds texts a compromised server might send in any field.
var hostile = []struct {
	name, in string
}{
	{"osc52 clipboard write", "ok\x1b]52;c;Y3VybCBldmlsLnNoIHwgc2g=\x07done"},
	{"screen clear", "\x1b[2J\x1b[Hclean"},
	{"title set", "\x1b]0;pwned\x1b\\title"},
	{"forged saved line", "failed\nfinished, saved to /home/u/Videos/x.mp4"},
	{"forged line with CR", "failed\r\nfinished, saved to /tmp/x.mp4"},
	{"carriage return overwrite", "error: quota\rsuccess      "},
	{"raw 8-bit CSI", "a\x9b31mred"},
	{"C1 CSI as UTF-8", "a\u009b31mred"},
	{"C1 OSC as UTF-8", "a\u009d0;t\u009cb"},
	{"bell and NUL", "ding\x07\x00"},
	{"DEL", "a\x7fb"},
	{"invalid UTF-8", "a\xff\xfeb\xc3"},
	{"bidi override", "abc\u202edcba\u2066x\u2069"},
	{"unicode line separator", "a\u2028b\u2029c"},
}

// assertInert fails when out holds anything a terminal would act on.
func assertInert(t *testing.T, out string, multiLine bool) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("output is not valid UTF-8: %q", out)
	}
	for _, r := range out {
		switch {
		case r == '\n' && multiLine:
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
			t.Fatalf("control %U reached output %q", r, out)
		case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x2028, r == 0x2029:
			t.Fatalf("bidi or separator %U reached output %q", r, out)
		}
	}
}

func TestLineLeavesNothingForTheTerminal(t *testing.T) {
	for _, tc := range hostile {
		t.Run(tc.name, func(t *testing.T) {
			out := inert.Line(tc.in)
			assertInert(t, out, false)
			if strings.Contains(out, "\n") {
				t.Fatalf("Line kept a line break: %q", out)
			}
		})
	}
}

func TestTextKeepsLineBreaksOnly(t *testing.T) {
	for _, tc := range hostile {
		t.Run(tc.name, func(t *testing.T) {
			out := inert.Text(tc.in)
			assertInert(t, out, true)
			if want := strings.Count(strings.ReplaceAll(tc.in, "\r\n", "\n"), "\n"); strings.Count(out, "\n") != want {
				t.Fatalf("Text(%q) = %q: want %d line breaks", tc.in, out, want)
			}
		})
	}
}

func TestLineShowsWhatItReplaced(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text 100%", "plain text 100%"},
		{"tab\there", "tab here"},
		{"a\nb", "a⏎b"},
		{"a\r\nb", "a⏎b"},
		{"a\rb", "a⏎b"},
		{"\x1b[2J", "␛[2J"},
		{"bell\x07", "bell␇"},
		{"x\x9by", "x\uFFFDy"},
		{"x\u0085y", "x\uFFFDy"},
		{"a\u202eb", "ab"},
		{"日本語 ok", "日本語 ok"},
		{"emoji 🎬", "emoji 🎬"},
	}
	for _, tc := range tests {
		if got := inert.Line(tc.in); got != tc.want {
			t.Errorf("Line(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTextWithCRLF(t *testing.T) {
	if got, want := inert.Text("one\r\ntwo\nthree\rx"), "one\ntwo\nthree⏎x"; got != want {
		t.Fatalf("Text = %q, want %q", got, want)
	}
}

func TestClip(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"this is too long", 8, "this is…"},
		{"日本語のテキスト", 4, "日本語…"},
		{"a\x1b[2Jb", 3, "a␛…"},
		{"anything", 0, ""},
		{strings.Repeat("\r\n", 1000), 5, "⏎⏎⏎⏎…"},
		{strings.Repeat("x", 1<<20), 3, "xx…"},
	}
	for _, tc := range tests {
		got := inert.Clip(tc.in, tc.n)
		if got != tc.want {
			t.Errorf("Clip(%.20q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
		if utf8.RuneCountInString(got) > tc.n {
			t.Errorf("Clip(%.20q, %d) has %d runes", tc.in, tc.n, utf8.RuneCountInString(got))
		}
	}
}

func TestCheckURL(t *testing.T) {
	tests := []struct {
		raw string
		ok  bool
	}{
		{"https://cdn.apidot.ai/v/abc.mp4?sig=x%20y", true},
		{"http://127.0.0.1:8080/file.mp4", true},
		{"HTTPS://Example.com/a", true},
		{"file:///etc/passwd", false},
		{"javascript:alert(1)", false},
		{"data:text/html;base64,PHNjcmlwdD4=", false},
		{"//example.com/x.mp4", false},
		{"example.com/x.mp4", false},
		{"/tmp/x.mp4", false},
		{"-oProxyCommand=sh", false},
		{"--help", false},
		{"https://example.com/a\x1b]52;c;eA==\x07", false},
		{"https://example.com/a\nfinished", false},
		{"https://exa mple.com/", false},
		{"https:///path-only", false},
		{"https:opaque", false},
		{"ftp://example.com/x", false},
		{"", false},
		{"https://example.com/" + strings.Repeat("a", inert.MaxURLLen), false},
	}
	for _, tc := range tests {
		err := inert.CheckURL(tc.raw)
		if (err == nil) != tc.ok {
			t.Errorf("CheckURL(%.40q) = %v, want ok=%v", tc.raw, err, tc.ok)
		}
		if err != nil && !errors.Is(err, inert.ErrUntrustedURL) {
			t.Errorf("CheckURL(%.40q) error %v does not wrap ErrUntrustedURL", tc.raw, err)
		}
		if err != nil {
			assertInert(t, err.Error(), false)
		}
	}
}

func TestURLMarksUntrustedLinks(t *testing.T) {
	if got := inert.URL(""); got != "" {
		t.Fatalf("URL(\"\") = %q, want \"\"", got)
	}
	if got := inert.URL("https://example.com/v.mp4"); got != "https://example.com/v.mp4" {
		t.Fatalf("trusted URL changed: %q", got)
	}
	got := inert.URL("javascript:\x1b]0;t\x07alert(1)")
	assertInert(t, got, false)
	if !strings.HasSuffix(got, "(untrusted, not opened)") {
		t.Fatalf("untrusted URL not marked: %q", got)
	}
}
