package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
)

type listOptions struct {
	out      *jsonOutput
	statuses string
	model    string
	search   string
	limit    int
}

func newListCmd(a *app) *cobra.Command {
	var o listOptions
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List jobs from the history, newest first",
		Example: `  soratui list --status running,not_started
  soratui list --model pro --search "neon" --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runList(cmd.Context(), a, o)
		},
	}
	f := cmd.Flags()
	o.out = addJSONFlags(cmd, "print a JSON array", a.env.Now)
	f.StringVar(&o.statuses, "status", "", "only these statuses (comma list): "+statusNames())
	f.StringVar(&o.model, "model", "", "only this model: standard or pro")
	f.StringVar(&o.search, "search", "", "only jobs whose prompt, id or task id has this text where a word starts")
	f.IntVarP(&o.limit, "limit", "n", 50, "at most this many jobs (0: all)")
	return cmd
}

func runList(ctx context.Context, a *app, o listOptions) error {
	q, err := o.query()
	if err != nil {
		return err
	}
	store, err := a.openStore()
	if err != nil {
		return err
	}
	if err := o.out.compile(); err != nil {
		return &UsageError{Err: err}
	}
	if d := a.stdoutDisplay(); o.streams(d) {
		return listStopped(streamList(ctx, a.env.Stdout, store, q, o.out.enabled()))
	}
	js, err := store.ListContext(ctx, q)
	if err != nil {
		return listStopped(err)
	}
	if o.out.enabled() {
		if js == nil {
			js = []history.Job{}
		}
		return o.out.write(a.env.Stdout, js)
	}
	return writeJobList(a.env.Stdout, a.stdoutDisplay(), js, a.env.now())
}

// listStopped words a list stopped by Ctrl-C: a list changes nothing, so
// the hint of commands that follow jobs does not apply.
func listStopped(err error) error {
	if errors.Is(err, context.Canceled) {
		return errors.New("list stopped before its end")
	}
	return err
}

func statusNames() string {
	var names []string
	for _, s := range history.Statuses() {
		names = append(names, string(s))
	}
	return strings.Join(names, ", ")
}

func (o listOptions) query() (history.Query, error) {
	q := history.Query{Search: o.search, Limit: o.limit}
	if o.limit < 0 {
		return q, usageErrorf("--limit must be 0 (all) or more, not %d", o.limit)
	}
	if o.statuses != "" {
		for _, s := range strings.Split(o.statuses, ",") {
			st, err := history.ParseStatus(s)
			if err != nil {
				return q, &UsageError{Err: fmt.Errorf("--status: %w", err)}
			}
			q.Statuses = append(q.Statuses, st)
		}
	}
	if o.model != "" {
		m, err := apidot.ParseModel(o.model)
		if err != nil {
			return q, &UsageError{Err: fmt.Errorf("--model: %w", err)}
		}
		q.Model = m
	}
	return q, nil
}

type showOptions struct {
	ref string
	out *jsonOutput
}

func newShowCmd(a *app) *cobra.Command {
	var o showOptions
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show one job: its local id (or a unique prefix) or its task id",
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.ref = args[0]
			return runShow(cmd.Context(), a, o)
		},
	}
	o.out = addJSONFlags(cmd, "print the job as JSON", a.env.Now)
	return cmd
}

func runShow(_ context.Context, a *app, o showOptions) error {
	j, err := a.storedJob(o.ref)
	if err != nil {
		return err
	}
	if o.out.enabled() {
		return o.out.write(a.env.Stdout, j)
	}
	return writeJobDetail(a.env.Stdout, a.stdoutDisplay(), j)
}

// storedJob opens the history and finds the job ref names (see findJob).
func (a *app) storedJob(ref string) (history.Job, error) {
	store, err := a.openStore()
	if err != nil {
		return history.Job{}, err
	}
	return findJob(store, ref)
}

// findJob looks a job up by id, id prefix or task id, with usage errors a
// person can act on.
func findJob(store *history.Store, ref string) (history.Job, error) {
	j, err := store.Find(ref)
	switch {
	case errors.Is(err, history.ErrNotFound):
		return j, &UsageError{Err: fmt.Errorf("no job %q in the history", ref), Help: "'soratui list' shows the jobs and their ids."}
	case errors.Is(err, history.ErrAmbiguous):
		return j, &UsageError{Err: err, Help: "Give more characters of the id."}
	}
	return j, err
}

type watchOptions struct {
	download bool
}

func newWatchCmd(a *app) *cobra.Command {
	var o watchOptions
	cmd := &cobra.Command{
		Use:   "watch",
		Short: "Follow every unfinished job until all are finished or failed",
		Long: `Watch resumes polling every job that has a task id and is not finished or
failed, printing each change on stderr, and exits when all are done (1 if any
failed). Jobs left submitting by a process that stopped become unconfirmed:
they may exist on the server, so they are never resent.`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runWatch(cmd.Context(), a, o)
		},
	}
	cmd.Flags().BoolVar(&o.download, "download", false, "save each job that finishes to the Videos folder")
	return cmd
}

func runWatch(ctx context.Context, a *app, o watchOptions) error {
	svc, err := a.service(ctx, a.autoDownload(o.download, true))
	if err != nil {
		return err
	}
	listen, notified := a.withNotify(a.newProgressView().event)
	defer notified()
	stop := svc.Listen(listen)
	defer stop()
	follow, err := svc.Unfinished()
	if err != nil {
		return err
	}
	if len(follow) == 0 {
		stop()
		fmt.Fprintln(a.env.Stderr, "No unfinished jobs to follow.")
		return nil
	}
	fmt.Fprintf(a.env.Stderr, "Following %d unfinished jobs.\n", len(follow))
	final, dlErr, err := awaitJobs(ctx, svc, follow)
	stop()
	if err != nil {
		return err
	}
	done, expired := 0, 0
	for _, j := range final {
		switch j.Status {
		case history.StatusFinished:
			done++
		case history.StatusExpired:
			expired++
		}
	}
	summary := fmt.Sprintf("All done: %d finished, %d failed", done, len(final)-done-expired)
	if expired > 0 {
		summary += fmt.Sprintf(", %d expired (%s)", expired, history.ExpiredNote)
	}
	fmt.Fprintln(a.env.Stderr, summary+".")
	if done < len(final) {
		return &SilentError{Code: 1, Err: errors.New("some jobs failed")}
	}
	return dlErr
}

// exportOptions has no flags: export always writes every job.
type exportOptions struct{}

func newExportCmd(a *app) *cobra.Command {
	var o exportOptions
	return &cobra.Command{
		Use:   "export",
		Short: "Write every job to stdout as JSON Lines",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runExport(cmd.Context(), a, o)
		},
	}
}

func runExport(ctx context.Context, a *app, _ exportOptions) error {
	store, err := a.openStore()
	if err != nil {
		return err
	}
	out := a.env.Stdout
	if a.env.StderrIsTerminal && !a.env.StdoutIsTerminal {
		// A person waits at a terminal while the lines go elsewhere:
		// show how many have gone.
		if st, err := store.Stamp(); err == nil && st.Count > 0 {
			bar := a.patientBar()
			defer bar.end()
			out = &lineCounter{w: out, seen: func(n int64) { bar.draw("Exporting jobs", n, int64(st.Count)) }}
		}
	}
	err = store.ExportContext(ctx, out)
	if errors.Is(err, context.Canceled) {
		return errors.New("export stopped: the output holds only the oldest jobs")
	}
	return err
}

// lineCounter passes writes on to w and tells seen how many lines have
// gone through.
type lineCounter struct {
	w     io.Writer
	lines int64
	seen  func(lines int64)
}

func (c *lineCounter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	if k := bytes.Count(p[:n], []byte{'\n'}); k > 0 {
		c.lines += int64(k)
		c.seen(c.lines)
	}
	return n, err
}

type importOptions struct {
	file string // "-" reads stdin
}

func newImportCmd(a *app) *cobra.Command {
	var o importOptions
	return &cobra.Command{
		Use:   "import FILE",
		Short: "Merge jobs from a JSON Lines file ('-' for stdin); importing twice adds nothing",
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.file = args[0]
			return runImport(cmd.Context(), a, o)
		},
	}
}

func runImport(ctx context.Context, a *app, o importOptions) error {
	in := stdinStoppable(ctx, a.env.Stdin)
	if o.file != "-" {
		f, err := openImportFile(o.file)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	store, err := a.openStore()
	if err != nil {
		return err
	}
	// An import makes garbage fast (bbolt's per-key work) but keeps little
	// (a few chunks): collecting at thrice the live heap rather than twice
	// saves a sixth of its time; the limit keeps records of long prompts,
	// whose chunks keep more, within the import's memory bound, which also
	// counts the file's pages a transaction reads (~55 MiB at 1,000,000
	// jobs).
	defer debug.SetGCPercent(debug.SetGCPercent(200))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(88 << 20))
	bar := a.patientBar()
	total := 0
	res, err := store.ImportContext(ctx, in, history.ImportOptions{Check: checkImportedJob, Progress: func(at history.ImportProgress) {
		total = at.Total
		switch {
		case at.Total == 0:
			bar.draw("Checking lines", int64(at.Checked), 0)
		case at.IndexTotal > 0:
			// Counted in (word, job) pairs, tens of millions for a
			// million jobs: the share alone says how far it is.
			bar.drawShare("Indexing words", int64(at.Indexed), int64(at.IndexTotal))
		case at.Sorted > 0 && at.Written == 0:
			bar.draw("Sorting jobs", int64(at.Sorted), int64(at.Total))
		default:
			bar.draw("Importing jobs", int64(at.Written), int64(at.Total))
		}
	}})
	bar.end()
	var lineErr *history.LineError
	switch {
	case errors.As(err, &lineErr):
		return &UsageError{Err: fmt.Errorf("%s: %w", o.file, err), Help: "Nothing was imported."}
	case errors.Is(err, context.Canceled):
		return importStopped(res, total)
	case err != nil:
		return err
	}
	_, err = fmt.Fprintf(a.env.Stdout, "Imported %s new, %s updated, %s unchanged.\n",
		thousands(int64(res.Added)), thousands(int64(res.Updated)), thousands(int64(res.Unchanged)))
	return err
}

// importStopped words an import interrupted after res of total records.
func importStopped(res history.ImportResult, total int) error {
	done := res.Added + res.Updated + res.Unchanged
	if done == 0 {
		return errors.New("import stopped: nothing was imported")
	}
	return &hintError{err: fmt.Errorf("import stopped after %s of %s jobs: %s new, %s updated, %s unchanged",
		thousands(int64(done)), thousands(int64(total)), thousands(int64(res.Added)),
		thousands(int64(res.Updated)), thousands(int64(res.Unchanged))),
		hint: "What was imported stays. Importing the file again finishes it, adding nothing twice."}
}
