package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/internal/inert"
	"github.com/soratui/soratui/jobs"
)

// openDetailMsg is the payload that opens a job in the detail screen.
type openDetailMsg struct{ job history.Job }

// groupMsg carries the members of a comparison group.
type groupMsg struct {
	group string
	jobs  []history.Job
}

func (groupMsg) owner() screenID { return detailID }

// detailScreen shows one job whole, and its comparison group side by side.
type detailScreen struct {
	sh     *shared
	job    history.Job
	group  []history.Job
	offset int
	width  int
	height int
	// lines is how many lines the last view had, for scrolling.
	lines int
	// confirming is set by x until the next key says yes or no.
	confirming bool
	// dl is the download pane: a download of this job, if any.
	dl *downloadState
	// preview is the picture pane: the job's frame, or its group's.
	preview detailPreview
	// retry is the choice r opens on an unconfirmed job.
	retry retryPane
}

func newDetailScreen(sh *shared) *detailScreen {
	return &detailScreen{sh: sh, preview: newDetailPreview(), retry: newRetryPane(sh)}
}

// SetSize is the body's size.
func (s *detailScreen) SetSize(w, h int) {
	s.width, s.height = w, h
	s.preview.setSize(w, h)
	s.retry.input.SetWidth(max(20, min(60, w-12)))
}

// Keys offer only the actions that apply to the job on show.
func (s *detailScreen) Keys() help.KeyMap {
	km := s.sh.km
	j := s.job
	if s.confirming {
		keep := key.NewBinding(key.WithKeys("n"), key.WithHelp("any other key", "keep"))
		b := []key.Binding{km.Confirm, keep}
		return keyHelp{short: b, full: [][]key.Binding{b}}
	}
	if s.retry.stage != retryNone {
		b := s.retryKeys()
		return keyHelp{short: b, full: [][]key.Binding{b}}
	}
	var b []key.Binding
	if j.Status == history.StatusUnconfirmed {
		b = append(b, km.Retry)
	}
	if j.LocalPath != "" || len(j.VideoURLs) > 0 {
		b = append(b, km.Play)
	}
	if len(j.VideoURLs) > 0 {
		b = append(b, km.Copy)
		if j.LocalPath == "" {
			b = append(b, km.Download)
		}
	}
	b = append(b, km.Duplicate, km.Delete, km.Preview)
	if len(s.group) > 1 {
		b = append(b, km.PrevMember)
	}
	b = append(b, km.Back, km.Help, km.Quit)
	return keyHelp{short: b, full: [][]key.Binding{b, km.movement()}}
}

// Update opens a job, follows its changes and handles the actions.
func (s *detailScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case openDetailMsg:
		return s, s.show(msg.job)
	case groupMsg:
		if msg.group == s.job.GroupID {
			s.group = msg.jobs
		}
		return s, s.previewCmd()
	case jobEventMsg:
		return s, tea.Batch(s.event(msg.ev), s.previewCmd())
	case frameLoadedMsg:
		s.preview.pane.loaded(msg)
	case tea.ColorProfileMsg:
		s.preview.setProfile(msg.Profile)
	case downloadStartedMsg:
		return s, s.downloadStarted(msg)
	case resolvedMsg, resentMsg:
		return s, s.retryReply(msg)
	case stylesMsg:
		s.retry.input.SetStyles(s.sh.st.textinput())
	case tea.KeyPressMsg:
		return s, s.key(msg)
	case tea.MouseWheelMsg:
		s.scrollBy(wheelStep(msg))
	default: // a paste or the cursor's blink, for the task id field
		if s.retry.stage == retryTask {
			var cmd tea.Cmd
			s.retry.input, cmd = s.retry.input.Update(msg)
			return s, cmd
		}
	}
	return s, nil
}

func (s *detailScreen) show(j history.Job) tea.Cmd {
	if s.job.ID != j.ID {
		s.offset = 0
		s.dl = nil
		s.closeRetry()
		if j.GroupID == "" || j.GroupID != s.job.GroupID {
			s.group = nil
		}
	}
	s.job = j
	if s.group != nil {
		return s.previewCmd()
	}
	return tea.Batch(s.loadGroup(j), s.previewCmd())
}

