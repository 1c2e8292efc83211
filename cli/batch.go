package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/batch"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/internal/inert"
)

type batchOptions struct {
	file       string
	parallel   int
	maxCredits int
	dryRun     bool
	sendFlags
	out *jsonOutput
}

func newBatchCmd(a *app) *cobra.Command {
	var o batchOptions
	cmd := &cobra.Command{
		Use:   "batch FILE",
		Short: "Submit a shot list: one job (or comparison) per line of a JSON Lines or CSV file",
		Long: `Batch submits every line of FILE ('-' for stdin): JSON Lines, one object per line
with the submit fields (prompt, model, duration, aspect, resolution, image,
compare as a list or a comma string, and an optional name), or CSV with a
header row of the same names. Fields a line leaves out come from the settings
('soratui config').

Every line is validated first; one bad line refuses the whole file (exit 2,
each bad line named) and nothing is sent. The total estimate is printed; past
--max-credits or the monthly budget the file is refused. --dry-run prints the
plan and sends nothing. Each line has a stable key (its content and position),
so running the same file again sends only the lines not sent yet (a line whose
job was rejected may go again). The jobs of a file share a batch id.`,
		Example: `  soratui batch shots.jsonl --dry-run
  soratui batch shots.csv --parallel 3 --max-credits 2000 --wait --download
  cat shots.jsonl | soratui batch - --json`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.file = args[0]
			return runBatch(cmd.Context(), a, o)
		},
	}
	f := cmd.Flags()
	f.IntVar(&o.parallel, "parallel", 2, "at most this many of the batch's jobs unfinished at once")
	f.IntVar(&o.maxCredits, "max-credits", 0, "refuse the file when its estimate passes this many credits (0: no cap)")
	f.BoolVar(&o.dryRun, "dry-run", false, "print the plan (line, variant, estimate) and send nothing")
	o.sendFlags.register(cmd, "every job")
	o.out = addJSONFlags(cmd, "print the plan (--dry-run) or the jobs as JSON", a.env.Now)
	return cmd
}

func runBatch(ctx context.Context, a *app, o batchOptions) error {
	if o.parallel < 1 {
		return usageErrorf("--parallel must be 1 or more")
	}
	if err := o.sendFlags.check(); err != nil {
		return err
	}
	plan, err := a.batchPlan(ctx, o.file)
	if err != nil {
		return err
	}
	stderr := a.env.Stderr
	if o.dryRun {
		return writePlan(a.env.Stdout, o.out, plan)
	}
	todo := plan.ToSend()
	if len(todo) == 0 {
		fmt.Fprintf(stderr, "%d of %d already submitted (batch %s): nothing to send.\n", len(plan.Lines), len(plan.Lines), plan.BatchID)
		return o.printJobs(a, sentJobs(plan))
	}
	fmt.Fprintf(stderr, "Batch %s: %d line(s), %d job(s), %s (%s)", plan.BatchID, len(todo), plan.Jobs(), apidot.Credits(plan.Estimate()), apidot.EstimateNote)
	if done := len(plan.Lines) - len(todo); done > 0 {
		fmt.Fprintf(stderr, "; %d of %d already submitted", done, len(plan.Lines))
	}
	fmt.Fprintln(stderr)
	if o.maxCredits > 0 && plan.Estimate() > o.maxCredits {
		return usageErrorf("the batch is estimated at %s, more than --max-credits %d; nothing was sent", apidot.Credits(plan.Estimate()), o.maxCredits)
	}
	if err := a.checkBudgetFor(plan.Estimate(), o.overBudget, stderr); err != nil {
		return err
	}
	return a.sendBatch(ctx, o, plan)
}

// batchPlan reads, validates and plans the file against the history.
func (a *app) batchPlan(ctx context.Context, file string) (batch.Plan, error) {
	eff, err := a.settings()
	if err != nil {
		return batch.Plan{}, err
	}
	r := stdinStoppable(ctx, a.env.Stdin)
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return batch.Plan{}, &UsageError{Err: err}
		}
		defer f.Close()
		r = f
	}
	s := eff.Settings
	shots, err := batch.Parse(ctx, r, batch.Defaults{Model: s.Model, Duration: s.Duration, Aspect: s.Aspect, Resolution: s.Resolution},
		func(ctx context.Context, url string) error { return apidot.CheckImage(ctx, nil, url) })
	if inv := (*batch.InvalidError)(nil); errors.As(err, &inv) {
		return batch.Plan{}, &UsageError{Err: err, Help: "Fix the lines named above and run the same command again."}
	}
	if errors.Is(err, context.Canceled) {
		return batch.Plan{}, errors.New("batch stopped while reading the shot list: nothing was sent")
	}
	if err != nil {
		return batch.Plan{}, err
	}
	store, err := a.openStore()
	if err != nil {
		return batch.Plan{}, err
	}
	return batch.NewPlan(store, shots, a.env.now())
}

