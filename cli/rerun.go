package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/jobs"
)

type rerunOptions struct {
	ref        string
	model      string
	duration   int
	aspect     string
	resolution string
	sendFlags
	out     *jsonOutput
	changed func(string) bool
}

func newRerunCmd(a *app) *cobra.Command {
	var o rerunOptions
	cmd := &cobra.Command{
		Use:   "rerun ID [flags]",
		Short: "Submit a job again: the same prompt and parameters, as a new job",
		Long: `Rerun submits a new job with the prompt, image and parameters of job ID (its
local id, a unique prefix, or its task id); --model, --duration, --aspect and
--resolution change them. A job that was part of a comparison joins the same
group, so the new take shows beside the others. It is validated, checked
against the monthly budget and recorded before it is sent, like submit.`,
		Example: `  soratui rerun 01jx8k2m --wait
  soratui rerun 01jx8k2m --model pro --resolution 1080p --json`,
		Args: usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.ref, o.changed = args[0], cmd.Flags().Changed
			return runRerun(cmd.Context(), a, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.model, "model", "", "standard, pro, or an API model name (default: the job's)")
	f.IntVarP(&o.duration, "duration", "d", 0, "seconds: 4, 8, 12, 16 or 20 (default: the job's)")
	f.StringVar(&o.aspect, "aspect", "", "16:9, 9:16 or auto (default: the job's)")
	f.StringVar(&o.resolution, "resolution", "", "Pro only: 720p, 1024p or 1080p (default: the job's)")
	o.sendFlags.register(cmd, "the new job")
	o.out = addJSONFlags(cmd, "print the new job as JSON", a.env.Now)
	return cmd
}

// request is the original's request with the flags laid over it.
func (o rerunOptions) request(orig history.Job) (apidot.Request, error) {
	r := jobs.Request(orig)
	if o.changed("model") {
		m, err := apidot.ParseModel(o.model)
		if err != nil {
			return r, &UsageError{Err: fmt.Errorf("--model: %w", err)}
		}
		if !apidot.IsPro(m) {
			r.Resolution = "" // Standard takes none
		}
		r.Model = m
	}
	if o.changed("duration") {
		r.Duration = o.duration
	}
	if o.changed("aspect") {
		r.AspectRatio = o.aspect
	}
	if o.changed("resolution") {
		r.Resolution = o.resolution
	}
	return r.WithDefaults(), r.Validate()
}

func runRerun(ctx context.Context, a *app, o rerunOptions) error {
	if err := o.sendFlags.check(); err != nil {
		return err
	}
	store, err := a.openStore()
	if err != nil {
		return err
	}
	orig, err := findJob(store, o.ref)
	if err != nil {
		return err
	}
	req, err := o.request(orig)
	if err != nil {
		return err
	}
	if err := a.checkBudget([]apidot.Request{req}, o.overBudget, a.env.Stderr); err != nil {
		return err
	}
	if img := req.ImageURL(); img != "" {
		if err := apidot.CheckImage(ctx, nil, img); err != nil {
			return &UsageError{Err: err, Help: "Nothing was sent: the original's image is no longer usable."}
		}
	}
	final, submitErr, dlErr, err := a.sendJobs(ctx, o.wait, o.download, func(svc *jobs.Service) ([]history.Job, error) {
		return svc.SubmitTagged(ctx, []apidot.Request{req}, func(j *history.Job) { j.GroupID = orig.GroupID })
	})
	if err != nil {
		return err
	}
	if o.out.enabled() {
		err = o.out.write(a.env.Stdout, final[0])
	} else {
		writeSubmitted(a.env.Stdout, final)
	}
	return firstError(err, submitErr, failedJobs(final), dlErr)
}