// event follows the service: a newer record, the job's deletion, or its
// download.
func (s *detailScreen) event(ev jobs.Event) tea.Cmd {
	switch {
	case ev.Kind == jobs.JobDeleted:
		s.group = slices.DeleteFunc(s.group, func(g history.Job) bool { return g.ID == ev.Job.ID })
		if ev.Job.ID == s.job.ID {
			s.job = history.Job{}
			return s.sh.back(detailID)
		}
	case ev.Kind == jobs.JobChanged && ev.Err == nil, ev.Kind == jobs.DownloadFinished:
		s.refresh(ev.Job)
	}
	return s.downloadEvent(ev)
}

// refresh takes a newer record of the shown job or a group member.
func (s *detailScreen) refresh(j history.Job) {
	if j.ID == s.job.ID {
		s.job = j
	}
	for i := range s.group {
		if s.group[i].ID == j.ID {
			s.group[i] = j
		}
	}
}

func (s *detailScreen) loadGroup(j history.Job) tea.Cmd {
	store := s.sh.backend.Store
	if j.GroupID == "" || store == nil {
		return nil
	}
	return func() tea.Msg {
		// Members of a group are recorded in one transaction with one
		// created_at, so they sit together at the top of a short page.
		js, err := store.List(history.Query{CreatedBefore: j.CreatedAt.Add(time.Millisecond), Limit: 64})
		if err != nil {
			return flashMsg{text: err.Error(), bad: true}
		}
		var group []history.Job
		for _, g := range js {
			if g.GroupID == j.GroupID {
				group = append(group, g)
			}
		}
		return groupMsg{group: j.GroupID, jobs: group}
	}
}

func (s *detailScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	km := s.sh.km
	j := s.job
	if s.confirming {
		return s.confirm(msg)
	}
	if s.retry.stage != retryNone {
		return s.retryKey(msg)
	}
	switch {
	case key.Matches(msg, km.Retry) && j.Status == history.StatusUnconfirmed:
		return s.openRetry()
	case key.Matches(msg, km.Delete):
		s.confirming = true
		return flash("Delete "+j.ID+" from the history? y deletes it; any other key keeps it. A saved video stays on disk.", true)
	case key.Matches(msg, km.Back):
		return s.sh.back(detailID)
	case key.Matches(msg, km.Duplicate):
		return s.sh.open(composeID, fillMsg{job: j})
	case key.Matches(msg, km.Copy):
		return s.copyURL()
	case key.Matches(msg, km.Play):
		return s.open()
	case key.Matches(msg, km.Download):
		return s.downloadCmd(j)
	case key.Matches(msg, km.PrevMember):
		return s.member(-1)
	case key.Matches(msg, km.NextMember):
		return s.member(1)
	case key.Matches(msg, km.Preview):
		return s.togglePreview()
	case key.Matches(msg, km.New):
		return s.sh.open(composeID, focusPromptMsg{})
	case key.Matches(msg, km.History):
		return s.sh.open(historyID, nil)
	}
	s.scroll(msg)
	return nil
}

func (s *detailScreen) scroll(msg tea.KeyPressMsg) {
	if n, ok := s.sh.km.listStep(msg, s.height); ok {
		s.scrollBy(n)
	}
}

func (s *detailScreen) scrollBy(n int) { s.offset = min(max(0, s.offset+n), s.maxOffset()) }

func (s *detailScreen) maxOffset() int { return max(0, len(s.content())-s.height) }

// View is the visible part of the content, with a hint when more lies
// below or above.
func (s *detailScreen) View() string {
	lines := s.content()
	off := min(s.offset, max(0, len(lines)-s.height))
	end := min(len(lines), off+s.height)
	visible := append([]string(nil), lines[off:end]...)
	if end < len(lines) && len(visible) > 0 {
		visible[len(visible)-1] = s.sh.st.faint.Render("↓ " + plural(len(lines)-end, "more line") + " (j/pgdn/G)")
	} else if off > 0 && len(visible) > 0 {
		visible[0] = s.sh.st.faint.Render("↑ " + plural(off, "line") + " above (k/pgup/g)")
	}
	return strings.Join(visible, "\n")
}

