package cli

import (
	"context"
	"fmt"
	"strings"

	mcobra "github.com/muesli/mango-cobra"
	"github.com/muesli/roff"
	"github.com/spf13/cobra"
)

// manOptions holds the command tree the page describes.
type manOptions struct {
	root *cobra.Command
}

func newManCmd(a *app) *cobra.Command {
	var o manOptions
	return &cobra.Command{
		Use:   "man",
		Short: "Print soratui's manual page (roff), built from the commands' help",
		Example: `  soratui man > soratui.1 && man ./soratui.1
  soratui man | gzip > /usr/local/share/man/man1/soratui.1.gz`,
		Args: noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.root = cmd.Root()
			return runMan(cmd.Context(), a, o)
		},
	}
}

func runMan(_ context.Context, a *app, o manOptions) error {
	// mango makes a paragraph of every line: join the help's wrapped lines
	// first. The tree is this run's own and ends with it.
	reflowLong(o.root)
	page, err := mcobra.NewManPage(1, o.root)
	if err != nil {
		return err
	}
	page = page.WithSection("Environment",
		"APIDOT_API_KEY (the key; wins over the keyring), APIDOT_BASE_URL, SORATUI_DB, "+
			"SORATUI_POLL_INTERVAL, XDG_VIDEOS_DIR, NO_COLOR.").
		WithSection("Exit status", "0 success; 1 a job failed or a runtime error; 2 bad usage or invalid input.")
	_, err = fmt.Fprint(a.env.Stdout, page.Build(roff.NewDocument()))
	return err
}

// reflowLong joins the wrapped lines of each command's Long help into one
// line per paragraph, keeping blank lines and indented (example) lines.
func reflowLong(c *cobra.Command) {
	var out []string
	for _, line := range strings.Split(c.Long, "\n") {
		n := len(out)
		switch {
		case n == 0, line == "", strings.HasPrefix(line, " "), out[n-1] == "", strings.HasPrefix(out[n-1], " "):
			out = append(out, line)
		default:
			out[n-1] += " " + line
		}
	}
	c.Long = strings.Join(out, "\n")
	for _, sub := range c.Commands() {
		reflowLong(sub)
	}
}
