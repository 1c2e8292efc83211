package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/config"
	"github.com/soratui/soratui/download"
)

// settings are the config file and the environment, loaded once per run.
func (a *app) settings() (config.Effective, error) { return a.res.settings() }

// loadSettings reads the settings; a bad file is a usage error (exit 2)
// naming the line and key. resources calls it at most once.
func (a *app) loadSettings() (config.Effective, error) {
	videos, err := download.VideosDir(a.env.getenv)
	if err == nil {
		videos = filepath.Join(videos, "soratui")
	}
	eff, err := config.Load(a.env.getenv, videos)
	if errors.Is(err, config.ErrInvalid) {
		err = &UsageError{Err: err, Help: "Fix the file or the variable, then check with 'soratui config'."}
	}
	return eff, err
}

type configOptions struct {
	out *jsonOutput
}

func newConfigCmd(a *app) *cobra.Command {
	var o configOptions
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Print the effective settings and where each came from",
		Long: `Config prints every setting in force and where it came from: the built-in
default, the config file ($XDG_CONFIG_HOME/soratui/config.toml, or
$SORATUI_CONFIG), or an environment variable (SORATUI_MODEL and so on).
Command-line flags win over all of them.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runConfig(cmd.Context(), a, o) },
	}
	o.out = addJSONFlags(cmd, "print the settings and their origins as JSON", a.env.Now)
	return cmd
}

// configJSON is one setting as `config --json` prints it.
type configJSON struct {
	Key    string `json:"key"`
	Value  string `json:"value"`
	Origin string `json:"origin"`
}

func runConfig(_ context.Context, a *app, o configOptions) error {
	eff, err := a.settings()
	if err != nil {
		return err
	}
	w := a.env.Stdout
	if o.out.enabled() {
		rows := make([]configJSON, len(config.Keys))
		for i, k := range config.Keys {
			rows[i] = configJSON{Key: k, Value: eff.Value(k), Origin: eff.Origins[k].String()}
		}
		return o.out.write(w, map[string]any{"file": eff.Path, "settings": rows})
	}
	state := "not found: every value below is a default or from the environment"
	if _, err := os.Stat(eff.Path); err == nil {
		state = "read"
	}
	fmt.Fprintf(w, "Config file: %s (%s)\n\n", eff.Path, state)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KEY\tVALUE\tFROM")
	for _, k := range config.Keys {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", k, eff.Value(k), eff.Origins[k])
	}
	return tw.Flush()
}

// submitDefaults fills the submit options the user left unset from the
// settings, so flags win over the environment and the file.
func submitDefaults(o *submitOptions, s config.Settings) {
	f := o.changed
	if !f("model") {
		o.model = s.Model
	}
	if !f("duration") {
		o.duration = s.Duration
	}
	if !f("aspect") {
		o.aspect = s.Aspect
	}
	// A configured resolution is for Pro only: Standard refuses one.
	if m, err := apidot.ParseModel(o.model); err == nil && apidot.IsPro(m) && !f("resolution") && o.compare == "" {
		o.resolution = s.Resolution
	}
}
