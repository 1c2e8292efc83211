// Command soratui makes short videos with Sora 2 through APIDot: a terminal
// UI, and the same features as commands for scripts.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"

	"github.com/soratui/soratui/cli"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The width of whichever stream is a terminal: stdout for lists,
	// stderr for progress when stdout is piped.
	width, _, sizeErr := term.GetSize(int(os.Stdout.Fd()))
	if sizeErr != nil {
		width, _, _ = term.GetSize(int(os.Stderr.Fd()))
	}
	err := cli.Run(ctx, os.Args[1:], cli.Env{
		Stdin:            os.Stdin,
		Stdout:           os.Stdout,
		Stderr:           os.Stderr,
		Getenv:           os.Getenv,
		Version:          version,
		StdinIsTerminal:  term.IsTerminal(int(os.Stdin.Fd())),
		StdoutIsTerminal: term.IsTerminal(int(os.Stdout.Fd())),
		StderrIsTerminal: term.IsTerminal(int(os.Stderr.Fd())),
		Width:            width,
	})
	stop()
	cli.Report(os.Stderr, err)
	os.Exit(cli.ExitCode(err))
}