// sendBatch runs the plan through the job service and prints the jobs.
func (a *app) sendBatch(ctx context.Context, o batchOptions, plan batch.Plan) error {
	svc, err := a.service(ctx, a.autoDownload(o.download, o.wait))
	if err != nil {
		return err
	}
	var stop func()
	if o.wait {
		listen, notified := a.withNotify(a.newProgressView().event)
		defer notified()
		stop = svc.Listen(listen)
	}
	runner := batch.Runner{Service: svc, Parallel: o.parallel}
	if !o.wait {
		runner.OnSubmitted = func(l batch.PlanLine, js []history.Job, _ error) {
			for _, j := range js {
				fmt.Fprintf(a.env.Stderr, "line %d: %s\n", l.Line, describeJob(j))
			}
		}
	}
	res, runErr := runner.Run(ctx, plan, o.wait)
	if stop != nil {
		stop()
	}
	if err := o.printJobs(a, res.Jobs); err != nil {
		return err
	}
	if res.Unsent > 0 {
		fmt.Fprintf(a.env.Stderr, "%d line(s) not sent; run the same command again to send them.\n", res.Unsent)
	}
	if runErr != nil {
		return runErr
	}
	if !o.wait {
		fmt.Fprintln(a.env.Stderr, "Every line is sent; 'soratui watch' follows the jobs still running.")
		return rejectedJobs(res.Jobs)
	}
	return failedJobs(res.Jobs)
}

// rejectedJobs is failedJobs for jobs not followed to their end.
func rejectedJobs(js []history.Job) error {
	var bad []history.Job
	for _, j := range js {
		if j.Status == history.StatusRejected || j.Status == history.StatusUnconfirmed {
			bad = append(bad, j)
		}
	}
	return failedJobs(bad)
}

func (o batchOptions) printJobs(a *app, js []history.Job) error {
	if o.out.enabled() {
		if js == nil {
			js = []history.Job{}
		}
		return o.out.write(a.env.Stdout, js)
	}
	writeSubmitted(a.env.Stdout, js)
	return nil
}

// sentJobs are the jobs earlier runs made from the plan's lines.
func sentJobs(p batch.Plan) []history.Job {
	var out []history.Job
	for _, l := range p.Lines {
		out = append(out, l.Sent...)
	}
	return out
}

// planLineJSON is one line of `batch --dry-run --json`.
type planLineJSON struct {
	Line    int    `json:"line"`
	Name    string `json:"name,omitempty"`
	Variant string `json:"variant"`
	Jobs    int    `json:"jobs"`
	Credits int    `json:"credits"`
	Sent    bool   `json:"already_submitted"`
	Key     string `json:"key"`
}

// writePlan prints what a run would send, line by line, and the total.
func writePlan(w io.Writer, out *jsonOutput, p batch.Plan) error {
	rows := make([]planLineJSON, len(p.Lines))
	for i, l := range p.Lines {
		rows[i] = planLineJSON{Line: l.Line, Name: l.Name, Variant: l.Label(), Jobs: len(l.Requests), Credits: l.Estimate(), Sent: l.Done(), Key: l.Key}
	}
	if out.enabled() {
		return out.write(w, map[string]any{"batch_id": p.BatchID, "lines": rows, "total": p.Estimate(), "jobs": p.Jobs()})
	}
	for _, r := range rows {
		state := ""
		if r.Sent {
			state = "  (already submitted)"
		}
		name := ""
		if r.Name != "" {
			name = " " + inert.Line(r.Name) + ":"
		}
		fmt.Fprintf(w, "line %d:%s %s, %s%s\n", r.Line, name, r.Variant, apidot.Credits(r.Credits), state)
	}
	_, err := fmt.Fprintf(w, "Total: %d job(s), %s (%s). Nothing was sent (--dry-run).\n", p.Jobs(), apidot.Credits(p.Estimate()), apidot.EstimateNote)
	return err
}
