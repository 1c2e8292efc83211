package cli

import (
	"context"
	"fmt"
	"net"

	"github.com/spf13/cobra"

	"github.com/soratui/soratui/internal/lockedio"
	"github.com/soratui/soratui/webhook"
)

type webhookOptions struct {
	listen string
	poll   bool
}

func newWebhookCmd(a *app) *cobra.Command {
	var o webhookOptions
	cmd := &cobra.Command{
		Use:   "webhook",
		Short: "Receive APIDot callbacks for jobs submitted with --callback-url",
		Long: `Webhook listens for APIDot's task callbacks (POST, any path) and records
what they announce once the status endpoint confirms it. It answers 202 at
once; a task id that is not in the history gets 404 and nothing is stored;
repeated deliveries change nothing; bodies over 1 MiB get 413. One line per
delivery goes to stderr. It runs until interrupted.

It listens on loopback by default: put a tunnel or reverse proxy in front
of it and give its public URL as --callback-url when you submit. With
--poll (the default) it also follows every unfinished job, as 'soratui
watch' does, so nothing depends on callbacks alone.`,
		Example: `  soratui webhook --listen 127.0.0.1:8787
  soratui submit --model standard --prompt "..." --callback-url https://example.net/soratui`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runWebhook(cmd.Context(), a, o)
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.listen, "listen", webhook.DefaultAddr, "address to listen on, host:port (port 0 picks a free one)")
	f.BoolVar(&o.poll, "poll", true, "also poll every unfinished job until it is finished or failed")
	return cmd
}

func runWebhook(ctx context.Context, a *app, o webhookOptions) error {
	// Progress lines and delivery lines come from different goroutines.
	stderr := lockedio.NewWriter(a.env.Stderr)
	progress := &progressPrinter{w: stderr}
	if _, _, err := net.SplitHostPort(o.listen); err != nil {
		return usageErrorf("--listen %q: want host:port, e.g. %s", o.listen, webhook.DefaultAddr)
	}
	svc, err := a.service(ctx, false)
	if err != nil {
		return err
	}
	stop := svc.Listen(progress.event)
	defer stop()
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fmt.Errorf("listening for callbacks: %w", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if o.poll {
		js, err := svc.Resume()
		if err != nil {
			ln.Close()
			return err
		}
		if len(js) > 0 {
			fmt.Fprintf(stderr, "Following %d unfinished jobs.\n", len(js))
		}
	}
	recv := webhook.New(ctx, webhook.Config{Jobs: svc.Store(), Checker: svc, Log: stderr})
	fmt.Fprintf(stderr, "Listening for APIDot callbacks on http://%s/ (any path). Ctrl-C stops.\n", ln.Addr())
	err = webhook.Serve(ctx, ln, recv)
	cancel()
	recv.Wait()
	svc.Close()
	return err
}
