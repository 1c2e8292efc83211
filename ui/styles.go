package ui

import (
	"image/color"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"

	"github.com/soratui/soratui/history"
)

// styles are every style the interface draws with, for one background.
// Colour is downsampled (or dropped, under NO_COLOR) by the renderer.
type styles struct {
	isDark bool
	pal    palette

	app       lipgloss.Style
	title     lipgloss.Style
	tab       lipgloss.Style
	tabActive lipgloss.Style
	rule      lipgloss.Style
	faint     lipgloss.Style
	label     lipgloss.Style
	labelOn   lipgloss.Style
	value     lipgloss.Style
	choice    lipgloss.Style
	choiceOn  lipgloss.Style
	good      lipgloss.Style
	bad       lipgloss.Style
	warn      lipgloss.Style
	selected  lipgloss.Style
	barFull   lipgloss.Style
	barEmpty  lipgloss.Style
	notice    lipgloss.Style
	box       lipgloss.Style
	status    map[history.Status]lipgloss.Style
	help      help.Styles

	// Paints are the hot styles of list rows as raw escape sequences:
	// wrapping text in them costs nothing, unlike Style.Render.
	statusPaint   map[history.Status]paint
	barFullPaint  paint
	barEmptyPaint paint
	selectedPaint paint
	faintPaint    paint
}

// palette is every colour of the interface for one background: the one
// place colours are chosen, so each is readable on light and dark alike.
type palette struct {
	accent, subtle, text, green, red, amber, blue, selBg, barFill color.Color
}

func newPalette(isDark bool) palette {
	ld := lipgloss.LightDark(isDark)
	return palette{
		accent:  ld(lipgloss.Color("#5A3FC0"), lipgloss.Color("#B4A2FF")),
		subtle:  ld(lipgloss.Color("#6E6E6E"), lipgloss.Color("#8A8A8A")),
		text:    ld(lipgloss.Color("#1F1F1F"), lipgloss.Color("#E8E8E8")),
		green:   ld(lipgloss.Color("#1F7A3A"), lipgloss.Color("#6BD98A")),
		red:     ld(lipgloss.Color("#B3261E"), lipgloss.Color("#FF8A80")),
		amber:   ld(lipgloss.Color("#8A5A00"), lipgloss.Color("#FFC861")),
		blue:    ld(lipgloss.Color("#1A5FB4"), lipgloss.Color("#7FB8FF")),
		selBg:   ld(lipgloss.Color("#E6E0FF"), lipgloss.Color("#3A3060")),
		barFill: ld(lipgloss.Color("#5A3FC0"), lipgloss.Color("#9C86FF")),
	}
}

// paint is a plain colour or attribute style as the sequences around text.
type paint struct{ pre, post string }

// newPaint takes a style apart around one character; it suits styles with
// no padding, margins, borders or alignment.
func newPaint(s lipgloss.Style) paint {
	out := s.Render("x")
	i := strings.Index(out, "x")
	if i < 0 {
		return paint{}
	}
	return paint{pre: out[:i], post: out[i+1:]}
}

// on wraps s in the paint.
func (p paint) on(s string) string {
	if p.pre == "" {
		return s
	}
	return p.pre + s + p.post
}

