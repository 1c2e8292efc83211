package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
)

// detailModel shows one job whole, and its comparison group side by side.
type detailModel struct {
	job    history.Job
	group  []history.Job
	offset int
	width  int
	height int
	// download is the progress of a download of this job, if any.
	dl *downloadState
}

func (d *detailModel) setSize(w, h int) { d.width, d.height = w, h }

func (d *detailModel) show(j history.Job) {
	if d.job.ID != j.ID {
		d.offset = 0
		d.group = nil
		d.dl = nil
	}
	d.job = j
}

// update refreshes the shown job and its group members.
func (d *detailModel) refresh(j history.Job) {
	if j.ID == d.job.ID {
		d.job = j
	}
	for i := range d.group {
		if d.group[i].ID == j.ID {
			d.group[i] = j
		}
	}
}

func (d *detailModel) setGroup(msg groupMsg) {
	if msg.group == d.job.GroupID {
		d.group = msg.jobs
	}
}

func (d *detailModel) scroll(msg tea.KeyPressMsg, km keyMap) {
	switch {
	case key.Matches(msg, km.Up):
		d.offset--
	case key.Matches(msg, km.Down):
		d.offset++
	case key.Matches(msg, km.PageUp):
		d.offset -= d.height
	case key.Matches(msg, km.PageDown):
		d.offset += d.height
	case key.Matches(msg, km.Top):
		d.offset = 0
	}
	d.offset = max(0, d.offset)
}

func (d detailModel) view(st styles, frame int, now time.Time) string {
	j := d.job
	w := d.width
	var lines []string
	add := func(label, value string) {
		if value == "" {
			return
		}
		lines = append(lines, st.label.Render(fmt.Sprintf("%-10s", label))+" "+truncate(value, w-11))
	}
	status := statusCell(st, j, frame, now)
	if j.Progress != nil && !j.Status.Terminal() {
		status += fmt.Sprintf("  %s %d%%", bar(st, *j.Progress, min(30, w/3)), *j.Progress)
	}
	add("Status", status+st.faint.Render("  "+elapsed(jobElapsed(j, now))))
	add("Job", j.ID)
	add("Task", j.TaskID)
	add("Model", jobVariant(j)+st.faint.Render(" ("+j.Model+")"))
	add("Duration", fmt.Sprintf("%d s", j.Duration))
	add("Aspect", j.AspectRatio)
	add("Image", j.ImageURL)
	add("Credits", apidot.Credits(j.Credits).String()+st.faint.Render(" · "+apidot.EstimateNote))
	add("Created", j.CreatedAt.Local().Format("2006-01-02 15:04:05"))
	if j.Error != "" {
		add("Error", st.bad.Render(j.Error))
	}
	for i, u := range j.VideoURLs {
		add(fmt.Sprintf("Video %d", i+1), u)
	}
	add("Saved to", j.LocalPath)
	if d.dl != nil {
		lines = append(lines, d.dl.view(st, w))
	}
	lines = append(lines, "", st.label.Render("Prompt"))
	for _, pl := range wrap(j.Prompt, w-2) {
		lines = append(lines, "  "+pl)
	}
	if len(d.group) > 1 {
		lines = append(lines, "", st.label.Render("Comparison group "+j.GroupID))
		lines = append(lines, d.groupView(st, frame, now)...)
	}
	lines = append(lines, "", st.label.Render("Status history"))
	for _, c := range j.StatusHistory {
		line := "  " + c.At.Local().Format("15:04:05") + "  " + st.status[c.Status].Render(string(c.Status))
		if c.Raw != "" {
			line += st.faint.Render(" (server: " + c.Raw + ")")
		}
		if c.Progress != nil {
			line += fmt.Sprintf(" %d%%", *c.Progress)
		}
		if c.Note != "" && c.Status != history.StatusSubmitting {
			line += st.faint.Render(" — " + c.Note)
		}
		lines = append(lines, truncate(line, w))
	}
	off := min(d.offset, max(0, len(lines)-d.height))
	return strings.Join(lines[off:], "\n")
}

// groupView puts the variants of a comparison side by side.
func (d detailModel) groupView(st styles, frame int, now time.Time) []string {
	n := len(d.group)
	colW := max(16, (d.width-2)/n-1)
	rows := make([][]string, 6)
	for _, g := range d.group {
		marker := " "
		if g.ID == d.job.ID {
			marker = "▸"
		}
		progress := ""
		switch {
		case g.Progress != nil && !g.Status.Terminal():
			progress = bar(st, *g.Progress, colW-6) + fmt.Sprintf(" %d%%", *g.Progress)
		case g.Status == history.StatusFinished:
			progress = bar(st, 100, colW-6) + " 100%"
		}
		result := st.faint.Render("no result yet")
		switch {
		case g.LocalPath != "":
			result = "saved " + g.LocalPath
		case len(g.VideoURLs) > 0:
			result = g.VideoURLs[0]
		case g.Error != "":
			result = st.bad.Render(g.Error)
		}
		cells := []string{
			st.labelOn.Render(marker + jobVariant(g)),
			statusCell(st, g, frame, now),
			progress,
			"elapsed " + elapsed(jobElapsed(g, now)),
			fmt.Sprintf("%d credits", g.Credits),
			result,
		}
		for i, c := range cells {
			rows[i] = append(rows[i], pad(c, colW))
		}
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = "  " + strings.Join(r, " ")
	}
	return out
}

// wrap breaks s into lines of at most w cells at spaces.
func wrap(s string, w int) []string {
	w = max(w, 10)
	var out []string
	for para := range strings.SplitSeq(s, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			switch {
			case line == "":
				line = word
			case len([]rune(line))+1+len([]rune(word)) <= w:
				line += " " + word
			default:
				out = append(out, line)
				line = word
			}
			for len([]rune(line)) > w {
				r := []rune(line)
				out = append(out, string(r[:w]))
				line = string(r[w:])
			}
		}
		out = append(out, line)
	}
	return out
}
