package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/jobs"
)

// searchDebounce is how long typing in the search must pause before the
// history is searched.
const searchDebounce = 150 * time.Millisecond

// statusFilters are the status filter's steps.
var statusFilters = []struct {
	name     string
	statuses []history.Status
}{
	{"all", nil},
	{"pending", []history.Status{history.StatusSubmitting, history.StatusUnconfirmed, history.StatusNotStarted, history.StatusRunning}},
	{"finished", []history.Status{history.StatusFinished}},
	{"failed", []history.Status{history.StatusFailed, history.StatusRejected, history.StatusExpired}},
}

// modelFilters are the model filter's steps.
var modelFilters = []struct{ name, model string }{
	{"all", ""}, {"Standard", apidot.ModelStandard}, {"Pro", apidot.ModelPro},
}

// Messages addressed to the history screen.
type (
	// historyPageMsg is a loaded page.
	historyPageMsg struct {
		seq     int
		jobs    []history.Job
		pageNo  int
		hasNext bool
		cursor  int
		total   int
		short   map[string]string // id → its shortest unique prefix
		err     error
	}
	// searchDueMsg fires when typing in the search paused.
	searchDueMsg struct{ seq int }
)

func (historyPageMsg) owner() screenID { return historyID }
func (searchDueMsg) owner() screenID   { return historyID }

// historyScreen browses every job in the store a page at a time, so a
// history of 100,000 jobs costs what one of ten does.
type historyScreen struct {
	sh        *shared
	input     textinput.Model
	filtering bool
	status    int
	model     int

	page    []history.Job
	short   map[string]string // what the ID column shows of each id
	cursor  int
	pageNo  int // -1 on the oldest page reached with G
	hasNext bool
	loading bool
	seq     int
	err     error
	// total is how many jobs the history holds.
	total int
	// cancel stops the read in flight when a newer one supersedes it.
	cancel context.CancelFunc
	// thumbs is the optional column of tiny frames (t).
	thumbs thumbColumn

	width, height int
}

func newHistoryScreen(sh *shared) *historyScreen {
	in := textinput.New()
	in.Prompt = "/ "
	in.Placeholder = "text in the prompt or id"
	in.CharLimit = 200
	in.SetStyles(sh.st.textinput())
	return &historyScreen{sh: sh, input: in, thumbs: newThumbColumn(colorprofile.TrueColor)}
}

// SetSize is the body's size.
func (h *historyScreen) SetSize(w, hh int) {
	h.width, h.height = w, hh
	h.input.SetWidth(max(10, w/2))
}

func (h *historyScreen) typing() bool { return h.filtering }

func (h *historyScreen) tabTitle() string { return "History" }

// Keys are the search's keys while searching, else the list's.
func (h *historyScreen) Keys() help.KeyMap {
	km := h.sh.km
	if h.filtering {
		b := []key.Binding{
			key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "done")),
			key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear")),
		}
		return keyHelp{short: b, full: [][]key.Binding{b}}
	}
	short := []key.Binding{km.Open, km.Filter, km.Status, km.Model, km.Thumbs, km.Bottom, km.Back, km.Help, km.Quit}
	return keyHelp{short: short, full: [][]key.Binding{km.movement(), {km.Open, km.Filter, km.Status, km.Model, km.Thumbs, km.Back}}}
}

// pageSize is how many rows fit under the filter and summary lines.
func (h *historyScreen) pageSize() int { return max(1, h.height-3) }

func (h *historyScreen) query() history.Query {
	return history.Query{
		Statuses: statusFilters[h.status].statuses,
		Model:    modelFilters[h.model].model,
		Search:   strings.TrimSpace(h.input.Value()),
	}
}

// Update handles searching, filters, paging and job changes.
func (h *historyScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg := msg.(type) {
	case shownMsg:
		return h, h.reload()
	case historyPageMsg:
		h.loaded(msg)
		return h, h.moreThumbs()
	case thumbLoadedMsg:
		return h, h.thumbLoaded(msg)
	case tea.ColorProfileMsg:
		h.setThumbProfile(msg.Profile)
	case searchDueMsg:
		if msg.seq == h.seq {
			return h, h.reload()
		}
	case jobEventMsg:
		h.event(msg.ev)
	case stylesMsg:
		h.input.SetStyles(h.sh.st.textinput())
	case tea.MouseWheelMsg:
		return h, h.step(wheelStep(msg))
	case tea.MouseClickMsg:
		return h, h.click(msg)
	case tea.KeyPressMsg:
		if h.filtering {
			return h, h.searchKey(msg)
		}
		return h, h.key(msg)
	default:
		if h.filtering {
			var cmd tea.Cmd
			h.input, cmd = h.input.Update(msg)
			return h, cmd
		}
	}
	return h, nil
}

