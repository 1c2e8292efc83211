package ui

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"charm.land/lipgloss/v2"

	"github.com/soratui/soratui/apidot"
)

// labelWidth is the cells of a field's label column.
const labelWidth = 11

// View is the form, each problem next to its field, and the estimate.
func (c *composeScreen) View() string {
	st, w := c.sh.st, c.width
	var b strings.Builder
	probs := c.problems()
	row := func(line string, f field) {
		why := c.reason(probs, f)
		if why != "" && lipgloss.Width(line+why) > w {
			line += "\n" + strings.Repeat(" ", labelWidth) + why
		} else {
			line += why
		}
		b.WriteString(line + "\n")
	}
	b.WriteString(c.label(fieldPrompt, "Prompt") + c.reason(probs, fieldPrompt) + "\n")
	b.WriteString(c.prompt.View() + "\n")
	count := utf8.RuneCountInString(c.prompt.Value())
	b.WriteString(st.faint.Render(fmt.Sprintf("  %d/%d", count, apidot.MaxPromptRunes)) + "\n")
	if c.comparing() {
		b.WriteString(c.label(fieldModel, "Model") + st.faint.Render("set by compare") + "\n")
	} else {
		row(c.label(fieldModel, "Model")+choices(st, []string{"Standard", "Pro"}, apidot.ModelLabel(c.model), c.focus == fieldModel), fieldModel)
	}
	durs := make([]string, len(apidot.Durations))
	for i, d := range apidot.Durations {
		durs[i] = fmt.Sprint(d)
	}
	row(c.label(fieldDuration, "Duration")+choices(st, durs, fmt.Sprint(c.duration), c.focus == fieldDuration)+st.faint.Render(" s"), fieldDuration)
	row(c.label(fieldAspect, "Aspect")+choices(st, c.aspects(), c.aspect, c.focus == fieldAspect), fieldAspect)
	switch {
	case c.comparing():
		b.WriteString(c.label(fieldResolution, "Resolution") + st.faint.Render("set by compare") + "\n")
	case apidot.IsPro(c.model):
		row(c.label(fieldResolution, "Resolution")+choices(st, apidot.Resolutions, c.resolution, c.focus == fieldResolution), fieldResolution)
	default:
		b.WriteString(c.label(fieldResolution, "Resolution") + st.faint.Render("720p (Pro offers 1024p and 1080p)") + "\n")
	}
	img := c.image.View()
	if c.img.state == imageOK {
		img += "  " + st.good.Render("✓ image")
	}
	row(c.label(fieldImage, "Image URL")+img, fieldImage)
	row(c.label(fieldCompare, "Compare")+c.compareView(), fieldCompare)
	b.WriteString("\n" + c.estimateLine() + "\n")
	if bl := c.budgetLine(); bl != "" {
		b.WriteString(bl + "\n")
	}
	if c.notice != "" {
		for _, l := range wrapLines(c.notice, w) {
			b.WriteString(st.notice.Render(l) + "\n")
		}
	}
	return lipgloss.NewStyle().MaxWidth(w).Render(strings.TrimRight(b.String(), "\n"))
}

func (c *composeScreen) label(f field, name string) string {
	s := c.sh.st.label
	if c.focus == f {
		s = c.sh.st.labelOn
	}
	return s.Render(fmt.Sprintf("%-*s", labelWidth, name))
}

// reason is the problem shown after a field: a hint until a submit was
// tried, a faint note while the image is checked, else an error.
func (c *composeScreen) reason(probs map[field]string, f field) string {
	st := c.sh.st
	if f == fieldPrompt && !c.tried && strings.TrimSpace(c.prompt.Value()) == "" {
		return "  " + st.faint.Render("required")
	}
	r := probs[f]
	switch {
	case r == "":
		return ""
	case f == fieldImage && c.img.state == imageChecking && strings.TrimSpace(c.image.Value()) != "":
		return "  " + st.faint.Render(r)
	}
	return "  " + st.bad.Render("✗ "+r)
}

func (c *composeScreen) estimateLine() string {
	st := c.sh.st
	what := "Estimate"
	if c.comparing() {
		what = fmt.Sprintf("Estimate for %d jobs", len(c.variants()))
	}
	return st.label.Render(what+": ") + st.value.Render(c.estimate().String()) + st.faint.Render(" · "+apidot.EstimateNote)
}

func (c *composeScreen) compareView() string {
	st := c.sh.st
	parts := make([]string, len(compareVariants))
	for i, name := range compareVariants {
		v, _ := apidot.ParseVariant(name)
		box, s := "[ ]", st.choice
		if c.compare[name] {
			box, s = "[x]", st.choiceOn
		}
		text := box + " " + v.Label()
		if c.focus == fieldCompare && i == c.compareAt {
			s = st.selected
		}
		parts[i] = s.Render(text)
	}
	return strings.Join(parts, " ")
}

// choices renders options with the chosen one marked.
func choices(st styles, options []string, chosen string, focused bool) string {
	parts := make([]string, len(options))
	for i, o := range options {
		switch {
		case o == chosen && focused:
			parts[i] = st.selected.Render("‹" + o + "›")
		case o == chosen:
			parts[i] = st.choiceOn.Render("[" + o + "]")
		default:
			parts[i] = st.choice.Render(" " + o + " ")
		}
	}
	return strings.Join(parts, " ")
}
