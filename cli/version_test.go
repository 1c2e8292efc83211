package cli_test

import (
	"runtime/debug"
	"strings"
	"testing"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/cli"
)

func stamped(version string, settings ...string) func() (*debug.BuildInfo, bool) {
	return func() (*debug.BuildInfo, bool) {
		info := &debug.BuildInfo{Main: debug.Module{Path: "github.com/soratui/soratui", Version: version}}
		for i := 0; i+1 < len(settings); i += 2 {
			info.Settings = append(info.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return info, true
	}
}

func TestVersionReportsModuleVersionAndRevision(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	const rev = "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		name   string
		linked string
		info   func() (*debug.BuildInfo, bool)
		want   string
	}{
		{"go install of a tag", "dev", stamped("v1.4.0"), "soratui v1.4.0\n"},
		{"go build in a checkout", "dev", stamped("(devel)", "vcs.revision", rev, "vcs.time", "2026-12-01T20:00:00Z", "vcs.modified", "false"),
			"soratui dev (commit 0123456789ab, 2026-12-01T20:00:00Z)\n"},
		{"uncommitted changes", "", stamped("(devel)", "vcs.revision", rev, "vcs.modified", "true"), "soratui dev (commit 0123456789ab-dirty)\n"},
		{"ldflags win", "v2.0.0-rc1", stamped("v1.4.0", "vcs.revision", rev), "soratui v2.0.0-rc1 (commit 0123456789ab)\n"},
		{"no build info", "dev", func() (*debug.BuildInfo, bool) { return nil, false }, "soratui dev\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, args := range [][]string{{"version"}, {"--version"}} {
				r := h.runEnv("", func(e *cli.Env) { e.Version, e.BuildInfo = tt.linked, tt.info }, args...)
				if r.code != 0 || r.stdout != tt.want {
					t.Errorf("%v: exit %d, %q; want %q", args, r.code, r.stdout, tt.want)
				}
			}
		})
	}
}

func TestManPageCoversTheCommandTree(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	r := h.run("", "man")
	if r.code != 0 || !strings.HasPrefix(r.stdout, ".TH SORATUI 1") {
		t.Fatalf("exit %d, page starts %q", r.code, r.stdout[:min(len(r.stdout), 40)])
	}
	for _, want := range []string{"submit", "--prompt", "download", "--jq", "EXIT STATUS", "APIDOT_API_KEY"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("man page lacks %q", want)
		}
	}
}
