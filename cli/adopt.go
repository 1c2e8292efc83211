package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/jobs"
)

type adoptOptions struct {
	variant string
	wait    bool
	out     *jsonOutput
}

func newAdoptCmd(a *app) *cobra.Command {
	var o adoptOptions
	cmd := &cobra.Command{
		Use:   "adopt TASK_ID [--wait] [--json]",
		Short: "Take over a task submitted elsewhere and follow it like any job",
		Long: `Adopt reads the status of a task submitted outside this history (with curl,
the vendor's examples, another machine, or a submit whose answer could not be
recorded), records it as a job and, with --wait, follows it to its end. The
status answer does not say the prompt, so it is recorded as "(adopted)"; name
the variant with --variant. Adopting a task already in the history changes
nothing.`,
		Example: `  soratui adopt task-unified-1745090382-0001 --wait`,
		Args:    usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAdopt(cmd.Context(), a, args[0], o)
		},
	}
	cmd.Flags().StringVar(&o.variant, "variant", "standard", "the task's variant: standard, pro-720p, pro-1024p or pro-1080p")
	cmd.Flags().BoolVar(&o.wait, "wait", false, "follow the task until it is finished or failed")
	o.out = addJSONFlags(cmd, "print the job as JSON", a.env.Now)
	return cmd
}

func runAdopt(ctx context.Context, a *app, taskID string, o adoptOptions) error {
	if !apidot.ValidTaskID(taskID) {
		return usageErrorf("%q is not a task id (letters, digits, '-', '_', '.', ':')", taskID)
	}
	v, err := apidot.ParseVariant(o.variant)
	if err != nil {
		return &UsageError{Err: err}
	}
	svc, err := a.service(ctx, false)
	if err != nil {
		return err
	}
	job, existed, err := svc.Adopt(ctx, taskID, v.Model)
	if errors.Is(err, jobs.ErrUnknownTask) {
		return &UsageError{Err: err, Help: "Check the task id; APIDot keeps tasks for 24 hours to 3 days."}
	}
	if err != nil {
		return err
	}
	if existed {
		fmt.Fprintf(a.env.Stderr, "Task %s is already in the history as job %s; nothing changed.\n", taskID, job.ID)
	}
	return a.finishAdopted(ctx, svc, job, o.wait, o.out)
}

// finishAdopted follows an adopted or resolved job when asked, then prints it.
func (a *app) finishAdopted(ctx context.Context, svc *jobs.Service, job history.Job, wait bool, out *jsonOutput) error {
	if wait && !job.Status.Terminal() {
		stop := svc.Listen((&progressPrinter{w: a.env.Stderr}).event)
		final, _, err := awaitJobs(ctx, svc, []history.Job{job})
		stop()
		if err != nil {
			return err
		}
		if len(final) == 1 {
			job = final[0]
		}
	}
	if out.enabled() {
		return out.write(a.env.Stdout, job)
	}
	writeSubmitted(a.env.Stdout, []history.Job{job})
	if wait {
		return failedJobs([]history.Job{job})
	}
	return nil
}
