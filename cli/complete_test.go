package cli_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/soratui/soratui/apidot/apidottest"
)

// completions runs cobra's hidden __complete command and returns the
// values offered, each with its description after a tab.
func completions(t *testing.T, h *harness, args ...string) []string {
	t.Helper()
	r := h.run("", append([]string{"__complete"}, args...)...)
	if r.code != 0 {
		t.Fatalf("__complete %v: exit %d: %s", args, r.code, r.stderr)
	}
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if l != "" && !strings.HasPrefix(l, ":") {
			out = append(out, l)
		}
	}
	return out
}

func values(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i], _, _ = strings.Cut(l, "\t")
	}
	return out
}

func TestFlagValuesComplete(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	tests := []struct {
		args []string
		want []string
	}{
		{[]string{"submit", "--model", ""}, []string{"standard", "pro"}},
		{[]string{"submit", "--duration", ""}, []string{"4", "8", "12", "16", "20"}},
		{[]string{"submit", "--duration", "1"}, []string{"12", "16"}},
		{[]string{"submit", "--aspect", "9"}, []string{"9:16"}},
		{[]string{"submit", "--resolution", ""}, []string{"720p", "1024p", "1080p"}},
		{[]string{"submit", "--compare", "pro-1"}, []string{"pro-1024p", "pro-1080p"}},
		{[]string{"submit", "--compare", "pro-1080p,st"}, []string{"pro-1080p,standard"}},
		{[]string{"list", "--status", "fin"}, []string{"finished"}},
		{[]string{"list", "--status", "failed,r"}, []string{"failed,rejected", "failed,running"}},
		{[]string{"list", "--model", "p"}, []string{"pro"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			if got := values(completions(t, h, tt.args...)); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
	if got := completions(t, h, "submit", "--model", "s"); len(got) != 1 || !strings.Contains(got[0], "\tSora 2") {
		t.Errorf("model completion lacks its description: %q", got)
	}
}

func TestJobIDsCompleteWithTheirPrompt(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	js := seed(t, h)
	koi, fox := js[0], js[3]
	for _, cmd := range []string{"show", "download", "delete", "rerun", "preview", "resolve"} {
		t.Run(cmd, func(t *testing.T) {
			got := completions(t, h, cmd, "")
			if len(got) != len(js) {
				t.Fatalf("%d ids offered, want %d: %q", len(got), len(js), got)
			}
			if got[0] != koi.ID+"\tnot_started · Neon koi pond" {
				t.Errorf("newest completion = %q", got[0])
			}
			if got := values(completions(t, h, cmd, fox.ID[:12])); !slices.Equal(got, []string{fox.ID}) {
				t.Errorf("prefix completion = %q", got)
			}
		})
	}
	if got := values(completions(t, h, "delete", koi.ID, "")); slices.Contains(got, koi.ID) || len(got) != len(js)-1 {
		t.Errorf("delete offers an id already given: %q", got)
	}
	if got := completions(t, h, "show", koi.ID, ""); len(got) != 0 {
		t.Errorf("show offers a second id: %q", got)
	}
}

func TestTyposSuggestTheNearestCommandWithoutEchoingSecrets(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	tests := []struct {
		args    []string
		want    string
		notWant string
	}{
		{[]string{"sbumit"}, "Did you mean this?\n\tsubmit", ""},
		{[]string{"lsit"}, "\tlist", ""},
		{[]string{"key", "stauts"}, "Did you mean this?\n\tstatus", ""},
		{[]string{"xyzzyq"}, `unknown command "xyzzyq"`, "Did you mean"},
		{[]string{"sk-live-0123456789abcdef"}, "an unexpected argument", "sk-live"},
		{[]string{"key", "sk-live-0123456789abcdef"}, "unknown command that", "sk-live"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := h.run("", tt.args...)
			if r.code != 2 || !strings.Contains(r.stderr, tt.want) || (tt.notWant != "" && strings.Contains(r.stderr, tt.notWant)) {
				t.Errorf("exit %d, stderr:\n%s\nwant %q without %q", r.code, r.stderr, tt.want, tt.notWant)
			}
		})
	}
}
