package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
)

// spinnerFrames animate pending jobs; one frame a tick for every row.
var spinnerFrames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// truncate cuts s to w cells with an ellipsis.
func truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	return ansi.Truncate(s, w, "…")
}

// pad fits s to exactly w cells.
func pad(s string, w int) string {
	s = truncate(s, w)
	if n := lipgloss.Width(s); n < w {
		s += strings.Repeat(" ", w-n)
	}
	return s
}

// bar draws a progress bar of w cells for pct (0–100).
func bar(st styles, pct, w int) string {
	if w <= 0 {
		return ""
	}
	pct = min(max(pct, 0), 100)
	full := pct * w / 100
	return st.barFull.Render(strings.Repeat("█", full)) + st.barEmpty.Render(strings.Repeat("░", w-full))
}

// elapsed reads 42s, 3m05s, 1h02m.
func elapsed(d time.Duration) string {
	d = max(d, 0).Round(time.Second)
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

// jobElapsed is how long a job ran, or has run so far.
func jobElapsed(j history.Job, now time.Time) time.Duration {
	if j.FinishedAt != nil {
		return j.FinishedAt.Sub(j.CreatedAt)
	}
	if j.Status.Terminal() {
		return j.UpdatedAt.Sub(j.CreatedAt)
	}
	return now.Sub(j.CreatedAt)
}

// jobVariant is "Standard 720p" or "Pro 1080p".
func jobVariant(j history.Job) string {
	res := j.Resolution
	if res == "" {
		res = "720p"
	}
	return apidot.ModelLabel(j.Model) + " " + res
}

// statusCell is the icon and word of a job's status.
func statusCell(st styles, j history.Job, frame int, now time.Time) string {
	icon := ""
	switch j.Status {
	case history.StatusFinished:
		icon = "✓"
	case history.StatusFailed, history.StatusRejected:
		icon = "✗"
	case history.StatusUnconfirmed:
		icon = "?"
	default:
		icon = spinnerFrames[frame%len(spinnerFrames)]
	}
	word := strings.ReplaceAll(string(j.Status), "_", " ")
	return st.status[j.Status].Render(icon + " " + word)
}

// rowLayout are the column widths of a job row for a given width.
type rowLayout struct {
	status, bar, variant, prompt, elapsed, credits int
}

func layoutRow(w int) rowLayout {
	l := rowLayout{status: 14, bar: 0, variant: 13, elapsed: 7, credits: 6}
	if w >= 100 {
		l.bar = 16
	} else if w >= 70 {
		l.bar = 10
	}
	fixed := l.status + l.bar + l.variant + l.elapsed + l.credits + 6
	l.prompt = max(8, w-fixed)
	return l
}

// jobRow renders one job on one line of width w.
func jobRow(st styles, j history.Job, w, frame int, now time.Time, selected bool) string {
	l := layoutRow(w)
	progress := ""
	if l.bar > 0 {
		switch {
		case j.Progress != nil && !j.Status.Terminal():
			pct := *j.Progress
			progress = bar(st, pct, l.bar-5) + fmt.Sprintf(" %3d%%", pct)
		case j.Status == history.StatusFinished:
			progress = bar(st, 100, l.bar-5) + " 100%"
		}
	}
	cells := []string{
		pad(statusCell(st, j, frame, now), l.status),
		pad(progress, l.bar),
		pad(jobVariant(j), l.variant),
		pad(oneLine(j.Prompt), l.prompt),
		fmt.Sprintf("%*s", l.elapsed, elapsed(jobElapsed(j, now))),
		fmt.Sprintf("%*s", l.credits, fmt.Sprintf("%dcr", j.Credits)),
	}
	if l.bar == 0 {
		cells = append(cells[:1], cells[2:]...)
	}
	line := strings.Join(cells, " ")
	if selected {
		return st.selected.Render(pad("▌"+ansi.Strip(line), w))
	}
	return pad(" "+line, w)
}

// oneLine folds a prompt's white space onto one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
