package cli_test

import (
	"strings"
	"testing"

	"github.com/soratui/soratui/apidot/apidottest"
)

func TestJQAndTemplateShapeJSONOutput(t *testing.T) {
	t.Parallel()
	h := newHarness(t, jobsTaking(20, 40))
	js := seed(t, h)
	koi, fox := js[0], js[3]
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"jq strings print raw", []string{"list", "--jq", ".[].id"}, strings.Join([]string{js[0].ID, js[1].ID, js[2].ID, js[3].ID}, "\n") + "\n"},
		{"jq values print as compact JSON", []string{"list", "--status", "finished", "--jq", "map(.duration)"}, "[4,4]\n"},
		{"jq short flag", []string{"show", fox.ID, "-q", ".status"}, "finished\n"},
		{"template fields by JSON name", []string{"show", koi.ID, "--template", "{{.id}} {{.model}} {{.resolution}}"}, koi.ID + " sora-2-pro-official 1024p"},
		{"template range over a list", []string{"list", "--limit", "2", "-t", `{{range .}}{{.status}}{{"\n"}}{{end}}`}, "not_started\nfailed\n"},
		{"template join and pluck", []string{"list", "--status", "finished", "-t", `{{join "," (pluck "duration" .)}}`}, "4,4"},
		{"template truncate", []string{"show", fox.ID, "-t", `{{truncate 6 .prompt}}`}, "a red…"},
		{"template tablerow aligns", []string{"list", "--status", "finished", "-t", `{{range .}}{{tablerow .status .duration}}{{end}}`}, "finished  4\nfinished  4\n"},
		{"submit jq", []string{"submit", "--prompt", "tide pools", "--jq", ".prompt"}, "tide pools\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.run("", tt.args...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			if r.stdout != tt.want {
				t.Errorf("stdout = %q, want %q", r.stdout, tt.want)
			}
		})
	}
}

func TestJQAndTemplateOutputCarriesNoControlSequences(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	r := h.run("", "submit", "--prompt", "red \x1b]0;pwned\x07 fox", "--json")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	id := h.jobs()[0].ID
	for _, args := range [][]string{{"--jq", ".prompt"}, {"--template", "{{.prompt}}"}} {
		r := h.run("", append([]string{"show", id}, args...)...)
		if strings.ContainsAny(r.stdout, "\x1b\x07") || !strings.Contains(r.stdout, "fox") {
			t.Errorf("%v printed %q", args, r.stdout)
		}
	}
}
