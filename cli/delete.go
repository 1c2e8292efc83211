package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/jobs"
)

type deleteOptions struct {
	refs  []string // delete only: local ids, unique prefixes or task ids
	yes   bool
	force bool
}

func (o *deleteOptions) flags(cmd *cobra.Command) {
	f := cmd.Flags()
	f.BoolVarP(&o.yes, "yes", "y", false, "do not ask for confirmation (needed when stdin is not a terminal)")
	f.BoolVar(&o.force, "force", false, "also remove running jobs (the server still runs and bills them)")
}

const deleteRules = `On a terminal it asks first; scripts pass --yes (without it and without a
terminal nothing is removed and the exit code is 2). A running job (one with a
task id that is not finished or failed) is kept unless you pass --force: the
server still runs and bills it, and removing it only forgets it here. Kept
jobs are listed and the exit code is 1.

Saved video files are never deleted.`

func newDeleteCmd(a *app) *cobra.Command {
	var o deleteOptions
	cmd := &cobra.Command{
		Use:   "delete ID...",
		Short: "Remove jobs from the history (saved videos stay)",
		Long: `Delete removes jobs from the local history. Each ID is a local id, a unique
prefix of one, or a task id; if any is unknown, nothing is removed.

` + deleteRules,
		Example: `  soratui delete 01jx8k2m 01jx8k3q
  soratui delete task-unified-1745090382-0001 --yes`,
		Args: usageArgs(cobra.MinimumNArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.refs = args
			return runDelete(cmd.Context(), a, o)
		},
	}
	o.flags(cmd)
	return cmd
}

func runDelete(ctx context.Context, a *app, o deleteOptions) error {
	if err := a.canRemove(o); err != nil {
		return err
	}
	svc, err := a.localService()
	if err != nil {
		return err
	}
	store := svc.Store()
	var js []history.Job
	seen := map[string]bool{}
	for _, ref := range o.refs {
		j, err := findJob(store, ref)
		if err != nil {
			var usage *UsageError
			if errors.As(err, &usage) {
				usage.Help = strings.TrimSpace(usage.Help + " Nothing was deleted.")
			}
			return err
		}
		if !seen[j.ID] {
			seen[j.ID] = true
			js = append(js, j)
		}
	}
	return a.removeJobs(ctx, svc, js, o, "")
}

type pruneOptions struct {
	deleteOptions
	olderThan string
}

func newPruneCmd(a *app) *cobra.Command {
	var o pruneOptions
	cmd := &cobra.Command{
		Use:   "prune --older-than DURATION",
		Short: "Remove jobs created before a given age from the history (saved videos stay)",
		Long: `Prune removes every job created more than DURATION ago (by its created_at).
DURATION is a Go duration (720h, 90m) or a number of days (30d, 1d12h).

` + deleteRules,
		Example: `  soratui prune --older-than 30d
  soratui prune --older-than 720h --yes`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.olderThan == "" {
				return &UsageError{Err: errors.New("--older-than is required, e.g. --older-than 30d"),
					Help: usageHelp(cmd)}
			}
			return runPrune(cmd.Context(), a, o)
		},
	}
	cmd.Flags().StringVar(&o.olderThan, "older-than", "", "remove jobs created longer ago than this: 30d, 12h, 1d12h")
	o.flags(cmd)
	return cmd
}

func runPrune(ctx context.Context, a *app, o pruneOptions) error {
	age, err := parseAge(o.olderThan)
	if err != nil {
		return &UsageError{Err: fmt.Errorf("--older-than: %w", err)}
	}
	if err := a.canRemove(o.deleteOptions); err != nil {
		return err
	}
	svc, err := a.localService()
	if err != nil {
		return err
	}
	store := svc.Store()
	cutoff := a.env.now().Add(-age)
	js, err := store.List(history.Query{CreatedBefore: cutoff})
	if err != nil {
		return err
	}
	when := cutoff.Local().Format("2006-01-02 15:04")
	if len(js) == 0 {
		_, err := fmt.Fprintf(a.env.Stdout, "No jobs created before %s.\n", when)
		return err
	}
	return a.removeJobs(ctx, svc, js, o.deleteOptions, " created before "+when)
}

