package cli

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"
)

// Main runs the program as the process's command line and returns its
// exit code: main.go calls it, and so do test binaries that stand in for
// soratui, so they run the very program the binary is.
func Main(version string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The width of whichever stream is a terminal: stdout for lists,
	// stderr for progress when stdout is piped.
	width, _, sizeErr := term.GetSize(int(os.Stdout.Fd()))
	if sizeErr != nil {
		width, _, _ = term.GetSize(int(os.Stderr.Fd()))
	}
	err := Run(ctx, os.Args[1:], Env{
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
	Report(os.Stderr, err)
	return ExitCode(err)
}
