package ui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
)

// statusFilters are the status filter's steps.
var statusFilters = []struct {
	name     string
	statuses []history.Status
}{
	{"all", nil},
	{"pending", []history.Status{history.StatusSubmitting, history.StatusUnconfirmed, history.StatusNotStarted, history.StatusRunning}},
	{"finished", []history.Status{history.StatusFinished}},
	{"failed", []history.Status{history.StatusFailed, history.StatusRejected}},
}

// modelFilters are the model filter's steps.
var modelFilters = []struct{ name, model string }{
	{"all", ""}, {"Standard", apidot.ModelStandard}, {"Pro", apidot.ModelPro},
}

// historyModel browses every job in the store a page at a time, so a
// history of 100,000 jobs costs what one of ten does.
type historyModel struct {
	input     textinput.Model
	filtering bool
	status    int
	model     int

	page    []history.Job
	cursor  int
	pageNo  int
	hasNext bool
	loading bool
	seq     int
	err     error

	width, height int
}

// historyPageMsg is a loaded page.
type historyPageMsg struct {
	seq     int
	jobs    []history.Job
	pageNo  int
	hasNext bool
	cursor  int
	err     error
}

func newHistory(st styles) historyModel {
	in := textinput.New()
	in.Prompt = "/ "
	in.Placeholder = "text in the prompt or id"
	in.CharLimit = 200
	in.SetStyles(st.textinput())
	return historyModel{input: in}
}

func (h *historyModel) setStyles(st styles) { h.input.SetStyles(st.textinput()) }

func (h *historyModel) setSize(w, hh int) {
	h.width, h.height = w, hh
	h.input.SetWidth(max(10, w/2))
}

// pageSize is how many rows fit under the filter line.
func (h historyModel) pageSize() int { return max(1, h.height-2) }

func (h historyModel) query() history.Query {
	return history.Query{
		Statuses: statusFilters[h.status].statuses,
		Model:    modelFilters[h.model].model,
		Search:   strings.TrimSpace(h.input.Value()),
	}
}

// reload loads the first page for the current filters.
func (h *historyModel) reload(store *history.Store) tea.Cmd {
	return h.load(store, history.Query{}, 0, 0)
}

// load fetches one page: after or before a cursor given in q.
func (h *historyModel) load(store *history.Store, paging history.Query, pageNo, cursor int) tea.Cmd {
	if store == nil {
		return nil
	}
	h.seq++
	h.loading = true
	seq, size := h.seq, h.pageSize()
	q := h.query()
	q.After, q.Before = paging.After, paging.Before
	q.Limit = size + 1
	if q.Before != nil {
		q.Limit = size
	}
	return func() tea.Msg {
		js, err := store.List(q)
		msg := historyPageMsg{seq: seq, pageNo: pageNo, cursor: cursor, err: err}
		if q.Before != nil {
			msg.jobs, msg.hasNext = js, true
		} else {
			msg.hasNext = len(js) > size
			msg.jobs = js[:min(len(js), size)]
		}
		if cursor < 0 {
			msg.cursor = len(msg.jobs) - 1
		}
		return msg
	}
}

func (h *historyModel) loaded(msg historyPageMsg) {
	if msg.seq != h.seq {
		return
	}
	h.loading, h.err = false, msg.err
	if msg.err != nil {
		return
	}
	h.page, h.pageNo, h.hasNext = msg.jobs, msg.pageNo, msg.hasNext
	h.cursor = min(max(msg.cursor, 0), max(0, len(h.page)-1))
}

func (h *historyModel) refresh(j history.Job) {
	for i := range h.page {
		if h.page[i].ID == j.ID {
			h.page[i] = j
		}
	}
}

func (h historyModel) selected() (history.Job, bool) {
	if h.cursor < 0 || h.cursor >= len(h.page) {
		return history.Job{}, false
	}
	return h.page[h.cursor], true
}