// canRemove refuses, before anything is looked up, to remove without a
// confirmation that cannot be asked for.
func (a *app) canRemove(o deleteOptions) error {
	if o.yes || a.env.StdinIsTerminal {
		return nil
	}
	return &UsageError{Err: errors.New("not deleting without confirmation: stdin is not a terminal"),
		Help: "Pass --yes to delete without asking. Nothing was deleted."}
}

// removeJobs removes js through the job service (which stops following
// them), keeping running jobs unless
// --force, after asking on a terminal unless --yes. what describes the
// selection in the question ("Delete 3 jobs<what>?").
func (a *app) removeJobs(ctx context.Context, svc *jobs.Service, js []history.Job, o deleteOptions, what string) error {
	var remove, kept []history.Job
	for _, j := range js {
		if !o.force && j.TaskID != "" && !j.Status.Terminal() {
			kept = append(kept, j)
		} else {
			remove = append(remove, j)
		}
	}
	var keptErr error
	if len(kept) > 0 {
		ids := make([]string, len(kept))
		for i, j := range kept {
			ids[i] = j.ID
		}
		fmt.Fprintf(a.env.Stderr, "Kept %s (%s): not finished on the server; pass --force to delete %s anyway.\n",
			count(len(kept), "running job"), strings.Join(ids, ", "), itThem(len(kept)))
		keptErr = &SilentError{Code: 1, Err: fmt.Errorf("kept %s", count(len(kept), "running job"))}
	}
	if len(remove) == 0 {
		return keptErr
	}
	if !o.yes {
		listJobs(a, remove)
		ok, err := a.confirm(ctx, fmt.Sprintf("Delete %s%s? [y/N] ", count(len(remove), "job"), what))
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintln(a.env.Stderr, "Nothing deleted.")
			return &SilentError{Code: 1, Err: errors.New("deletion declined")}
		}
	}
	ids := make([]string, len(remove))
	withVideo := 0
	for i, j := range remove {
		ids[i] = j.ID
		if j.LocalPath != "" {
			withVideo++
		}
	}
	n, err := svc.Delete(ids...)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.env.Stdout, "Deleted %s.\n", count(n, "job"))
	if withVideo > 0 {
		fmt.Fprintf(a.env.Stderr, "Saved video files were left in place (%s).\n", count(withVideo, "file"))
	}
	return keptErr
}

// maxListed caps the jobs shown before the confirmation question.
const maxListed = 10

// listJobs shows what a confirmation is about, on stderr.
func listJobs(a *app, js []history.Job) {
	tw := tabwriter.NewWriter(a.env.Stderr, 0, 4, 2, ' ', 0)
	now := a.env.now()
	for i, j := range js {
		if i == maxListed {
			fmt.Fprintf(tw, "  … and %d more\n", len(js)-maxListed)
			break
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", j.ID, j.Status, age(now, j.CreatedAt), excerpt(j.Prompt, 40))
	}
	tw.Flush()
}

// confirm asks question on stderr and reads one line from stdin: only
// "y" or "yes" agrees. Ctrl-C at the question is a no.
func (a *app) confirm(ctx context.Context, question string) (bool, error) {
	fmt.Fprint(a.env.Stderr, question)
	line, err := bufio.NewReader(stdinStoppable(ctx, a.env.Stdin)).ReadString('\n')
	if err != nil && line == "" {
		fmt.Fprintln(a.env.Stderr)
		return false, nil
	}
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

// count is "1 job", "3 jobs", "1,234 jobs".
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return thousands(int64(n)) + " " + noun + "s"
}

func itThem(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// maxAgeDays keeps an age in days within time.Duration.
const maxAgeDays = 100_000

// parseAge reads a Go duration, optionally led by a number of days:
// "30d", "1d12h", "720h", "90m".
func parseAge(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	in := s
	var d time.Duration
	if days, rest, ok := strings.Cut(s, "d"); ok {
		n, err := strconv.ParseFloat(days, 64)
		if err != nil || n < 0 || n > maxAgeDays {
			return 0, fmt.Errorf("%q is not an age such as 30d, 12h or 1d12h", in)
		}
		d = time.Duration(n * float64(24*time.Hour))
		s = rest
	}
	if s != "" {
		rest, err := time.ParseDuration(s)
		if err != nil || rest < 0 {
			return 0, fmt.Errorf("%q is not an age such as 30d, 12h or 1d12h", in)
		}
		d += rest
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q: the age must be more than zero", in)
	}
	return d, nil
}