// content is every line of the detail, before scrolling.
func (s *detailScreen) content() []string {
	st, j, w, now := s.sh.st, s.job, s.width, s.sh.now()
	var lines []string
	if s.retry.stage != retryNone {
		lines = s.retryView()
	}
	add := func(label, value string) {
		if value == "" {
			return
		}
		lines = append(lines, st.label.Render(fmt.Sprintf("%-10s", label))+" "+truncate(value, w-11))
	}
	status := statusCell(st, j, s.sh.frame, now)
	if j.Progress != nil && !j.Status.Terminal() {
		status += fmt.Sprintf("  %s %d%%", bar(st, *j.Progress, min(30, w/3)), *j.Progress)
	}
	add("Status", status+st.faint.Render("  "+elapsed(jobElapsed(j, now))))
	add("Job", j.ID)
	add("Task", inert.Line(j.TaskID))
	add("Model", jobVariant(j)+st.faint.Render(" ("+inert.Line(j.Model)+")"))
	add("Duration", fmt.Sprintf("%d s", j.Duration))
	add("Aspect", inert.Line(j.AspectRatio))
	add("Image", inert.Line(j.ImageURL))
	add("Credits", apidot.Credits(j.Credits).String()+st.faint.Render(" · "+apidot.EstimateNote))
	if j.CreditsCharged != nil {
		add("Charged", apidot.Credits(*j.CreditsCharged).String()+st.faint.Render(" · as the server reported"))
	}
	add("Batch", inert.Line(j.BatchID))
	add("Created", j.CreatedAt.Local().Format("2006-01-02 15:04:05"))
	label := "Error"
	for _, l := range wrapLines(inert.Line(j.Error), w-11) {
		if l != "" {
			lines = append(lines, st.label.Render(fmt.Sprintf("%-10s", label))+" "+st.bad.Render(l))
			label = ""
		}
	}
	for i, u := range j.VideoURLs {
		add(fmt.Sprintf("Video %d", i+1), inert.Line(u))
	}
	add("Saved to", inert.Line(j.LocalPath))
	if s.dl != nil && s.dl.id == j.ID {
		lines = append(lines, s.dl.view(st, w))
	}
	lines = append(lines, "", st.label.Render("Prompt"))
	for _, pl := range wrapLines(inert.Text(promptForDisplay(j.Prompt)), w-2) {
		lines = append(lines, "  "+pl)
	}
	if len(s.group) > 1 {
		lines = append(lines, "", st.label.Render("Comparison group "+inert.Line(j.GroupID)+"  ([ and ] move between variants)"))
		lines = append(lines, s.groupView()...)
	}
	lines = append(lines, "", st.label.Render("Status history"))
	for _, c := range j.StatusHistory {
		lines = append(lines, truncate(statusChangeLine(st, c), w))
	}
	return s.withPreview(lines)
}

// statusChangeLine is one line of a job's status history.
func statusChangeLine(st styles, c history.StatusChange) string {
	line := "  " + c.At.Local().Format("15:04:05") + "  " + st.status[c.Status].Render(string(c.Status))
	if c.Raw != "" {
		line += st.faint.Render(" (server: " + inert.Line(c.Raw) + ")")
	}
	if c.Progress != nil {
		line += fmt.Sprintf(" %d%%", *c.Progress)
	}
	if c.Note != "" && c.Status != history.StatusSubmitting {
		line += st.faint.Render(" — " + inert.Line(c.Note))
	}
	return line
}

// maxPromptDisplay caps how much of a stored prompt the detail draws.
const maxPromptDisplay = 4 * apidot.MaxPromptRunes

// promptForDisplay cuts a prompt longer than any the API takes (an
// imported file may hold one) before it is wrapped and drawn.
func promptForDisplay(p string) string {
	if len(p) <= maxPromptDisplay {
		return p
	}
	r := []rune(p)
	if len(r) <= maxPromptDisplay {
		return p
	}
	return string(r[:maxPromptDisplay]) + inert.Ellipsis
}

// groupView puts the variants of a comparison side by side.
func (s *detailScreen) groupView() []string {
	st, now, frame := s.sh.st, s.sh.now(), s.sh.frame
	n := len(s.group)
	colW := max(16, (s.width-2)/n-1)
	rows := make([][]string, 6)
	for _, g := range s.group {
		marker := " "
		if g.ID == s.job.ID {
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
			result = "saved " + inert.Line(g.LocalPath)
		case len(g.VideoURLs) > 0:
			result = inert.Line(g.VideoURLs[0])
		case g.Error != "":
			result = st.bad.Render(inert.Line(g.Error))
		}
		cells := []string{
			st.labelOn.Render(marker + jobVariant(g)), statusCell(st, g, frame, now), progress,
			"elapsed " + elapsed(jobElapsed(g, now)), fmt.Sprintf("%d credits", g.Credits), result,
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