func (h historyModel) update(msg tea.Msg, km keyMap, store *history.Store) (historyModel, tea.Cmd) {
	if h.filtering {
		if k, ok := msg.(tea.KeyPressMsg); ok {
			switch k.String() {
			case "enter":
				h.filtering = false
				h.input.Blur()
				return h, nil
			case "esc":
				h.filtering = false
				h.input.Blur()
				h.input.SetValue("")
				return h, h.reload(store)
			}
		}
		before := h.input.Value()
		var cmd tea.Cmd
		h.input, cmd = h.input.Update(msg)
		if h.input.Value() != before {
			return h, tea.Batch(cmd, h.reload(store))
		}
		return h, cmd
	}
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return h, nil
	}
	switch {
	case key.Matches(k, km.Filter):
		h.filtering = true
		return h, h.input.Focus()
	case key.Matches(k, km.Status):
		h.status = (h.status + 1) % len(statusFilters)
		return h, h.reload(store)
	case key.Matches(k, km.Model):
		h.model = (h.model + 1) % len(modelFilters)
		return h, h.reload(store)
	case key.Matches(k, km.Up):
		return h.step(-1, store)
	case key.Matches(k, km.Down):
		return h.step(1, store)
	case key.Matches(k, km.PageDown):
		return h.nextPage(store, 0)
	case key.Matches(k, km.PageUp):
		return h.prevPage(store, 0)
	case key.Matches(k, km.Top):
		return h, h.reload(store)
	}
	return h, nil
}

// step moves the cursor, crossing into the next or previous page.
func (h historyModel) step(n int, store *history.Store) (historyModel, tea.Cmd) {
	if h.loading {
		return h, nil
	}
	c := h.cursor + n
	switch {
	case c >= len(h.page) && h.hasNext:
		return h.nextPage(store, 0)
	case c < 0 && h.pageNo > 0:
		return h.prevPage(store, -1)
	}
	h.cursor = min(max(c, 0), max(0, len(h.page)-1))
	return h, nil
}

func (h historyModel) nextPage(store *history.Store, cursor int) (historyModel, tea.Cmd) {
	if !h.hasNext || len(h.page) == 0 {
		h.cursor = max(0, len(h.page)-1)
		return h, nil
	}
	last := h.page[len(h.page)-1].Cursor()
	return h, h.load(store, history.Query{After: &last}, h.pageNo+1, cursor)
}

func (h historyModel) prevPage(store *history.Store, cursor int) (historyModel, tea.Cmd) {
	if h.pageNo == 0 || len(h.page) == 0 {
		h.cursor = 0
		return h, nil
	}
	first := h.page[0].Cursor()
	if h.pageNo == 1 {
		return h, h.load(store, history.Query{}, 0, cursor)
	}
	return h, h.load(store, history.Query{Before: &first}, h.pageNo-1, cursor)
}

func (h historyModel) view(st styles, w, frame int, now time.Time) string {
	var b strings.Builder
	filter := ""
	if h.filtering || h.input.Value() != "" {
		filter = h.input.View() + "  "
	} else {
		filter = st.faint.Render("/ to search") + "  "
	}
	line := filter + st.label.Render("status: ") + st.value.Render(statusFilters[h.status].name) + st.faint.Render(" (s)") +
		"  " + st.label.Render("model: ") + st.value.Render(modelFilters[h.model].name) + st.faint.Render(" (m)") +
		"  " + st.faint.Render(fmt.Sprintf("page %d", h.pageNo+1))
	b.WriteString(truncate(line, w) + "\n")
	switch {
	case h.err != nil:
		b.WriteString("\n  " + st.bad.Render(describeError(h.err)))
		return b.String()
	case len(h.page) == 0 && !h.loading:
		b.WriteString("\n  " + st.faint.Render("No jobs match."))
		return b.String()
	}
	credits := 0
	for _, j := range h.page {
		credits += j.Credits
	}
	more := ""
	if h.hasNext {
		more = " · more below"
	}
	b.WriteString(st.faint.Render(truncate(fmt.Sprintf("%d on this page, %s%s", len(h.page), apidot.Credits(credits), more), w)))
	for i, j := range h.page {
		b.WriteString("\n" + historyRow(st, j, w, frame, now, i == h.cursor))
	}
	return b.String()
}

// historyRow is a job row with its creation date in place of the bar.
func historyRow(st styles, j history.Job, w, frame int, now time.Time, selected bool) string {
	date := j.CreatedAt.Local().Format("01-02 15:04")
	row := jobRow(st, j, max(20, w-12), frame, now, false)
	line := st.faint.Render(date) + row
	if selected {
		return st.selected.Render(pad("▌"+date+" "+strings.TrimPrefix(ansi.Strip(row), " "), w))
	}
	return pad(" "+line, w)
}
