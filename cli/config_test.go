package cli_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/soratui/soratui/apidot/apidottest"
)

// writeConfig writes the harness's config file.
func writeConfig(t *testing.T, h *harness, text string) string {
	t.Helper()
	p := writeTemp(t, "config/soratui/config.toml", text)
	h.env["XDG_CONFIG_HOME"] = filepath.Dir(filepath.Dir(p))
	return p
}

func TestConfigPrecedenceFileEnvFlag(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	path := writeConfig(t, h, "model = \"pro\"\nresolution = \"1080p\"\nduration = 8\n")
	h.env["SORATUI_DURATION"] = "12"

	r := h.run("", "config")
	if r.code != 0 {
		t.Fatalf("config: exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stdout, "Config file: "+path+" (read)") {
		t.Errorf("config does not name the file it read:\n%s", r.stdout)
	}
	for _, want := range [][]string{
		{"model", "Pro (sora-2-pro-official)", "file " + path + ":1"},
		{"duration", "12", "env SORATUI_DURATION"},
		{"notify", "true", "default"},
	} {
		if !hasRow(r.stdout, want...) {
			t.Errorf("config output lacks the row %q:\n%s", want, r.stdout)
		}
	}

	tests := []struct {
		name       string
		args       []string
		model, res string
		duration   float64
	}{
		{"file and env", nil, "sora-2-pro-official", "1080p", 12},
		{"flags win", []string{"--model", "standard", "--duration", "4"}, "sora-2-official", "", 4},
		{"flag resolution wins", []string{"--resolution", "720p"}, "sora-2-pro-official", "720p", 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.run("", append([]string{"submit", "--prompt", "a red fox", "--json"}, tt.args...)...)
			if r.code != 0 {
				t.Fatalf("submit: exit %d: %s", r.code, r.stderr)
			}
			model, in := submittedInput(t, h)
			res, _ := in["resolution"].(string)
			if model != tt.model || res != tt.res || in["duration"] != tt.duration {
				t.Errorf("sent %s %q %v, want %s %q %v", model, res, in["duration"], tt.model, tt.res, tt.duration)
			}
		})
	}
}

func TestBadConfigExits2WithLineAndKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, want string
	}{
		{"unknown key", "model = \"pro\"\nbudget = 5\n", "config.toml:2: budget: unknown key"},
		{"bad value", "duration = 7\n", "config.toml:1: duration: \"7\" is not offered"},
		{"syntax", "model = pro\n", "config.toml:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, apidottest.Options{})
			writeConfig(t, h, tt.file)
			for _, args := range [][]string{{"config"}, {"submit", "--prompt", "a red fox"}} {
				r := h.run("", args...)
				if r.code != 2 || !strings.Contains(r.stderr, tt.want) || !strings.Contains(r.stderr, "soratui config") {
					t.Errorf("%v: exit %d, stderr %q; want 2 and %q", args, r.code, r.stderr, tt.want)
				}
			}
			if n := h.server.Submits(); n != 0 {
				t.Errorf("%d submits with a bad config", n)
			}
		})
	}
}

// hasRow reports a line of out that starts with cells[0] and holds every
// other cell after it, in order.
func hasRow(out string, cells ...string) bool {
	for _, line := range strings.Split(out, "\n") {
		rest, ok := strings.CutPrefix(line, cells[0]+" ")
		for _, c := range cells[1:] {
			i := strings.Index(rest, c)
			if i < 0 {
				ok = false
				break
			}
			rest = rest[i+len(c):]
		}
		if ok {
			return true
		}
	}
	return false
}
