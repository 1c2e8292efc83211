package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/jobs"
)

// maxPromptFile caps what --prompt-file reads: well past the prompt limit,
// so the validation error can still say how long the prompt was.
const maxPromptFile = 1 << 20

type submitOptions struct {
	model       string
	prompt      string
	promptFile  string
	images      []string
	duration    int
	aspect      string
	resolution  string
	compare     string
	callbackURL string
	sendFlags
	out *jsonOutput
	// changed reports whether a flag was given, so defaults from the
	// settings yield to it.
	changed func(flag string) bool
}

func newSubmitCmd(a *app) *cobra.Command {
	var o submitOptions
	cmd := &cobra.Command{
		Use:   "submit --prompt TEXT [flags]",
		Short: "Submit a video job (or a comparison group) and print it",
		Long: `Submit validates the request, records the job in the history, then sends it.
Invalid input exits 2 with nothing sent. With --wait it follows the job until
it is finished or failed, printing progress on stderr.

--compare replaces --model and --resolution with a comma list of variants
(standard, pro = pro-720p, pro-720p, pro-1024p, pro-1080p): the same prompt is
submitted once per variant, as one group.`,
		Example: `  soratui submit --prompt "a red fox in fresh snow, slow dolly" --wait
  soratui submit --model pro --resolution 1080p --duration 8 --prompt-file prompt.txt
  soratui submit --compare standard,pro-1080p --prompt "city at night" --json`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.changed = cmd.Flags().Changed
			return runSubmit(cmd.Context(), a, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.model, "model", "standard", "standard, pro, or an API model name")
	f.StringVarP(&o.prompt, "prompt", "p", "", "what to generate: subject, action, camera, lighting, style")
	f.StringVar(&o.promptFile, "prompt-file", "", "read the prompt from a file ('-' for stdin)")
	f.StringArrayVar(&o.images, "image", nil, "a guiding image URL (http or https; at most one)")
	f.IntVarP(&o.duration, "duration", "d", apidot.DefaultDuration, "seconds: 4, 8, 12, 16 or 20")
	f.StringVar(&o.aspect, "aspect", "", "aspect ratio: 16:9, 9:16, or auto (Pro with an image)")
	f.StringVar(&o.resolution, "resolution", "", "Pro only: 720p (default), 1024p or 1080p")
	f.StringVar(&o.compare, "compare", "", "submit one job per variant, e.g. standard,pro-1080p")
	f.StringVar(&o.callbackURL, "callback-url", "", "APIDot POSTs the finished task there (see soratui webhook)")
	o.sendFlags.register(cmd, "the job")
	o.out = addJSONFlags(cmd, "print the job as JSON (an array with --compare)", a.env.Now)
	return cmd
}

// requests builds the request of every variant from the flags.
func (o submitOptions) requests(stdin io.Reader) ([]apidot.Request, error) {
	prompt, err := o.readPrompt(stdin)
	if err != nil {
		return nil, err
	}
	base := apidot.Request{
		Prompt:      prompt,
		Duration:    o.duration,
		AspectRatio: o.aspect,
		Resolution:  o.resolution,
		ImageURLs:   o.images,
		CallbackURL: o.callbackURL,
	}
	if o.compare != "" {
		if o.changed("model") || o.changed("resolution") {
			return nil, usageErrorf("--compare takes the place of --model and --resolution: give the variants only")
		}
		variants, err := apidot.ParseVariants(o.compare)
		if err != nil {
			return nil, &UsageError{Err: fmt.Errorf("--compare: %w", err)}
		}
		reqs := make([]apidot.Request, len(variants))
		for i, v := range variants {
			reqs[i] = v.Apply(base)
		}
		return reqs, nil
	}
	model, err := apidot.ParseModel(o.model)
	if err != nil {
		return nil, &UsageError{Err: fmt.Errorf("--model: %w", err)}
	}
	base.Model = model
	return []apidot.Request{base}, nil
}

func (o submitOptions) readPrompt(stdin io.Reader) (string, error) {
	if o.promptFile == "" {
		return o.prompt, nil
	}
	if o.changed("prompt") {
		return "", usageErrorf("give the prompt with --prompt or --prompt-file, not both")
	}
	var r io.Reader = stdin
	if o.promptFile != "-" {
		f, err := os.Open(o.promptFile)
		if err != nil {
			return "", &UsageError{Err: fmt.Errorf("--prompt-file: %w", err)}
		}
		defer f.Close()
		r = f
	}
	b, err := io.ReadAll(io.LimitReader(r, maxPromptFile+1))
	if errors.Is(err, context.Canceled) {
		return "", errors.New("submit stopped while reading the prompt: nothing was sent")
	}
	if err != nil {
		return "", fmt.Errorf("reading the prompt: %w", err)
	}
	if len(b) > maxPromptFile {
		return "", usageErrorf("--prompt-file: the file is over %d KiB; a prompt is at most %d characters", maxPromptFile>>10, apidot.MaxPromptRunes)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

func runSubmit(ctx context.Context, a *app, o submitOptions) error {
	if err := o.sendFlags.check(); err != nil {
		return err
	}
	eff, err := a.settings()
	if err != nil {
		return err
	}
	submitDefaults(&o, eff.Settings)
	reqs, err := o.requests(stdinStoppable(ctx, a.env.Stdin))
	if err != nil {
		return err
	}
	// Every variant is valid before anything is recorded or sent.
	for _, r := range reqs {
		if err := r.Validate(); err != nil {
			return err
		}
	}
	stderr := a.env.Stderr
	if err := a.checkBudget(reqs, o.overBudget, stderr); err != nil {
		return err
	}
	final, submitErr, dlErr, err := a.sendJobs(ctx, o.wait, o.download, func(svc *jobs.Service) ([]history.Job, error) {
		if img := reqs[0].ImageURL(); img != "" {
			if err := apidot.CheckImage(ctx, nil, img); err != nil {
				return nil, &UsageError{Err: err, Help: "Nothing was sent. Use a public http(s) link to a PNG, JPEG or WebP image."}
			}
		}
		if len(reqs) > 1 {
			total := apidot.Credits(0)
			for _, r := range reqs {
				total += apidot.Price(r)
			}
			fmt.Fprintf(stderr, "Submitting %d variants: %s in total (%s)\n", len(reqs), total, apidot.EstimateNote)
		}
		return svc.SubmitGroup(ctx, reqs)
	})
	if err != nil {
		return err
	}
	if o.out.enabled() {
		if o.compare != "" {
			err = o.out.write(a.env.Stdout, final)
		} else {
			err = o.out.write(a.env.Stdout, final[0])
		}
	} else {
		writeSubmitted(a.env.Stdout, final)
	}
	return firstError(err, submitErr, failedJobs(final), dlErr)
}

// firstError is the first of errs that is not nil: a command's result
// error, then the submit's, then the jobs', then the downloads'.
func firstError(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// sendFlags are the flags of every command that sends jobs: follow them,
// save their videos, pass the monthly budget. One set, so the commands
// cannot drift apart in names or rules.
type sendFlags struct {
	wait       bool
	download   bool
	overBudget bool
}

// register adds the flags; which names the jobs the command sends.
func (s *sendFlags) register(cmd *cobra.Command, which string) {
	f := cmd.Flags()
	f.BoolVarP(&s.wait, "wait", "w", false, "follow "+which+" until finished or failed")
	f.BoolVar(&s.download, "download", false, "with --wait: save each finished video to the Videos folder")
	f.BoolVar(&s.overBudget, "over-budget", false, "send even when it passes monthly_budget (this command only)")
}

// check refuses --download without --wait: nothing would stay to save.
func (s sendFlags) check() error {
	if s.download && !s.wait {
		return usageErrorf("--download needs --wait (or download later with 'soratui download ID')")
	}
	return nil
}

// sendJobs sends jobs through the job service with send and, with wait,
// follows them to their end (saving each finished video with download),
// showing their progress and notifications on stderr; every line is out
// when it returns. final is the jobs' last records; submitErr is send's
// error (jobs may have been recorded anyway), dlErr an automatic
// download's (already reported), and err why nothing could be shown.
func (a *app) sendJobs(ctx context.Context, wait, download bool, send func(*jobs.Service) ([]history.Job, error)) (final []history.Job, submitErr, dlErr, err error) {
	svc, err := a.service(ctx, a.autoDownload(download, wait))
	if err != nil {
		return nil, nil, nil, err
	}
	var progress *progressView
	if wait {
		progress = a.newProgressView()
	}
	listen, notified := a.withNotify(recordWaits(a.env.Stderr, progress))
	defer notified()
	stop := svc.Listen(listen)
	defer stop()
	final, submitErr = send(svc)
	if len(final) == 0 {
		return nil, nil, nil, submitErr
	}
	if wait && submitErr == nil {
		if final, dlErr, err = awaitJobs(ctx, svc, final); err != nil {
			return nil, nil, nil, err
		}
	}
	return final, submitErr, dlErr, nil
}

// awaitJobs follows js through the service until each is finished or
// failed. dlErr (exit 1, already reported on stderr) says whether an
// automatic download failed; err says why following stopped early.
func awaitJobs(ctx context.Context, svc *jobs.Service, js []history.Job) (final []history.Job, dlErr, err error) {
	ids := make([]string, len(js))
	for i, j := range js {
		ids[i] = j.ID
	}
	final = make([]history.Job, 0, len(js))
	var errs []error
	var failed []string
	for _, o := range svc.Await(ctx, ids) {
		if errors.Is(o.Err, jobs.ErrDeleted) {
			// Deleted meanwhile (here or by another process): followed no
			// more and left out; the progress printer has said so.
			continue
		}
		final = append(final, o.Job)
		if o.Err != nil {
			errs = append(errs, o.Err)
		}
		if o.DownloadErr != nil {
			failed = append(failed, o.Job.ID)
		}
	}
	if len(failed) > 0 {
		dlErr = &SilentError{Code: 1, Err: fmt.Errorf("download failed: %s", strings.Join(failed, ", "))}
	}
	return final, dlErr, errors.Join(errs...)
}

// failedJobs is an exit-1 error when any job did not finish, already
// reported on stdout.
func failedJobs(js []history.Job) error {
	var bad []string
	for _, j := range js {
		switch j.Status {
		case history.StatusFailed, history.StatusRejected, history.StatusUnconfirmed, history.StatusExpired:
			bad = append(bad, j.ID+" "+string(j.Status))
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return &SilentError{Code: 1, Err: fmt.Errorf("not finished: %s", strings.Join(bad, ", "))}
}
