package ui

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/internal/inert"
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

// width is the cells s takes, graphemes measured as the terminal draws
// them; printable ASCII, the common case, is counted without segmentation.
func width(s string) int {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || c < 0x20 || c == 0x7f {
			return lipgloss.Width(s)
		}
	}
	return len(s)
}

// pad fits s to exactly w cells, cutting it with an ellipsis when wider.
// Plain text is measured only as far as the cut: a row's prompt is
// hundreds of bytes, of which a row shows a few dozen cells.
func pad(s string, w int) string {
	if w > 0 {
		if out, ok := padPlain(s, w); ok {
			return out
		}
	}
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

// padPlain is pad for plain text (ok is false for any other, see
// plainText): it cuts where ansi.Truncate would, keeping the longest run
// of graphemes that fits w-1 cells before the ellipsis, but stops
// measuring once s is known to be wider than w.
func padPlain(s string, w int) (out string, ok bool) {
	if !plainText(s) {
		return "", false
	}
	cells, cut, cutCells := 0, -1, 0
	for i := 0; i < len(s) && cells <= w; {
		c, n, cw := s[i], 1, 1
		switch {
		case c < 0x80:
			if cut < 0 && cells >= w-1 {
				cut, cutCells = i, cells
			}
		default:
			var cluster string
			cluster, cw = ansi.FirstGraphemeCluster(s[i:], ansi.GraphemeWidth)
			n = len(cluster)
			if cut < 0 && cells+cw > w-1 {
				cut, cutCells = i, cells
			}
		}
		cells += cw
		i += n
	}
	if cells > w {
		return s[:cut] + "…" + strings.Repeat(" ", w-1-cutCells), true
	}
	return s + strings.Repeat(" ", w-cells), true
}

// plainText reports whether s is valid UTF-8 without C0 controls or DEL:
// nothing in it, before a cut or after, is an escape sequence (a style's
// reset after the cut is one pad must keep) or a stray byte a terminal
// could take for one.
func plainText(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f {
			return false
		}
	}
	return utf8.ValidString(s)
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

// shortVariant is "Std 720p" or "Pro 1080p", for narrow rows.
func shortVariant(j history.Job) string {
	return strings.Replace(jobVariant(j), apidot.ModelLabel(apidot.ModelStandard), "Std", 1)
}

// statusText is the icon and word of a job's status, unstyled.
func statusText(j history.Job, frame int, now time.Time) string {
	icon, word := statusParts(j, frame, now)
	return icon + " " + word
}

// statusParts are a status's icon (one cell) and its word (ASCII): a
// distinct mark for failed, rejected and expired; "saved" for a finished
// job whose video is on disk; marked slow when far past its expected end.
func statusParts(j history.Job, frame int, now time.Time) (icon, word string) {
	word = strings.ReplaceAll(string(j.Status), "_", " ")
	switch j.Status {
	case history.StatusFinished:
		icon = "✓"
		if j.LocalPath != "" {
			word = "saved"
		}
	case history.StatusFailed:
		icon = "✗"
	case history.StatusRejected:
		icon = "⊘"
	case history.StatusExpired:
		icon = "⌀"
	case history.StatusUnconfirmed:
		icon = "?"
	default:
		icon = spinnerFrames[frame%len(spinnerFrames)]
	}
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

// minShortID is the fewest id characters a list shows: enough to tell
// apart jobs made half a minute apart. Ids that share more grow, as git
// abbreviates commits, so what a row shows works in 'soratui show'.
const minShortID = 7

// rowLayout are the column widths of a job row for a given width.
type rowLayout struct {
	w                                                        int
	status, bar, variant, id, date, prompt, elapsed, credits int
	short                                                    bool
}

// layoutRow lays out rows of width w whose longest short id is idw.
func layoutRow(w, idw int) rowLayout {
	l := rowLayout{w: w, status: 13, variant: 13, id: max(idw, minShortID), date: 6, elapsed: 6, credits: 5}
	switch {
	case w >= 110:
		l.bar = 16
	case w < 100:
		l.variant, l.short = 9, true
	}
	fixed := 2 + l.status + l.bar + l.variant + l.id + l.date + l.elapsed + l.credits + 7
	l.prompt = max(8, w-fixed)
	return l
}

// rows is what drawing a list's rows needs.
type rows struct {
	st    styles
	l     rowLayout
	short map[string]string // id → what the ID column shows
	frame int
	now   time.Time
}

// newRows lays out js at width w, each id shown as short has it (the whole
// id where short has none).
func newRows(st styles, w int, js []history.Job, short map[string]string, frame int, now time.Time) rows {
	idw := 0
	for _, j := range js {
		idw = max(idw, len(shortID(short, j.ID)))
	}
	return rows{st: st, l: layoutRow(w, idw), short: short, frame: frame, now: now}
}

// shortID is what the ID column shows of id.
func shortID(short map[string]string, id string) string {
	if s, ok := short[id]; ok {
		return s
	}
	return id
}

// neighbourShortIDs abbreviates js[lo:hi] against the ids next to them in
// js, which is sorted by id and holds every job between its ends, so a
// prefix no neighbour shares is one no other job shares.
func neighbourShortIDs(js []history.Job, lo, hi int) map[string]string {
	out := make(map[string]string, hi-lo)
	for i := lo; i < hi; i++ {
		var neighbours []string
		if i > 0 {
			neighbours = append(neighbours, js[i-1].ID)
		}
		if i+1 < len(js) {
			neighbours = append(neighbours, js[i+1].ID)
		}
		out[js[i].ID] = history.ShortID(js[i].ID, minShortID, neighbours...)
	}
	return out
}

// header names the columns.
func (r rows) header() string {
	l, w := r.l, r.l.w
	h := "  " + pad("STATUS", l.status) + " "
	if l.bar > 0 {
		h += pad("PROGRESS", l.bar) + " "
	}
	h += pad("VARIANT", l.variant) + " " + pad("ID", l.id) + " " + pad("DATE", l.date) + " " +
		pad("PROMPT", l.prompt) + " " + fmt.Sprintf("%*s %*s", l.elapsed, "TIME", l.credits, "CR")
	return truncate(h, w)
}

// rowDate is the time of day for today's jobs, else the day.
func rowDate(t, now time.Time) string {
	t, now = t.Local(), now.Local()
	if y, m, d := t.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return t.Format("15:04")
	}
	return t.Format("Jan 02")
}

// rowText is what a row's w cells say after the status: the failure
// reason, then the prompt, folded onto one line.
func rowText(j history.Job, w int) string {
	p := foldPrompt(j.Prompt, w)
	if j.Error != "" && j.Status != history.StatusFinished {
		return inert.Clip(j.Error, 200) + " — " + p
	}
	return p
}

// promptRunes is the most of a prompt a row holds.
const promptRunes = 400

// foldPrompt is a prompt on one line, its runs of spaces and line breaks
// made single spaces, clipped to promptRunes. It folds only until the text
// is wider than the w cells a row shows of it (more than w+1, so the cut
// falls where it would in the whole), and so costs the same for a prompt
// of a line or of a page.
func foldPrompt(s string, w int) string {
	b := make([]byte, 0, min(len(s), 4*(w+2)+64))
	next := w + 2 // bytes folded before the first measure (doubling after)
	gap := false  // spaces were skipped since the last word's end
	for i := 0; i < len(s); {
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		if unicode.IsSpace(r) {
			gap = len(b) > 0
			i += n
			continue
		}
		if gap {
			if len(b) >= next {
				t := string(b)
				if utf8.RuneCountInString(t) > promptRunes || width(inert.Line(t)) > w+1 {
					break
				}
				next *= 2
			}
			b = append(b, ' ')
			gap = false
		}
		word := i + n // the word runs on to the next space; ASCII is read here
		for word < len(s) && s[word] < utf8.RuneSelf && !unicode.IsSpace(rune(s[word])) {
			word++
		}
		b = append(b, s[i:word]...)
		i = word
	}
	return inert.Clip(string(b), promptRunes)
}

// row renders one job on one line; group is its mark in a comparison
// group ("┌", "│", "└" or " "). Cells are padded as plain text and styled
// last: measuring styled text is what costs.
func (r rows) row(j history.Job, group string, selected bool) string {
	st, l, w, frame, now := r.st, r.l, r.l.w, r.frame, r.now
	icon, word := statusParts(j, frame, now)
	status := icon + " " + pad(word, l.status-2)
	pct, hasBar := 0, false
	switch {
	case j.Progress != nil && !j.Status.Terminal():
		pct, hasBar = *j.Progress, true
	case j.Status == history.StatusFinished:
		pct, hasBar = 100, true
	}
	variant := jobVariant(j)
	if l.short {
		variant = shortVariant(j)
	}
	rest := pad(variant, l.variant) + " " + pad(shortID(r.short, j.ID), l.id) + " " + pad(rowDate(j.CreatedAt, now), l.date) + " " +
		pad(rowText(j, l.prompt), l.prompt) + " " +
		fmt.Sprintf("%*s %*s", l.elapsed, elapsed(jobElapsed(j, now)), l.credits, fmt.Sprint(j.Credits))
	barText := ""
	if l.bar > 0 {
		barText = strings.Repeat(" ", l.bar) + " "
		if hasBar {
			barText = bar(st, pct, l.bar-5) + fmt.Sprintf(" %3d%%", pct) + " "
		}
	}
	if selected {
		return st.selectedPaint.on(pad("▌"+group+status+" "+ansi.Strip(barText)+rest, w))
	}
	return " " + st.faintPaint.on(group) + st.statusPaint[j.Status].on(status) + " " + barText + rest
}

// groupMarks are the comparison-group marks of rows, so a group's
// members read as one block.
func groupMarks(js []history.Job) []string {
	out := make([]string, len(js))
	for i, j := range js {
		out[i] = " "
		if j.GroupID == "" {
			continue
		}
		prev := i > 0 && js[i-1].GroupID == j.GroupID
		next := i+1 < len(js) && js[i+1].GroupID == j.GroupID
		switch {
		case prev && next:
			out[i] = "│"
		case next:
			out[i] = "┌"
		case prev:
			out[i] = "└"
		}
	}
	return out
}