func newStyles(isDark bool) styles {
	p := newPalette(isDark)
	accent, subtle, text, green, red, amber, blue, selBg, barFill := p.accent, p.subtle, p.text, p.green, p.red, p.amber, p.blue, p.selBg, p.barFill
	s := styles{
		isDark:    isDark,
		pal:       p,
		app:       lipgloss.NewStyle(),
		title:     lipgloss.NewStyle().Bold(true).Foreground(accent),
		tab:       lipgloss.NewStyle().Foreground(subtle).Padding(0, 1),
		tabActive: lipgloss.NewStyle().Bold(true).Foreground(text).Underline(true).Padding(0, 1),
		rule:      lipgloss.NewStyle().Foreground(subtle),
		faint:     lipgloss.NewStyle().Foreground(subtle),
		label:     lipgloss.NewStyle().Foreground(subtle),
		labelOn:   lipgloss.NewStyle().Bold(true).Foreground(accent),
		value:     lipgloss.NewStyle().Foreground(text),
		choice:    lipgloss.NewStyle().Foreground(subtle),
		choiceOn:  lipgloss.NewStyle().Bold(true).Foreground(accent),
		good:      lipgloss.NewStyle().Foreground(green),
		bad:       lipgloss.NewStyle().Foreground(red),
		warn:      lipgloss.NewStyle().Foreground(amber),
		selected:  lipgloss.NewStyle().Background(selBg).Bold(true),
		barFull:   lipgloss.NewStyle().Foreground(barFill),
		barEmpty:  lipgloss.NewStyle().Foreground(subtle),
		notice:    lipgloss.NewStyle().Foreground(blue),
		box:       lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(subtle).Padding(0, 1),
		status: map[history.Status]lipgloss.Style{
			history.StatusSubmitting:  lipgloss.NewStyle().Foreground(blue),
			history.StatusUnconfirmed: lipgloss.NewStyle().Foreground(amber),
			history.StatusRejected:    lipgloss.NewStyle().Foreground(red),
			history.StatusNotStarted:  lipgloss.NewStyle().Foreground(subtle),
			history.StatusRunning:     lipgloss.NewStyle().Foreground(blue),
			history.StatusFinished:    lipgloss.NewStyle().Foreground(green),
			history.StatusFailed:      lipgloss.NewStyle().Foreground(red),
			history.StatusExpired:     lipgloss.NewStyle().Foreground(amber),
		},
		help: helpStyles(p),
	}
	s.statusPaint = make(map[history.Status]paint, len(s.status))
	for k, v := range s.status {
		s.statusPaint[k] = newPaint(v)
	}
	s.barFullPaint, s.barEmptyPaint, s.selectedPaint = newPaint(s.barFull), newPaint(s.barEmpty), newPaint(s.selected)
	s.faintPaint = newPaint(s.faint)
	return s
}

// helpStyles are the key bar's and help's colours from the palette.
func helpStyles(p palette) help.Styles {
	h := help.DefaultStyles(true)
	key, desc := lipgloss.NewStyle().Foreground(p.text), lipgloss.NewStyle().Foreground(p.subtle)
	h.ShortKey, h.FullKey = key, key
	h.ShortDesc, h.FullDesc = desc, desc
	h.ShortSeparator, h.FullSeparator, h.Ellipsis = desc, desc, desc
	return h
}

// fieldLook is what every text field takes from the palette (the bubbles' own
// prompt and cursor are SGR 37, invisible on a light background), so the
// prompt and the one-line inputs look alike.
type fieldLook struct {
	prompt, promptOff, placeholder, text lipgloss.Style
	cursor                               color.Color
}

func (s styles) fieldLook() fieldLook {
	fg := func(c color.Color) lipgloss.Style { return lipgloss.NewStyle().Foreground(c) }
	return fieldLook{
		prompt:      fg(s.pal.accent),
		promptOff:   fg(s.pal.subtle),
		placeholder: fg(s.pal.subtle),
		text:        fg(s.pal.text),
		cursor:      s.pal.accent,
	}
}

// textarea is the prompt's style. The cursor holds still: a blinking one
// would redraw the whole screen twice a second on an idle interface.
func (s styles) textarea() textarea.Styles {
	t, f := textarea.DefaultStyles(s.isDark), s.fieldLook()
	t.Focused.Prompt, t.Blurred.Prompt = f.prompt, f.promptOff
	t.Focused.Placeholder, t.Blurred.Placeholder = f.placeholder, f.placeholder
	t.Focused.CursorLine, t.Blurred.CursorLine = lipgloss.NewStyle(), f.text
	t.Blurred.Text = f.text
	t.Cursor.Color, t.Cursor.Blink = f.cursor, false
	return t
}

// textinput is the one-line inputs' style; suggestions look like the
// placeholder.
func (s styles) textinput() textinput.Styles {
	t, f := textinput.DefaultStyles(s.isDark), s.fieldLook()
	t.Focused.Prompt, t.Blurred.Prompt = f.prompt, f.promptOff
	t.Focused.Placeholder, t.Blurred.Placeholder = f.placeholder, f.placeholder
	t.Focused.Suggestion, t.Blurred.Suggestion = f.placeholder, f.placeholder
	t.Blurred.Text = f.text
	t.Cursor.Color, t.Cursor.Blink = f.cursor, false
	return t
}
