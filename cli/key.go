package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/keys"
)

// keyCheckTaskID is a task id that cannot exist: reading its status costs
// nothing and shows whether the key gets past authentication.
const keyCheckTaskID = "soratui-key-check"

// keyCheckTimeout bounds the key check's one request.
const keyCheckTimeout = 10 * time.Second

// maxKeyLine caps what `key set` reads from a pipe.
const maxKeyLine = 64 << 10

func newKeyCmd(a *app) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "key",
		Short: "Store, check or delete the APIDot API key",
		Long: `The APIDot API key lives in the OS keyring (service "soratui"). The
APIDOT_API_KEY variable, when set, wins over the keyring.`,
		Args:                       refuseUnknownKeyCmd,
		SuggestionsMinimumDistance: 3,
		RunE:                       func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newKeySetCmd(a), newKeyStatusCmd(a), newKeyDeleteCmd(a))
	return cmd
}

// refuseUnknownKeyCmd rejects `soratui key X` without repeating X unless it
// is plainly a mistyped command word: it may well be a pasted key.
func refuseUnknownKeyCmd(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	name, help := "that", "A key is never given on the command line: run 'soratui key set' and paste it at the prompt, or pipe it on stdin."
	if isCommandWord(args[0]) {
		name = strconv.Quote(args[0])
		if s := didYouMean(cmd, args[0]); s != "" {
			help = s
		}
	}
	return &UsageError{
		Err:  fmt.Errorf("unknown command %s for %q: use set, status or delete", name, cmd.CommandPath()),
		Help: help,
	}
}

// keySetOptions is `soratui key set`.
type keySetOptions struct {
	In           io.Reader
	Out          io.Writer
	ErrOut       io.Writer
	Interactive  bool // stdin is a terminal: prompt and read without echo
	ReadPassword func(context.Context) (string, error)
	keyringAccess
}

// keyringAccess is what the commands that write the keyring share: the
// keyring, and the environment whose key would win over it.
type keyringAccess struct {
	Keyring keys.Keyring
	Getenv  func(string) string
}

func (a *app) keyringAccess() keyringAccess {
	return keyringAccess{Keyring: a.keyring(), Getenv: a.env.getenv}
}

// envKeySet reports a key in the environment, which wins over the keyring.
func (k keyringAccess) envKeySet() bool {
	return k.Getenv != nil && strings.TrimSpace(k.Getenv(keys.EnvVar)) != ""
}

func newKeySetCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "set",
		Short: "Store the API key in the OS keyring (read from stdin, never from arguments)",
		Long: `Store the APIDot API key in the OS keyring. The key is read from stdin only:
paste it at the prompt (nothing is echoed), or pipe it:

  printf '%s' "$KEY" | soratui key set`,
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) == 0 {
				return nil
			}
			return &UsageError{
				Err:  errors.New("'soratui key set' takes no arguments: a key on the command line would stay in your shell history and the process list, so it was not stored"),
				Help: "Pipe the key on stdin (printf '%s' \"$KEY\" | soratui key set), or run 'soratui key set' and paste it at the prompt.",
			}
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runKeySet(cmd.Context(), keySetOptions{
				In:            a.env.Stdin,
				Out:           cmd.OutOrStdout(),
				ErrOut:        cmd.ErrOrStderr(),
				Interactive:   a.env.StdinIsTerminal,
				ReadPassword:  a.readPassword,
				keyringAccess: a.keyringAccess(),
			})
		},
	}
}

func runKeySet(ctx context.Context, o keySetOptions) error {
	var (
		key string
		err error
	)
	if o.Interactive {
		fmt.Fprint(o.ErrOut, "APIDot API key: ")
		key, err = o.ReadPassword(ctx)
		fmt.Fprintln(o.ErrOut) // the terminal swallowed the Enter
	} else {
		key, err = readLine(stdinStoppable(ctx, o.In))
	}
	if errors.Is(err, context.Canceled) {
		return errors.New("key set stopped: nothing was stored")
	}
	if err != nil {
		return fmt.Errorf("reading the key: %w", err)
	}
	key = strings.TrimSpace(key)
	if key == "" {
		return &UsageError{
			Err:  errors.New("no key was given on stdin; nothing was stored"),
			Help: "Pipe the key on stdin (printf '%s' \"$KEY\" | soratui key set), or run 'soratui key set' in a terminal and paste it.",
		}
	}
	if err := keys.CheckShape(key); err != nil {
		return &UsageError{Err: fmt.Errorf("%w; nothing was stored", err), Help: keys.Advice(err)}
	}
	if err := o.Keyring.Set(ctx, key); err != nil {
		return withAdvice(fmt.Errorf("the key was not saved: %w", err))
	}
	fmt.Fprintf(o.Out, "Saved the API key %s to the keyring (service %s).\n", keys.Mask(key), keys.Service)
	if o.envKeySet() {
		fmt.Fprintf(o.ErrOut, "Note: %s is set in this environment and wins over the keyring.\n", keys.EnvVar)
	}
	return nil
}