// reload loads the first page for the current filters.
func (h *historyScreen) reload() tea.Cmd { return h.load(history.Query{}, 0, 0) }

// load fetches one page: after or before a cursor given in paging. A newer
// load supersedes it: its answer is dropped by seq.
func (h *historyScreen) load(paging history.Query, pageNo, cursor int) tea.Cmd {
	store := h.sh.backend.Store
	if store == nil {
		return nil
	}
	h.seq++
	h.loading = true
	if h.cancel != nil {
		h.cancel() // a superseded search stops early
	}
	ctx, cancel := context.WithCancel(h.sh.ctx)
	h.cancel = cancel
	seq, size := h.seq, h.pageSize()
	q := h.query()
	q.After, q.Before = paging.After, paging.Before
	q.Limit = size + 1
	if q.Before != nil {
		q.Limit = size
	}
	return func() tea.Msg {
		defer cancel()
		js, err := store.ListContext(ctx, q)
		msg := historyPageMsg{seq: seq, pageNo: pageNo, cursor: cursor, err: err}
		if stamp, serr := store.Stamp(); serr == nil {
			msg.total = stamp.Count
		}
		if q.Before != nil {
			msg.jobs, msg.hasNext = js, pageNo != -1
			if len(js) < size { // nothing newer: the first page
				msg.pageNo = 0
			}
		} else {
			msg.hasNext = len(js) > size
			msg.jobs = js[:min(len(js), size)]
		}
		if cursor < 0 {
			msg.cursor = len(msg.jobs) - 1
		}
		msg.short = shortIDsOf(store, msg.jobs)
		return msg
	}
}

func (h *historyScreen) loaded(msg historyPageMsg) {
	if msg.seq != h.seq {
		return
	}
	h.loading, h.err = false, msg.err
	if msg.err != nil {
		return
	}
	h.total = msg.total
	h.page, h.pageNo, h.hasNext, h.short = msg.jobs, msg.pageNo, msg.hasNext, msg.short
	h.cursor = min(max(msg.cursor, 0), max(0, len(h.page)-1))
}

// shortIDsOf abbreviates the ids of js against the whole history (a page
// of search results holds only some of the jobs that share a prefix); on
// an error the rows show whole ids.
func shortIDsOf(store *history.Store, js []history.Job) map[string]string {
	ids := make([]string, len(js))
	for i, j := range js {
		ids[i] = j.ID
	}
	short, err := store.ShortIDs(ids, minShortID)
	if err != nil {
		return nil
	}
	return short
}

// event applies a change the job service reports to the page on show.
func (h *historyScreen) event(ev jobs.Event) {
	switch {
	case ev.Kind == jobs.JobDeleted:
		h.page = slices.DeleteFunc(h.page, func(j history.Job) bool { return j.ID == ev.Job.ID })
		h.cursor = min(h.cursor, max(0, len(h.page)-1))
	case ev.Kind == jobs.JobChanged && ev.Err == nil, ev.Kind == jobs.DownloadFinished:
		h.refresh(ev.Job)
	}
}

func (h *historyScreen) refresh(j history.Job) {
	for i := range h.page {
		if h.page[i].ID == j.ID {
			h.page[i] = j
		}
	}
}

func (h *historyScreen) selected() (history.Job, bool) {
	if h.cursor < 0 || h.cursor >= len(h.page) {
		return history.Job{}, false
	}
	return h.page[h.cursor], true
}

// searchKey edits the search; the history is searched once typing pauses.
func (h *historyScreen) searchKey(k tea.KeyPressMsg) tea.Cmd {
	switch k.String() {
	case "enter":
		h.filtering = false
		h.input.Blur()
		return nil
	case "esc":
		h.filtering = false
		h.input.Blur()
		h.input.SetValue("")
		return h.reload()
	}
	before := h.input.Value()
	var cmd tea.Cmd
	h.input, cmd = h.input.Update(k)
	if h.input.Value() == before {
		return cmd
	}
	h.seq++
	h.loading = true
	seq := h.seq
	return tea.Batch(cmd, h.sh.wait.after(searchDebounce, func(time.Time) tea.Msg { return searchDueMsg{seq: seq} }))
}

