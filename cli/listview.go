package cli

import (
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/internal/inert"
	"github.com/soratui/soratui/ledger"
)

// defaultWidth is the terminal width assumed when the terminal does not
// say.
const defaultWidth = 80

// minPromptWidth is the narrowest prompt column worth showing: below it,
// the least useful columns give way.
const minPromptWidth = 12

// display is how human output may look on stdout: on a terminal, fitted to
// its width, coloured (unless NO_COLOR) and with links; on a pipe, whole
// fields, tab-separated, plain.
type display struct {
	tty   bool
	width int
	color bool
}

// stdoutDisplay reads the display from the command's environment.
func (a *app) stdoutDisplay() display {
	d := display{tty: a.env.StdoutIsTerminal, width: a.env.Width}
	if d.width <= 0 {
		d.width = defaultWidth
	}
	d.color = d.tty && a.env.getenv("NO_COLOR") == "" && a.env.getenv("TERM") != "dumb"
	return d
}

// paint wraps s in style when colour is on.
func (d display) paint(style ansi.Style, s string) string {
	if !d.color || s == "" {
		return s
	}
	return style.Styled(s)
}

// statusStyle is the colour of a status: green done, red failed, yellow
// unsure, cyan under way.
func statusStyle(s history.Status) ansi.Style {
	switch s {
	case history.StatusFinished:
		return ansi.NewStyle().ForegroundColor(ansi.Green)
	case history.StatusFailed, history.StatusRejected:
		return ansi.NewStyle().ForegroundColor(ansi.Red)
	case history.StatusUnconfirmed:
		return ansi.NewStyle().ForegroundColor(ansi.Yellow)
	case history.StatusRunning, history.StatusNotStarted, history.StatusSubmitting:
		return ansi.NewStyle().ForegroundColor(ansi.Cyan)
	}
	return ansi.NewStyle().Faint()
}

// listColumns are the list's columns in order; the prompt, last, takes
// what the others leave.
var listColumns = [...]string{"ID", "STATUS", "MODEL", "DUR", "CREDITS", "CREATED", "BATCH", "PROMPT"}

// batchColumn is the index of BATCH, shown only when a listed job has one.
const batchColumn = 6

// dropOrder is which columns give way, first to last, when the prompt
// would be narrower than minPromptWidth.
var dropOrder = [...]int{batchColumn, 4, 3, 2, 5}

// listCells are a job's cells on a terminal, in listColumns order.
func listCells(j history.Job, now time.Time) []string {
	status := inert.Line(string(j.Status))
	if j.Progress != nil && !j.Status.Terminal() {
		status += fmt.Sprintf(" %d%%", *j.Progress)
	}
	return []string{
		inert.Line(j.ID), status, variantLabel(j), fmt.Sprintf("%ds", j.Duration),
		fmt.Sprint(j.Credits), age(now, j.CreatedAt), inert.Line(j.BatchID), inert.Line(strings.Join(strings.Fields(j.Prompt), " ")),
	}
}

// writeJobList prints jobs for a person on a terminal (aligned, one line
// each at the display's width, header, colour, credits total) or for a
// script on a pipe (one tab-separated line per job, every field whole).
func writeJobList(w io.Writer, d display, jobs []history.Job, now time.Time) error {
	if !d.tty {
		return writeJobRows(w, jobs)
	}
	rows := make([][]string, len(jobs))
	for i, j := range jobs {
		rows[i] = listCells(j, now)
	}
	widths, shown := fitColumns(rows, d.width)
	var b strings.Builder
	header := make([]string, len(listColumns))
	copy(header, listColumns[:])
	bold := func(_ int, s string) string { return d.paint(ansi.NewStyle().Bold(), s) }
	b.WriteString(strings.TrimRight(layoutRow(header, widths, shown, bold), " ") + "\n")
	for i, r := range rows {
		status := func(col int, s string) string {
			if col != 1 {
				return s
			}
			return d.paint(statusStyle(jobs[i].Status), s)
		}
		b.WriteString(layoutRow(r, widths, shown, status) + "\n")
	}
	if _, err := io.WriteString(w, b.String()); err != nil {
		return err
	}
	return writeListTotal(w, jobs)
}

// writeJobRows prints one tab-separated line per job with whole fields:
// id, status, model, duration in seconds, credits, created (RFC 3339,
// local time) and prompt.
func writeJobRows(w io.Writer, jobs []history.Job) error {
	for _, j := range jobs {
		_, err := fmt.Fprintf(w, "%s\t%s\t%s\t%d\t%d\t%s\t%s\n",
			inert.Line(j.ID), inert.Line(string(j.Status)), variantLabel(j), j.Duration, j.Credits,
			j.CreatedAt.Local().Format(time.RFC3339), inert.Line(j.Prompt))
		if err != nil {
			return err
		}
	}
	return nil
}

// writeListTotal ends the terminal list with its count and credits.
func writeListTotal(w io.Writer, jobs []history.Job) error {
	var total ledger.Totals
	for _, j := range jobs {
		total.Add(j)
	}
	_, err := fmt.Fprintf(w, "%s, %s\n", count(len(jobs), "job"), spendSummary(total))
	return err
}

// fitColumns measures every column (graphemes, as the terminal draws
// them) and hides columns in dropOrder until the prompt gets at least
// minPromptWidth of width; the prompt takes the rest.
func fitColumns(rows [][]string, width int) (widths []int, shown []bool) {
	n := len(listColumns)
	widths, shown = make([]int, n), make([]bool, n)
	for i, h := range listColumns {
		widths[i], shown[i] = ansi.StringWidth(h), i != batchColumn
		for _, r := range rows {
			widths[i] = max(widths[i], ansi.StringWidth(r[i]))
			if i == batchColumn && r[i] != "" {
				shown[i] = true
			}
		}
	}
	used := func() int {
		u := 0
		for i := 0; i < n-1; i++ {
			if shown[i] {
				u += widths[i] + 2
			}
		}
		return u
	}
	for _, c := range dropOrder {
		if width-used() >= minPromptWidth {
			break
		}
		shown[c] = false
	}
	widths[n-1] = max(1, min(widths[n-1], width-used()))
	return widths, shown
}

// layoutRow pads each shown cell to its column and cuts the prompt to its
// width with an ellipsis; paint styles a cell's text, not its padding.
func layoutRow(cells []string, widths []int, shown []bool, paint func(col int, s string) string) string {
	var b strings.Builder
	last := len(cells) - 1
	for i, c := range cells {
		if !shown[i] {
			continue
		}
		if i == last {
			b.WriteString(paint(i, ansi.Truncate(c, widths[i], "…")))
			continue
		}
		b.WriteString(paint(i, c) + strings.Repeat(" ", widths[i]-ansi.StringWidth(c)+2))
	}
	return b.String()
}

// urlLink is an untrusted URL for human output: on a terminal an http(s)
// URL becomes an OSC 8 hyperlink; anything else is shown inert and marked.
func (d display) urlLink(raw string) string {
	shown := inert.URL(raw)
	if !d.tty || inert.CheckURL(raw) != nil {
		return shown
	}
	return ansi.SetHyperlink(raw) + shown + ansi.ResetHyperlink()
}

// fileLink is a saved file's path for human output: on a terminal an OSC 8
// hyperlink to the file, so a click opens the video.
func (d display) fileLink(path string) string {
	shown := inert.Line(path)
	if !d.tty || shown != path || !filepath.IsAbs(path) {
		return shown
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
	return ansi.SetHyperlink(u.String()) + shown + ansi.ResetHyperlink()
}