// readLine reads the first line of r, without its line ending.
func readLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, maxKeyLine)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return line, nil
}

// keyStatusOptions is `soratui key status`.
type keyStatusOptions struct {
	Out     io.Writer
	Offline bool
	// Resolve finds the key (app.resolveKey).
	Resolve func(context.Context) (keys.Key, error)
	// Check asks the API whether it takes the key.
	Check func(context.Context, keys.Key) error
}

func newKeyStatusCmd(a *app) *cobra.Command {
	var o keyStatusOptions
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show where the API key comes from (masked) and whether APIDot takes it",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Out = cmd.OutOrStdout()
			o.Resolve = a.resolveKey
			o.Check = func(ctx context.Context, k keys.Key) error {
				return checkKey(ctx, k, a.apiBase(), a.env.Version)
			}
			return runKeyStatus(cmd.Context(), o)
		},
	}
	cmd.Flags().BoolVar(&o.Offline, "offline", false, "do not ask APIDot whether it takes the key")
	return cmd
}

// checkKey reads the status of a task that cannot exist: 401/403 means
// the key is refused; a 404 (or any answer past authentication) that it
// is taken.
func checkKey(ctx context.Context, k keys.Key, baseURL, version string) error {
	if version == "" {
		version = "dev"
	}
	c := apidot.NewClient(k.Value,
		apidot.WithBaseURL(baseURL),
		apidot.WithUserAgent("soratui/"+version),
		apidot.WithTimeout(keyCheckTimeout))
	_, err := c.Status(ctx, keyCheckTaskID)
	if apidot.IsNotFound(err) {
		return nil
	}
	return err
}

func runKeyStatus(ctx context.Context, o keyStatusOptions) error {
	k, err := o.Resolve(ctx)
	if err != nil {
		if errors.Is(err, keys.ErrNoKey) {
			fmt.Fprintf(o.Out, "Source: %s\n", keys.SourceNone)
		}
		return withAdvice(err)
	}
	fmt.Fprintf(o.Out, "Source: %s\n", describeSource(k.Source))
	fmt.Fprintf(o.Out, "Key:    %s\n", k.Masked())
	switch {
	case o.Offline:
		fmt.Fprintln(o.Out, "Check:  not checked (--offline)")
		return nil
	case k.Source == keys.SourceDemo:
		fmt.Fprintln(o.Out, "Check:  not checked (demo mode uses the built-in simulator)")
		return nil
	}
	err = o.Check(ctx, k)
	switch {
	case err == nil:
		fmt.Fprintln(o.Out, "Check:  accepted (the key got past authentication)")
		return nil
	case apidot.IsAuth(err):
		fmt.Fprintln(o.Out, "Check:  refused")
		return fmt.Errorf("APIDot refused the key from %s: %w", describeSource(k.Source), err)
	case apidot.IsTransient(err):
		// A 429, a 5xx or no answer at all says nothing about the key.
		fmt.Fprintf(o.Out, "Check:  not checked: %v\n", err)
		return nil
	default:
		// Any other answer (400, 402, …) came from past authentication.
		fmt.Fprintln(o.Out, "Check:  accepted (the key got past authentication)")
		return nil
	}
}

func describeSource(s keys.Source) string {
	switch s {
	case keys.SourceEnv:
		return "env (" + keys.EnvVar + ")"
	case keys.SourceKeyring:
		return "keyring (service " + keys.Service + ")"
	}
	return string(s)
}

// keyDeleteOptions is `soratui key delete`.
type keyDeleteOptions struct {
	Out io.Writer
	keyringAccess
}

func newKeyDeleteCmd(a *app) *cobra.Command {
	return &cobra.Command{
		Use:   "delete",
		Short: "Remove the API key from the OS keyring",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runKeyDelete(cmd.Context(), keyDeleteOptions{
				Out:           cmd.OutOrStdout(),
				keyringAccess: a.keyringAccess(),
			})
		},
	}
}

func runKeyDelete(ctx context.Context, o keyDeleteOptions) error {
	err := o.Keyring.Delete(ctx)
	switch {
	case err == nil:
		fmt.Fprintf(o.Out, "Deleted the API key from the keyring (service %s).\n", keys.Service)
	case errors.Is(err, keys.ErrNotFound):
		fmt.Fprintln(o.Out, "No key was stored in the keyring.")
	default:
		return withAdvice(fmt.Errorf("the key was not deleted: %w", err))
	}
	if o.envKeySet() {
		fmt.Fprintf(o.Out, "%s is still set in this environment and still applies.\n", keys.EnvVar)
	}
	return nil
}
