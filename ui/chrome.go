package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// maxFlashLines caps how much of the body a long message may cover.
const maxFlashLines = 3

// footerHeight is the message line and two lines of keys.
const footerHeight = 3

// render is the whole frame as a string: header, body, then the message
// line and the key bar, which wrap onto the body's last lines when long.
func (m Model) render() string {
	w := m.width
	footer := m.keyBar()
	if m.flash != "" {
		s := m.sh.st.notice
		if m.flashBad {
			s = m.sh.st.bad
		}
		lines := wrapLines(m.flash, w)
		if len(lines) > maxFlashLines {
			lines = lines[:maxFlashLines]
			lines[maxFlashLines-1] = truncate(lines[maxFlashLines-1]+" …", w)
		}
		for i, l := range lines {
			lines[i] = s.Render(l)
		}
		footer = append(lines, footer...)
	} else {
		footer = append([]string{""}, footer...)
	}
	bodyH := max(1, m.height-headerHeight-len(footer))
	body := fitHeight(m.screens[m.current].View(), bodyH)
	frame := m.header() + "\n" + body + "\n" + strings.Join(footer, "\n")
	return clipLines(frame, w)
}

// clipLines cuts every line of s to w cells, so nothing wraps by accident.
func clipLines(s string, w int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if len(l) > w && width(l) > w {
			lines[i] = ansi.Truncate(l, w, "…")
		}
	}
	return strings.Join(lines, "\n")
}

// fitHeight pads or cuts s to exactly h lines.
func fitHeight(s string, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for len(lines) < h {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// wrapLines breaks s at spaces (or inside a word longer than w) into lines
// of at most w cells, measuring graphemes as the terminal draws them.
func wrapLines(s string, w int) []string {
	return strings.Split(ansi.Wrap(s, max(w, 10), ""), "\n")
}

// header is the tabs, the connection, and a rule.
func (m Model) header() string {
	st := m.sh.st
	parts := []string{st.title.Render("soratui")}
	tab := m.tab()
	for _, id := range []screenID{composeID, jobsID, historyID} {
		style := st.tab
		if id == tab {
			style = st.tabActive
		}
		parts = append(parts, style.Render(m.screens[id].(titled).tabTitle()))
	}
	left := strings.Join(parts, " ")
	right, gap := "", max(1, m.width-lipgloss.Width(left))
	// The widest right end that fits: spend and connection, then the
	// connection alone, then its short form.
	for _, r := range m.headerRights() {
		if g := m.width - lipgloss.Width(left) - lipgloss.Width(r); g >= 1 {
			right, gap = r, g
			break
		}
	}
	line := left + strings.Repeat(" ", gap) + right
	return truncate(line, m.width) + "\n" + st.rule.Render(strings.Repeat("─", m.width))
}

// headerRights are the right end of the title line, widest first:
// segments joined by spaces (add one here, e.g. the month's spend), then
// shorter forms for narrow terminals, so the demo is always named.
func (m Model) headerRights() []string {
	st := m.sh.st
	var conn, short string
	switch {
	case m.sh.backend.Demo:
		conn = st.warn.Render("demo: simulator, no key, no network")
		short = st.warn.Render("demo")
	case m.sh.key.Value != "":
		conn = st.faint.Render("key " + m.sh.key.Masked() + " (" + string(m.sh.key.Source) + ")")
		short = st.faint.Render(m.sh.key.Masked())
	}
	var out []string
	if sp := m.spendSegment(); sp != "" {
		out = append(out, strings.TrimSpace(sp+"  "+conn), strings.TrimSpace(sp+"  "+short))
	}
	return append(out, conn, short)
}

// tab is the header tab to underline: the screen on show, or the tab it
// was opened from (detail from jobs, help from history, …).
func (m Model) tab() screenID {
	id := m.current
	for range numScreens {
		if _, ok := m.screens[id].(titled); ok {
			return id
		}
		id = m.back[id]
	}
	return -1
}

// keyBar is the visible screen's short help, on as many lines as it needs
// (at most two), each binding whole.
func (m Model) keyBar() []string {
	bs := m.screens[m.current].Keys().ShortHelp()
	st := m.help.Styles
	sep := st.ShortSeparator.Render(" • ")
	var lines []string
	line := ""
	for _, b := range enabled(bs) {
		h := b.Help()
		item := st.ShortKey.Render(h.Key) + " " + st.ShortDesc.Render(h.Desc)
		switch {
		case line == "":
			line = item
		case lipgloss.Width(line+sep+item) <= m.width:
			line += sep + item
		default:
			lines = append(lines, line)
			line = item
		}
	}
	lines = append(lines, line)
	for len(lines) < footerHeight-1 {
		lines = append(lines, "")
	}
	return lines[:footerHeight-1]
}

// enabled are the bindings that are on and have help.
func enabled(bs []key.Binding) []key.Binding {
	out := bs[:0:0]
	for _, b := range bs {
		if b.Enabled() && b.Help().Key != "" {
			out = append(out, b)
		}
	}
	return out
}
