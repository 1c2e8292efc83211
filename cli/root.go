package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/config"
	"github.com/soratui/soratui/history"
)

// app holds the global flags and what commands build from them lazily, so
// `soratui version` opens nothing.
type app struct {
	env       Env
	dbPath    string
	pollEvery time.Duration
	demo      bool
	closers   []func()

	store  *history.Store
	sim    *apidottest.Server
	cfg    *config.Effective // loaded once by settings
	cfgErr error
}

func (a *app) close() {
	for i := len(a.closers) - 1; i >= 0; i-- {
		a.closers[i]()
	}
	a.closers = nil
}

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "soratui",
		Short: "Make short videos with Sora 2 through APIDot, from the terminal",
		Long: `soratui submits Sora 2 video jobs to APIDot, follows them live and keeps
every job in a local history. Run it with no command for the terminal UI,
or use the commands below in scripts.`,
		Args:          noArgs,
		SilenceUsage:  true,
		SilenceErrors: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runTUI(cmd.Context(), a)
		},
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &UsageError{Err: err, Help: usageHelp(cmd)}
	})
	pf := root.PersistentFlags()
	pf.StringVar(&a.dbPath, "db", "", "history file (env SORATUI_DB; default $XDG_DATA_HOME/soratui/history.db)")
	pf.DurationVar(&a.pollEvery, "poll-interval", 0, "fixed status polling interval, e.g. 5s (env SORATUI_POLL_INTERVAL; default adaptive)")
	pf.BoolVar(&a.demo, "demo", false, "use the built-in simulator and a separate demo history; no key needed")

	root.AddCommand(
		newSubmitCmd(a),
		newListCmd(a),
		newShowCmd(a),
		newWatchCmd(a),
		newExportCmd(a),
		newImportCmd(a),
		newDownloadCmd(a),
		newDeleteCmd(a),
		newPruneCmd(a),
		newWebhookCmd(a),
		newKeyCmd(a),
		newVersionCmd(a),
		newConfigCmd(a),
	)
	return root
}

func newVersionCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print soratui's version",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(cmd.OutOrStdout(), "soratui %s\n", a.env.Version)
			return err
		},
	}
}
