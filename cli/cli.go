// Package cli is soratui's command line: the cobra commands, their flags,
// and the one place where an error becomes a sentence and an exit code.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/soratui/soratui/keys"
)

// Env is everything the commands take from the process: streams,
// environment and the parts a test swaps.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads the environment; nil reads nothing.
	Getenv func(string) string
	// Version is the version set at link time, printed by `soratui
	// version`; "" or "dev" defers to the module version in the binary.
	Version string
	// BuildInfo reads the module and VCS stamp of the binary; nil means
	// runtime/debug.ReadBuildInfo.
	BuildInfo func() (*debug.BuildInfo, bool)
	// StdinIsTerminal and StderrIsTerminal say whether a person is there:
	// prompts and confirmations need the first, live progress the second.
	// StdoutIsTerminal switches human output to its fitted, coloured form.
	StdinIsTerminal  bool
	StdoutIsTerminal bool
	StderrIsTerminal bool
	// Width is the terminal's width in columns; 0 means unknown (80).
	Width int
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// LockTimeout is how long one history operation waits for another
	// process's lock; 0 means history.DefaultTimeout.
	LockTimeout time.Duration
	// DownloadBackoff is the first wait between download attempts; 0 means
	// download.DefaultBackoff (tests shorten it so retries cost no time).
	DownloadBackoff time.Duration
	// Keyring holds the API key; nil means the OS keyring with
	// keys.DefaultTimeout. Whatever is set, every call is still bounded.
	Keyring keys.Keyring
	// ReadPassword reads one line from the terminal without echo (used when
	// StdinIsTerminal); nil reads os.Stdin's terminal with golang.org/x/term.
	ReadPassword func() (string, error)
}

func (e Env) getenv(k string) string {
	if e.Getenv == nil {
		return ""
	}
	return e.Getenv(k)
}

func (e Env) now() time.Time {
	if e.Now == nil {
		return time.Now()
	}
	return e.Now()
}

// Run parses args (without the program name) and runs the command they
// name. It prints results to env.Stdout and returns failures unprinted:
// the caller reports them with Report and exits with ExitCode.
func Run(ctx context.Context, args []string, env Env) error {
	if env.Stdin == nil {
		env.Stdin = eofReader{}
	}
	if env.Stdout == nil {
		env.Stdout = io.Discard
	}
	if env.Stderr == nil {
		env.Stderr = io.Discard
	}
	a := newApp(env)
	defer a.close()
	root := newRootCmd(a)
	root.SetArgs(args)
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	return root.ExecuteContext(ctx)
}

// Report writes err for a person, with the next step where there is one.
func Report(w io.Writer, err error) {
	if err == nil {
		return
	}
	var silent *SilentError
	if errors.As(err, &silent) {
		return
	}
	fmt.Fprintln(w, "soratui: "+describe(err))
	var usage *UsageError
	if errors.As(err, &usage) && usage.Help != "" {
		fmt.Fprintln(w, usage.Help)
	}
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// usageHelp is the next step after a usage error in cmd.
func usageHelp(cmd *cobra.Command) string {
	return "Run '" + cmd.CommandPath() + " --help' for usage."
}

// usageArgs turns cobra's argument checks into usage errors (exit 2).
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return &UsageError{Err: err, Help: usageHelp(cmd)}
		}
		return nil
	}
}

// noArgs refuses positional arguments without repeating them unless they
// are plainly a mistyped command word: an argument may be a pasted key.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	what, help := "an unexpected argument", usageHelp(cmd)
	if isCommandWord(args[0]) {
		what = "unknown command " + strconv.Quote(args[0])
		if s := didYouMean(cmd, args[0]); s != "" {
			help = s + "\n" + help
		}
	}
	return &UsageError{
		Err:  fmt.Errorf("%s for %q", what, cmd.CommandPath()),
		Help: help,
	}
}

// didYouMean names the subcommands of cmd closest to a mistyped word, as
// cobra would ("Did you mean this?"), or "" when none is close.
func didYouMean(cmd *cobra.Command, word string) string {
	s := cmd.SuggestionsFor(word)
	if len(s) == 0 {
		return ""
	}
	return "Did you mean this?\n\t" + strings.Join(s, "\n\t")
}

// isCommandWord reports a short lowercase word, safe to repeat.
func isCommandWord(s string) bool {
	if s == "" || len(s) > 12 {
		return false
	}
	for _, r := range s {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return true
}
