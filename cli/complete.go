package cli

import (
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/internal/inert"
)

// choice is one completion value and what it means.
type choice struct{ value, desc string }

// flagChoices are the values of the flags that take one of a fixed set,
// whichever command has them (submit, list, batch, …).
func flagChoices() map[string][]choice {
	var durations, statuses []choice
	for _, d := range apidot.Durations {
		durations = append(durations, choice{strconv.Itoa(d), "seconds"})
	}
	for _, s := range history.Statuses() {
		statuses = append(statuses, choice{string(s), ""})
	}
	resolutions := []choice{{"720p", "Pro only; the default"}, {"1024p", "Pro only"}, {"1080p", "Pro only"}}
	return map[string][]choice{
		"model":      {{"standard", "Sora 2, 720p"}, {"pro", "Sora 2 Pro, 720p to 1080p"}},
		"duration":   durations,
		"aspect":     {{"16:9", "landscape"}, {"9:16", "portrait"}, {"auto", "Pro with an image: follow the image"}},
		"resolution": resolutions,
		"compare": {{"standard", "Sora 2, 720p"}, {"pro", "Pro 720p"}, {"pro-720p", "Pro 720p"},
			{"pro-1024p", "Pro 1024p"}, {"pro-1080p", "Pro 1080p"}},
		"status": statuses,
	}
}

// listFlags take a comma list: each item after a comma completes too.
var listFlags = []string{"compare", "status"}

// jobArgCommands take job ids as arguments.
var jobArgCommands = []string{"show", "download", "delete", "rerun", "preview", "resolve"}

// addCompletions walks the command tree once it is built and gives every
// flag in flagChoices its values and every command in jobArgCommands the
// job ids, so commands added later complete without wiring of their own.
func addCompletions(root *cobra.Command, a *app) {
	choices := flagChoices()
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		for name, cs := range choices {
			if c.Flags().Lookup(name) == nil {
				continue
			}
			_ = c.RegisterFlagCompletionFunc(name, completeChoices(cs, slices.Contains(listFlags, name)))
		}
		if c.ValidArgsFunction == nil && slices.Contains(jobArgCommands, c.Name()) && c.Parent() == root {
			c.ValidArgsFunction = a.completeJobIDs
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// completeChoices completes one of cs; for a comma list, the item after the
// last comma, keeping what comes before it.
func completeChoices(cs []choice, list bool) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		done, cur := "", toComplete
		if list {
			if i := strings.LastIndex(toComplete, ","); i >= 0 {
				done, cur = toComplete[:i+1], toComplete[i+1:]
			}
		}
		var out []cobra.Completion
		for _, c := range cs {
			if strings.HasPrefix(c.value, cur) && !slices.Contains(strings.Split(done, ","), c.value) {
				out = append(out, cobra.CompletionWithDesc(done+c.value, c.desc))
			}
		}
		directive := cobra.ShellCompDirectiveNoFileComp
		if list {
			directive |= cobra.ShellCompDirectiveNoSpace
		}
		return out, directive
	}
}

// maxCompletedJobs bounds the ids offered, newest first.
const maxCompletedJobs = 100

// completeJobIDs offers the ids of the newest jobs that start with what was
// typed, each described by its status and prompt; ids already given are
// left out.
func (a *app) completeJobIDs(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
	if cmd.Name() != "delete" && len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	store, err := a.openStore()
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	js, err := store.List(history.Query{Search: toComplete, Limit: maxCompletedJobs})
	if err != nil {
		return nil, cobra.ShellCompDirectiveError
	}
	var out []cobra.Completion
	for _, j := range js {
		if !strings.HasPrefix(j.ID, toComplete) || slices.Contains(args, j.ID) {
			continue
		}
		desc := inert.Line(string(j.Status)) + " · " + inert.Clip(strings.Join(strings.Fields(j.Prompt), " "), 60)
		out = append(out, cobra.CompletionWithDesc(j.ID, desc))
	}
	return out, cobra.ShellCompDirectiveNoFileComp
}
