package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/internal/inert"
)

// variantLabel names a job's model and resolution: "Standard 720p". An
// unknown model (adopted or imported) is shown inert.
func variantLabel(j history.Job) string {
	return inert.Line(apidot.VariantLabel(j.Model, j.Resolution))
}

// excerpt shortens s to n runes on one line, inert.
func excerpt(s string, n int) string {
	return inert.Clip(strings.Join(strings.Fields(s), " "), n)
}

// age reads "42s ago", "5m ago", "3h ago", or a date past a day.
func age(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < 0:
		return t.Local().Format("2006-01-02 15:04")
	case d < time.Minute:
		return fmt.Sprintf("%ds ago", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm ago", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh ago", int(d.Hours()))
	}
	return t.Local().Format("2006-01-02 15:04")
}

// writeJobDetail prints every field of a job for a person.
func writeJobDetail(w io.Writer, d display, j history.Job) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s\t%s\n", k, inert.Line(v))
		}
	}
	row("ID", j.ID)
	row("Task", j.TaskID)
	row("Group", j.GroupID)
	row("Batch", inert.Line(j.BatchID))
	status := string(j.Status)
	if j.Progress != nil {
		status += fmt.Sprintf(" (%d%%)", *j.Progress)
	}
	if v := inert.Line(status); v != "" {
		fmt.Fprintf(tw, "Status\t%s\n", d.paint(statusStyle(j.Status), v))
	}
	row("Model", fmt.Sprintf("%s (%s)", variantLabel(j), j.Model))
	row("Duration", fmt.Sprintf("%d s", j.Duration))
	row("Aspect", j.AspectRatio)
	row("Image", inert.URL(j.ImageURL))
	row("Credits", fmt.Sprintf("%s, %s", apidot.Credits(j.Credits), apidot.EstimateNote))
	if j.CreditsCharged != nil {
		row("Charged", fmt.Sprintf("%s, as the server reported", apidot.Credits(*j.CreditsCharged)))
	}
	row("Created", j.CreatedAt.Local().Format(time.RFC3339))
	if j.FinishedAt != nil {
		row("Finished", fmt.Sprintf("%s (took %s)", j.FinishedAt.Local().Format(time.RFC3339), j.FinishedAt.Sub(j.CreatedAt).Round(time.Second)))
	}
	row("Error", j.Error)
	for i, u := range j.VideoURLs {
		if u != "" {
			fmt.Fprintf(tw, "Video %d\t%s\n", i+1, d.urlLink(u))
		}
	}
	if j.LocalPath != "" {
		fmt.Fprintf(tw, "Saved to\t%s\n", d.fileLink(j.LocalPath))
	}
	row("Callback", inert.URL(j.CallbackURL))
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nPrompt:\n%s\n\nStatus history:\n", inert.Text(j.Prompt))
	for _, c := range j.StatusHistory {
		line := fmt.Sprintf("  %s  %s", c.At.Local().Format("2006-01-02 15:04:05"), inert.Line(string(c.Status)))
		if c.Raw != "" {
			line += fmt.Sprintf(" (server: %s)", inert.Clip(c.Raw, 200))
		}
		if c.Progress != nil {
			line += fmt.Sprintf(" %d%%", *c.Progress)
		}
		if c.Note != "" {
			line += " — " + inert.Line(c.Note)
		}
		fmt.Fprintln(w, line)
	}
	return nil
}

// writeSubmitted prints the short human form of submitted jobs.
func writeSubmitted(w io.Writer, jobs []history.Job) {
	for _, j := range jobs {
		switch j.Status {
		case history.StatusRejected, history.StatusUnconfirmed:
			fmt.Fprintf(w, "%s %s (%s, %d s): %s\n", j.ID, j.Status, variantLabel(j), j.Duration, inert.Line(j.Error))
		default:
			fmt.Fprintf(w, "%s %s  task %s  %s, %d s, %s\n", j.ID, j.Status, inert.Line(j.TaskID), variantLabel(j), j.Duration, apidot.Credits(j.Credits))
		}
	}
}