func (h *historyScreen) key(k tea.KeyPressMsg) tea.Cmd {
	km := h.sh.km
	switch {
	case key.Matches(k, km.Open):
		if j, ok := h.selected(); ok {
			return h.sh.open(detailID, openDetailMsg{job: j})
		}
	case key.Matches(k, km.Back):
		return h.sh.back(historyID)
	case key.Matches(k, km.New):
		return h.sh.open(composeID, focusPromptMsg{})
	case key.Matches(k, km.Filter):
		h.filtering = true
		return h.input.Focus()
	case key.Matches(k, km.Status):
		h.status = (h.status + 1) % len(statusFilters)
		return h.reload()
	case key.Matches(k, km.Model):
		h.model = (h.model + 1) % len(modelFilters)
		return h.reload()
	case key.Matches(k, km.Thumbs):
		return h.toggleThumbs()
	case key.Matches(k, km.Up):
		return h.step(-1)
	case key.Matches(k, km.Down):
		return h.step(1)
	case key.Matches(k, km.PageDown):
		return h.nextPage(0)
	case key.Matches(k, km.PageUp):
		return h.prevPage(0)
	case key.Matches(k, km.Top):
		return h.reload()
	case key.Matches(k, km.Bottom):
		// The oldest page: the jobs closest to the beginning of time.
		return h.load(history.Query{Before: &history.Cursor{}}, -1, -1)
	}
	return nil
}

// click selects the row under the pointer; a second click opens it.
func (h *historyScreen) click(msg tea.MouseClickMsg) tea.Cmd {
	row := msg.Y - 3
	if msg.Button != tea.MouseLeft || row < 0 || row >= len(h.page) {
		return nil
	}
	if row == h.cursor {
		return h.sh.open(detailID, openDetailMsg{job: h.page[row]})
	}
	h.cursor = row
	return nil
}

// step moves the cursor, crossing into the next or previous page.
func (h *historyScreen) step(n int) tea.Cmd {
	if h.loading {
		return nil
	}
	c := h.cursor + n
	switch {
	case c >= len(h.page) && h.hasNext:
		return h.nextPage(0)
	case c < 0 && h.pageNo != 0:
		return h.prevPage(-1)
	}
	h.cursor = min(max(c, 0), max(0, len(h.page)-1))
	return nil
}

func (h *historyScreen) nextPage(cursor int) tea.Cmd {
	if !h.hasNext || len(h.page) == 0 {
		h.cursor = max(0, len(h.page)-1)
		return nil
	}
	last := h.page[len(h.page)-1].Cursor()
	return h.load(history.Query{After: &last}, h.pageNo+1, cursor)
}

func (h *historyScreen) prevPage(cursor int) tea.Cmd {
	if h.pageNo == 0 || len(h.page) == 0 {
		h.cursor = 0
		return nil
	}
	first := h.page[0].Cursor()
	switch h.pageNo {
	case 1:
		return h.load(history.Query{}, 0, cursor)
	case -1:
		// Counted from the end: the page number is not known.
		return h.load(history.Query{Before: &first}, -2, cursor)
	}
	return h.load(history.Query{Before: &first}, h.pageNo-1, cursor)
}

// View is the filter line, a summary and the page's rows.
func (h *historyScreen) View() string {
	st, w := h.sh.st, h.width
	var b strings.Builder
	filter := st.faint.Render("/ to search") + "  "
	if h.filtering || h.input.Value() != "" {
		filter = h.input.View() + "  "
	}
	page := fmt.Sprintf("page %d", h.pageNo+1)
	switch {
	case h.pageNo == -1:
		page = "oldest jobs"
	case h.pageNo < -1:
		page = fmt.Sprintf("%d pages before the oldest", -h.pageNo-1)
	}
	line := filter + st.label.Render("status: ") + st.value.Render(statusFilters[h.status].name) + st.faint.Render(" (s)") +
		"  " + st.label.Render("model: ") + st.value.Render(modelFilters[h.model].name) + st.faint.Render(" (m)") +
		"  " + st.faint.Render(page)
	b.WriteString(truncate(line, w) + "\n")
	switch {
	case h.err != nil:
		b.WriteString("\n  " + st.bad.Render(describeError(h.err)))
		return b.String()
	case h.loading && h.input.Value() != "":
		b.WriteString(st.faint.Render("searching…"))
	case len(h.page) == 0 && !h.loading:
		b.WriteString("\n  " + st.faint.Render("No jobs match."))
		return b.String()
	default:
		b.WriteString(st.faint.Render(truncate(h.summary(), w)))
	}
	r, marks := newRows(st, h.rowWidth(w), h.page, h.short, h.sh.frame, h.sh.now()), groupMarks(h.page)
	b.WriteString("\n" + h.thumbRow(st.faint.Render(r.header()), strings.Repeat(" ", thumbWidth)))
	for i, j := range h.page {
		b.WriteString("\n" + h.thumbRow(r.row(j, marks[i], i == h.cursor), h.thumbs.cell(j)))
	}
	return b.String()
}

func (h *historyScreen) summary() string {
	credits := 0
	for _, j := range h.page {
		credits += j.Credits
	}
	more := ""
	if h.hasNext {
		more = " · more below (pgdn, G for the oldest)"
	}
	return fmt.Sprintf("%d on this page of %s in the history, %s%s%s", len(h.page), plural(h.total, "job"), apidot.Credits(credits), more, h.thumbNote())
}
