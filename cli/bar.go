package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/soratui/soratui/download"
)

// progressBar draws the progress of a long operation on a terminal, after
// its label: a bar when the total is known, else the amount so far. When
// stderr is not a terminal it draws nothing.
type progressBar struct {
	w     io.Writer
	live  bool
	label string             // what is counted, e.g. "Importing jobs"
	unit  func(int64) string // how amounts read; nil: download sizes
	done  int64              // the amount last given, for finish's summary
	drawn int                // width of the last line drawn
	share bool               // the bar and percent only: the amounts would mean nothing
}

// barWidth is the number of cells between the brackets.
const barWidth = 20

func (p *progressBar) amount(n int64) string {
	if p.unit == nil {
		return download.Size(n).String()
	}
	return p.unit(n)
}

func (p *progressBar) update(done, total int64) {
	p.done = done
	if !p.live {
		return
	}
	var line string
	if total > 0 {
		filled := int(min(done, total) * barWidth / total)
		line = fmt.Sprintf("[%s%s] %3d%%", strings.Repeat("#", filled), strings.Repeat(".", barWidth-filled),
			min(done, total)*100/total)
		if !p.share {
			line += " " + p.amount(done) + "/" + p.amount(total)
		}
	} else {
		line = p.amount(done)
	}
	if p.label != "" {
		line = p.label + " " + line
	}
	pad := max(p.drawn-len(line), 0)
	p.drawn = len(line)
	fmt.Fprintf(p.w, "\r%s%s", line, strings.Repeat(" ", pad))
}

// end ends the live line, if one is drawn.
func (p *progressBar) end() {
	if p.live && p.drawn > 0 {
		fmt.Fprintln(p.w)
		p.drawn = 0
	}
}

// finish ends a download's live line, or prints its one summary line.
func (p *progressBar) finish(ok bool) {
	p.end()
	if !p.live && ok {
		fmt.Fprintf(p.w, "Downloaded %s.\n", download.Size(p.done))
	}
}

// patientBar is a progressBar of counts that shows only once its
// operation has run for patience, so that a quick one says only its
// summary, and redraws only when the count moves a percent of the total.
type patientBar struct {
	progressBar
	now  func() time.Time
	from time.Time
	pct  int64 // the percent last drawn, -1 before
}

// patience is how long an operation runs before its progress shows.
const patience = time.Second

// patientBar starts a patientBar on stderr, live if it is a terminal.
func (a *app) patientBar() *patientBar {
	return &patientBar{progressBar: progressBar{w: a.env.Stderr, live: a.env.StderrIsTerminal, unit: thousands},
		now: a.env.now, from: a.env.now(), pct: -1}
}

// draw shows done of total (0: unknown) after label.
func (p *patientBar) draw(label string, done, total int64) {
	p.share = false
	p.redraw(label, done, total)
}

// drawShare is draw without the amounts, for work counted in units that
// mean nothing to the reader.
func (p *patientBar) drawShare(label string, done, total int64) {
	p.share = true
	p.redraw(label, done, total)
}

func (p *patientBar) redraw(label string, done, total int64) {
	if !p.live || p.drawn == 0 && p.now().Sub(p.from) < patience {
		return
	}
	if total > 0 {
		pct := min(done, total) * 100 / total
		if label == p.label && pct == p.pct && done < total {
			return
		}
		p.pct = pct
	}
	p.label = label
	p.update(done, total)
}

// thousands writes a count with its thousands apart: 1,000,000.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}
