package cli

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/jobs"
)

type resolveOptions struct {
	task     string
	rejected bool
	wait     bool
	out      *jsonOutput
}

func newResolveCmd(a *app) *cobra.Command {
	var o resolveOptions
	cmd := &cobra.Command{
		Use:   "resolve ID (--task TASK_ID | --rejected)",
		Short: "Settle an unconfirmed job: attach its real task, or mark it never billed",
		Long: `An unconfirmed job is one whose submit got no clear answer: the task may
exist on the server and be billed. Once you know (from APIDot's dashboard, or
the task id a submit printed), settle it: --task TASK_ID adopts the real task
into this record and follows it like any job (--wait waits for its end);
--rejected marks it never created, so it counts as nothing spent.`,
		Example: `  soratui resolve 01jx8k2m --task task-unified-1745090382-0001 --wait
  soratui resolve 01jx8k2m --rejected`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runResolve(cmd.Context(), a, args[0], o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.task, "task", "", "the real task id of the job")
	f.BoolVar(&o.rejected, "rejected", false, "mark the job never created (never billed)")
	f.BoolVar(&o.wait, "wait", false, "with --task, follow the task until it is finished or failed")
	o.out = addJSONFlags(cmd, "print the job as JSON", a.env.Now)
	return cmd
}

func runResolve(ctx context.Context, a *app, ref string, o resolveOptions) error {
	if (o.task == "") == !o.rejected {
		return usageErrorf("pass exactly one of --task TASK_ID or --rejected")
	}
	store, err := a.openStore()
	if err != nil {
		return err
	}
	j, err := findJob(store, ref)
	if err != nil {
		return err
	}
	if o.task != "" && !apidot.ValidTaskID(o.task) {
		return usageErrorf("%q is not a task id (letters, digits, '-', '_', '.', ':')", o.task)
	}
	// Marking a job never billed asks nothing of the server, so it needs no key.
	svc, err := a.localService()
	if o.task != "" {
		svc, err = a.service(ctx, false)
	}
	if err != nil {
		return err
	}
	job, err := svc.Resolve(ctx, j.ID, o.task)
	switch {
	case errors.Is(err, jobs.ErrNotResolvable), errors.Is(err, jobs.ErrUnknownTask):
		return &UsageError{Err: err, Help: "'soratui show " + j.ID + "' says where the job stands."}
	case err != nil:
		return err
	}
	return a.finishAdopted(ctx, svc, job, o.wait && o.task != "", o.out)
}
