package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/jobs"
)

// spinnerFrames animate pending jobs; one frame a tick for every row.
var spinnerFrames = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// truncate cuts s to w cells with an ellipsis.
func truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if len(s) <= w { // a cell takes at least one byte
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// width is the cells s takes; plain ASCII, the common case, is counted
// without grapheme segmentation.
func width(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] == 0x1b {
			return lipgloss.Width(s)
		}
	}
	return len(s)
}

// pad fits s to exactly w cells.
func pad(s string, w int) string {
	n := width(s)
	if n > w {
		s = ansi.Truncate(s, w, "…")
		n = width(s)
	}
	if n < w {
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
	return st.barFullPaint.on(strings.Repeat("█", full)) + st.barEmptyPaint.on(strings.Repeat("░", w-full))
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
func jobVariant(j history.Job) string { return apidot.VariantLabel(j.Model, j.Resolution) }

// statusText is the icon and word of a job's status, unstyled.
func statusText(j history.Job, frame int, now time.Time) string {
	icon, word := statusParts(j, frame, now)
	return icon + " " + word
}

// statusParts are a status's icon (one cell) and its word (ASCII),
// marked slow when the job is far past its expected end.
func statusParts(j history.Job, frame int, now time.Time) (icon, word string) {
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
	word = strings.ReplaceAll(string(j.Status), "_", " ")
	if !j.Status.Terminal() && j.TaskID != "" && jobs.IsSlow(j, now) {
		// Far past its expected end: still followed, at a low rate.
		word += " (slow)"
	}
	return icon, word
}

// statusCell is statusText in the status's colour.
func statusCell(st styles, j history.Job, frame int, now time.Time) string {
	return st.status[j.Status].Render(statusText(j, frame, now))
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

// jobRow renders one job on one line of width w. Cells are padded as
// plain text and styled last: measuring styled text is what costs.
func jobRow(st styles, j history.Job, w, frame int, now time.Time, selected bool) string {
	l := layoutRow(w)
	icon, word := statusParts(j, frame, now)
	status := icon + " " + pad(word, l.status-2)
	pct, hasBar := 0, false
	switch {
	case j.Progress != nil && !j.Status.Terminal():
		pct, hasBar = *j.Progress, true
	case j.Status == history.StatusFinished:
		pct, hasBar = 100, true
	}
	rest := pad(jobVariant(j), l.variant) + " " + pad(oneLine(j.Prompt), l.prompt) + " " +
		fmt.Sprintf("%*s %*s", l.elapsed, elapsed(jobElapsed(j, now)), l.credits, fmt.Sprintf("%dcr", j.Credits))
	pctText := ""
	if hasBar {
		pctText = fmt.Sprintf(" %3d%%", pct)
	}
	if selected {
		barText := ""
		if l.bar > 0 {
			barText = pad("", l.bar)
			if hasBar {
				full := min(max(pct, 0), 100) * (l.bar - 5) / 100
				barText = strings.Repeat("█", full) + strings.Repeat("░", l.bar-5-full) + pctText
			}
			barText += " "
		}
		return st.selectedPaint.on(pad("▌"+status+" "+barText+rest, w))
	}
	line := " " + st.statusPaint[j.Status].on(status) + " "
	if l.bar > 0 {
		if hasBar {
			line += bar(st, pct, l.bar-5) + pctText + " "
		} else {
			line += strings.Repeat(" ", l.bar) + " "
		}
	}
	return line + rest
}

// oneLine folds a prompt's white space onto one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
