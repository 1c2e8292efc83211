package cli

import (
	"context"
	"fmt"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// buildVersion is what `soratui version` reports: the release version and
// the commit the binary was built from.
type buildVersion struct {
	Version  string // "v1.2.0", or "dev" for an untagged build
	Revision string // the VCS commit, empty when unknown
	Time     string // the commit's time, RFC 3339
	Modified bool   // built from a tree with uncommitted changes
}

// readVersion combines the version set at link time (the Makefile's
// -ldflags, which wins) with the module version and VCS stamp that `go
// build` and `go install` record in the binary.
func readVersion(linked string, read func() (*debug.BuildInfo, bool)) buildVersion {
	v := buildVersion{Version: linked}
	if read == nil {
		read = debug.ReadBuildInfo
	}
	info, ok := read()
	if !ok {
		if v.Version == "" {
			v.Version = "dev"
		}
		return v
	}
	if (v.Version == "" || v.Version == "dev") && info.Main.Version != "" && info.Main.Version != "(devel)" {
		v.Version = info.Main.Version
	}
	if v.Version == "" {
		v.Version = "dev"
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		}
	}
	return v
}

// String reads "v1.2.0 (commit 0123456789ab, 2026-12-01T20:00:00Z)", with
// "-dirty" after a commit built with uncommitted changes.
func (v buildVersion) String() string {
	if v.Revision == "" {
		return v.Version
	}
	rev := v.Revision
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if v.Modified {
		rev += "-dirty"
	}
	if v.Time != "" {
		return fmt.Sprintf("%s (commit %s, %s)", v.Version, rev, v.Time)
	}
	return fmt.Sprintf("%s (commit %s)", v.Version, rev)
}

// version is this binary's version as the environment sees it.
func (a *app) version() buildVersion { return readVersion(a.env.Version, a.env.BuildInfo) }

// versionOptions has no flags: version always prints one line.
type versionOptions struct{}

func newVersionCmd(a *app) *cobra.Command {
	var o versionOptions
	return &cobra.Command{
		Use:   "version",
		Short: "Print soratui's version and the commit it was built from",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runVersion(cmd.Context(), a, o)
		},
	}
}

func runVersion(_ context.Context, a *app, _ versionOptions) error {
	_, err := fmt.Fprintf(a.env.Stdout, "soratui %s\n", a.version())
	return err
}
