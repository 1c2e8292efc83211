package cli

import (
	"sync"
	"time"

	"github.com/spf13/cobra"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/config"
	"github.com/soratui/soratui/history"
)

// globalOptions are the flags every command shares, filled by flag parsing.
type globalOptions struct {
	dbPath    string
	pollEvery time.Duration
	demo      bool
}

// app is what every command is built from, made once by Run and not
// changed afterwards (flag parsing fills global): the process's
// environment, the global flags, the opener of files and links, and the
// resources a run opens on first use (so `soratui version` opens nothing).
type app struct {
	env    Env
	global *globalOptions
	open   func(target string) error
	res    *resources
}

// newApp builds the app of one run; close releases what it opened.
func newApp(env Env) *app {
	a := &app{env: env, global: &globalOptions{}, open: openTarget}
	a.res = newResources(a)
	return a
}

// withDemo is a copy of a that uses the simulator and the demo history,
// for the interface's "try the demo"; its resources close with a's.
func (a *app) withDemo() *app {
	g := *a.global
	g.demo = true
	d := &app{env: a.env, global: &g, open: a.open}
	d.res = newResources(d)
	a.res.onClose(d.res.close)
	return d
}

func (a *app) close() { a.res.close() }

// resources are what a run opens or loads at most once, each on first
// use, and closes when it ends. Every field is set by newResources and
// never reassigned; sync.Once makes first use safe from any goroutine.
type resources struct {
	store    func() (*history.Store, error)
	sim      func() *apidottest.Server
	settings func() (config.Effective, error)

	mu      sync.Mutex
	closers []func()
}

// newResources binds a's openers, each to run at most once.
func newResources(a *app) *resources {
	return &resources{
		store:    sync.OnceValues(a.newStore),
		sim:      sync.OnceValue(a.newDemoServer),
		settings: sync.OnceValues(a.loadSettings),
	}
}

func (r *resources) onClose(f func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closers = append(r.closers, f)
}

func (r *resources) close() {
	r.mu.Lock()
	closers := r.closers
	r.closers = nil
	r.mu.Unlock()
	for i := len(closers) - 1; i >= 0; i-- {
		closers[i]()
	}
}

func newRootCmd(a *app) *cobra.Command {
	root := &cobra.Command{
		Use:   "soratui",
		Short: "Make short videos with Sora 2 through APIDot, from the terminal",
		Long: `soratui submits Sora 2 video jobs to APIDot, follows them live and keeps
every job in a local history. Run it with no command for the terminal UI,
or use the commands below in scripts.`,
		Args: noArgs,
		// Three edits catch a swapped pair of letters ("sbumit").
		SuggestionsMinimumDistance: 3,
		SilenceUsage:               true,
		SilenceErrors:              true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runTUI(cmd.Context(), a)
		},
	}
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return &UsageError{Err: err, Help: usageHelp(cmd)}
	})
	pf := root.PersistentFlags()
	pf.StringVar(&a.global.dbPath, "db", "", "history file (env SORATUI_DB; default $XDG_DATA_HOME/soratui/history.db)")
	pf.DurationVar(&a.global.pollEvery, "poll-interval", 0, "fixed status polling interval, e.g. 5s (env SORATUI_POLL_INTERVAL; default adaptive)")
	pf.BoolVar(&a.global.demo, "demo", false, "use the built-in simulator and a separate demo history; no key needed")

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
		newManCmd(a),
		newConfigCmd(a),
		newSpendCmd(a),
		newPreviewCmd(a),
		newBatchCmd(a),
		newRerunCmd(a),
		newAdoptCmd(a),
		newResolveCmd(a),
	)
	root.Version = a.version().String()
	root.SetVersionTemplate("soratui {{.Version}}\n")
	addCompletions(root, a)
	return root
}
