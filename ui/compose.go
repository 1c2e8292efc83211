package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/jobs"
)

// field is one input of the compose form, in focus order.
type field int

const (
	fieldPrompt field = iota
	fieldModel
	fieldDuration
	fieldAspect
	fieldResolution
	fieldImage
	fieldCompare
	numFields
)

// compareVariants are the arms compose offers for a comparison.
var compareVariants = []string{"standard", "pro-720p", "pro-1024p", "pro-1080p"}

// imageDebounce is how long typing must pause before the image URL is
// checked over the network.
const imageDebounce = 600 * time.Millisecond

type imageState int

const (
	imageNone imageState = iota
	imageChecking
	imageOK
	imageBad
)

// composeModel is the form that builds a request.
type composeModel struct {
	prompt     textarea.Model
	image      textinput.Model
	model      string
	duration   int
	aspect     string
	resolution string
	compare    map[string]bool
	compareAt  int
	focus      field

	imgState  imageState
	imgURL    string
	imgReason string
	imgSeq    int

	notice string
	// tried is set by a submit attempt: only then is an empty prompt
	// an error rather than a hint.
	tried  bool
	width  int
	height int
}

// imageCheckDueMsg fires when typing in the image field paused.
type imageCheckDueMsg struct{ seq int }

// imageCheckedMsg carries the result of an image URL check.
type imageCheckedMsg struct {
	url string
	err error
}

func newCompose(st styles) composeModel {
	ta := textarea.New()
	ta.Placeholder = "Describe the shot: subject, action, camera, lighting, style…"
	ta.ShowLineNumbers = false
	ta.CharLimit = apidot.MaxPromptRunes
	ta.Prompt = "┃ "
	ta.SetStyles(st.textarea())
	ti := textinput.New()
	ti.Placeholder = "optional: https://… link to a PNG, JPEG or WebP"
	ti.Prompt = ""
	ti.CharLimit = 2048
	ti.SetStyles(st.textinput())
	c := composeModel{
		prompt:     ta,
		image:      ti,
		model:      apidot.ModelStandard,
		duration:   apidot.DefaultDuration,
		aspect:     "16:9",
		resolution: apidot.DefaultResolution,
		compare:    map[string]bool{},
	}
	c.prompt.Focus()
	return c
}

func (c *composeModel) setStyles(st styles) {
	c.prompt.SetStyles(st.textarea())
	c.image.SetStyles(st.textinput())
}

func (c *composeModel) setSize(w, h int) {
	c.width, c.height = w, h
	c.prompt.SetWidth(max(20, w-2))
	c.prompt.SetHeight(promptHeight(h))
	c.image.SetWidth(max(10, w-16))
}

// promptHeight gives the prompt the rows the other fields leave.
func promptHeight(bodyHeight int) int {
	return min(12, max(3, bodyHeight-14))
}

// typing reports whether keys go to a text field.
func (c composeModel) typing() bool { return c.focus == fieldPrompt || c.focus == fieldImage }

// fill loads a job's prompt and parameters for editing as a new job.
func (c *composeModel) fill(j history.Job) tea.Cmd {
	c.prompt.SetValue(j.Prompt)
	c.model = j.Model
	c.duration = j.Duration
	c.aspect = j.AspectRatio
	if c.aspect == "" {
		c.aspect = "16:9"
	}
	c.resolution = j.Resolution
	if c.resolution == "" {
		c.resolution = apidot.DefaultResolution
	}
	c.image.SetValue(j.ImageURL)
	c.compare = map[string]bool{}
	c.notice = "Loaded " + j.ID + ": edit and press ctrl+s to submit it as a new job."
	c.imgState, c.imgURL, c.imgReason = imageNone, "", ""
	return tea.Batch(c.focusField(fieldPrompt), c.scheduleImageCheck())
}

// reset clears the form after a submit, keeping the chosen parameters.
func (c *composeModel) reset() {
	c.prompt.Reset()
	c.notice = ""
	c.tried = false
}

// variants is the compare selection, in offer order.
func (c composeModel) variants() []apidot.Variant {
	var out []apidot.Variant
	for _, name := range compareVariants {
		if c.compare[name] {
			v, _ := apidot.ParseVariant(name)
			out = append(out, v)
		}
	}
	return out
}

// comparing reports whether submit sends a comparison group.
func (c composeModel) comparing() bool { return len(c.variants()) >= 2 }

// requests builds what submit sends.
func (c composeModel) requests() []apidot.Request {
	base := apidot.Request{
		Model:       c.model,
		Prompt:      c.prompt.Value(),
		Duration:    c.duration,
		AspectRatio: c.aspect,
	}
	if apidot.IsPro(c.model) {
		base.Resolution = c.resolution
	}
	if u := strings.TrimSpace(c.image.Value()); u != "" {
		base.ImageURLs = []string{u}
	}
	if !c.comparing() {
		return []apidot.Request{base}
	}
	var out []apidot.Request
	for _, v := range c.variants() {
		out = append(out, v.Apply(base))
	}
	return out
}

// problems maps each field to why the form cannot be submitted.
func (c composeModel) problems() map[field]string {
	out := map[field]string{}
	fieldOf := map[string]field{
		"prompt": fieldPrompt, "model": fieldModel, "duration": fieldDuration,
		"aspect_ratio": fieldAspect, "resolution": fieldResolution, "image_urls": fieldImage,
	}
	for _, r := range c.requests() {
		for name, f := range fieldOf {
			reason := apidot.FieldReason(r.Validate(), name)
			if reason == "" || out[f] != "" {
				continue
			}
			if c.comparing() && f != fieldPrompt && f != fieldImage {
				reason = apidot.VariantLabel(r.Model, r.Resolution) + ": " + reason
				f = fieldCompare
				if out[f] != "" {
					continue
				}
			}
			out[f] = reason
		}
	}
	if c.compareCount() == 1 {
		out[fieldCompare] = "pick at least two variants to compare, or none"
	}
	if strings.TrimSpace(c.image.Value()) != "" && out[fieldImage] == "" {
		switch c.imgState {
		case imageChecking, imageNone:
			out[fieldImage] = "checking the image…"
		case imageBad:
			out[fieldImage] = c.imgReason
		}
	}
	return out
}

func (c composeModel) compareCount() int { return len(c.variants()) }

// estimate is the catalog price of everything submit would send.
func (c composeModel) estimate() apidot.Credits {
	var total apidot.Credits
	for _, r := range c.requests() {
		total += apidot.Price(r)
	}
	return total
}

func (c *composeModel) focusField(f field) tea.Cmd {
	c.focus = f
	c.prompt.Blur()
	c.image.Blur()
	switch f {
	case fieldPrompt:
		return c.prompt.Focus()
	case fieldImage:
		return c.image.Focus()
	}
	return nil
}

// move focuses the next (or previous) field, skipping resolution for
// Standard and model/resolution while comparing.
func (c *composeModel) move(step int) tea.Cmd {
	f := c.focus
	for range numFields {
		f = (f + field(step) + numFields) % numFields
		if c.skips(f) {
			continue
		}
		break
	}
	return c.focusField(f)
}

func (c composeModel) skips(f field) bool {
	switch f {
	case fieldResolution:
		return !apidot.IsPro(c.model) || c.comparing()
	case fieldModel:
		return c.comparing()
	}
	return false
}

func (c composeModel) update(msg tea.Msg, km keyMap) (composeModel, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.PasteMsg:
		return c.paste(msg)
	case imageCheckDueMsg:
		if msg.seq != c.imgSeq {
			return c, nil
		}
		return c, c.startImageCheck()
	case tea.KeyPressMsg:
		return c.key(msg, km)
	}
	return c.updateInputs(msg)
}

// paste caps a huge paste into the prompt and says so.
func (c composeModel) paste(msg tea.PasteMsg) (composeModel, tea.Cmd) {
	if c.focus != fieldPrompt {
		return c.updateInputs(msg)
	}
	room := apidot.MaxPromptRunes - utf8.RuneCountInString(c.prompt.Value())
	content := strings.ToValidUTF8(msg.Content, "�")
	if n := utf8.RuneCountInString(content); n > room {
		content = string([]rune(content)[:max(0, room)])
		c.notice = fmt.Sprintf("Paste cut to fit: a prompt holds at most %d characters (the paste had %d).", apidot.MaxPromptRunes, n)
	}
	c.prompt.InsertString(content)
	return c, nil
}

func (c composeModel) key(msg tea.KeyPressMsg, km keyMap) (composeModel, tea.Cmd) {
	switch {
	case key.Matches(msg, km.NextField):
		return c, c.move(1)
	case key.Matches(msg, km.PrevField):
		return c, c.move(-1)
	}
	switch c.focus {
	case fieldPrompt, fieldImage:
		return c.updateInputs(msg)
	case fieldModel:
		if key.Matches(msg, km.Left, km.Right, km.Toggle) {
			if apidot.IsPro(c.model) {
				c.model = apidot.ModelStandard
			} else {
				c.model = apidot.ModelPro
			}
		}
	case fieldDuration:
		c.duration = cycle(apidot.Durations, c.duration, direction(msg, km))
	case fieldAspect:
		c.aspect = cycle(c.aspects(), c.aspect, direction(msg, km))
	case fieldResolution:
		c.resolution = cycle(apidot.Resolutions, c.resolution, direction(msg, km))
	case fieldCompare:
		switch {
		case key.Matches(msg, km.Left):
			c.compareAt = (c.compareAt + len(compareVariants) - 1) % len(compareVariants)
		case key.Matches(msg, km.Right):
			c.compareAt = (c.compareAt + 1) % len(compareVariants)
		case key.Matches(msg, km.Toggle):
			name := compareVariants[c.compareAt]
			c.compare[name] = !c.compare[name]
		}
	}
	return c, nil
}

// aspects are the ratios on offer: auto only for Pro with an image, but a
// chosen auto stays (with its reason) until the user changes it.
func (c composeModel) aspects() []string {
	out := []string{"16:9", "9:16"}
	if (apidot.IsPro(c.model) && strings.TrimSpace(c.image.Value()) != "") || c.aspect == "auto" {
		out = append(out, "auto")
	}
	return out
}

func direction(msg tea.KeyPressMsg, km keyMap) int {
	switch {
	case key.Matches(msg, km.Left):
		return -1
	case key.Matches(msg, km.Right), key.Matches(msg, km.Toggle):
		return 1
	}
	return 0
}

// cycle steps through options from cur.
func cycle[T comparable](options []T, cur T, step int) T {
	i := slices.Index(options, cur)
	if i < 0 {
		return options[0]
	}
	return options[(i+step+len(options))%len(options)]
}

func (c composeModel) updateInputs(msg tea.Msg) (composeModel, tea.Cmd) {
	var cmd tea.Cmd
	switch c.focus {
	case fieldPrompt:
		c.prompt, cmd = c.prompt.Update(msg)
	case fieldImage:
		before := c.image.Value()
		c.image, cmd = c.image.Update(msg)
		if c.image.Value() != before {
			return c, tea.Batch(cmd, c.scheduleImageCheck())
		}
	}
	return c, cmd
}

// scheduleImageCheck restarts the debounce of the image URL check.
func (c *composeModel) scheduleImageCheck() tea.Cmd {
	c.imgSeq++
	u := strings.TrimSpace(c.image.Value())
	c.imgURL, c.imgReason = u, ""
	if u == "" {
		c.imgState = imageNone
		return nil
	}
	c.imgState = imageChecking
	seq := c.imgSeq
	return tea.Tick(imageDebounce, func(time.Time) tea.Msg { return imageCheckDueMsg{seq: seq} })
}

// startImageCheck is set by the root to reach the network; compose only
// decides when.
func (c *composeModel) startImageCheck() tea.Cmd {
	u := c.imgURL
	if reason := apidot.FieldReason(apidot.Request{Model: apidot.ModelPro, Prompt: "x", ImageURLs: []string{u}}.Validate(), "image_urls"); reason != "" {
		c.imgState, c.imgReason = imageBad, reason
		return nil
	}
	return func() tea.Msg { return imageCheckRequestMsg{url: u} }
}

// imageCheckRequestMsg asks the root to check an image URL.
type imageCheckRequestMsg struct{ url string }

func (c *composeModel) imageChecked(msg imageCheckedMsg) {
	if msg.url != c.imgURL {
		return
	}
	if msg.err != nil {
		c.imgState, c.imgReason = imageBad, shortImageReason(msg.err)
		return
	}
	c.imgState, c.imgReason = imageOK, ""
}

func shortImageReason(err error) string {
	var ie *apidot.ImageError
	if errors.As(err, &ie) {
		return ie.Reason
	}
	return err.Error()
}

// submitCmd sends the form's requests through the tracker.
func submitCmd(ctx context.Context, tr *jobs.Tracker, reqs []apidot.Request) tea.Cmd {
	return func() tea.Msg {
		js, err := tr.SubmitGroup(ctx, reqs)
		return submittedMsg{jobs: js, err: err}
	}
}

// submittedMsg reports the outcome of a submit.
type submittedMsg struct {
	jobs []history.Job
	err  error
}

func (c composeModel) view(st styles, km keyMap) string {
	var b strings.Builder
	probs := c.problems()
	w := c.width

	label := func(f field, name string) string {
		s := st.label
		if c.focus == f {
			s = st.labelOn
		}
		return s.Render(fmt.Sprintf("%-11s", name))
	}
	reason := func(f field) string {
		if f == fieldPrompt && !c.tried && strings.TrimSpace(c.prompt.Value()) == "" {
			return "  " + st.faint.Render("required")
		}
		if r := probs[f]; r != "" {
			if f == fieldImage && c.imgState == imageChecking && strings.TrimSpace(c.image.Value()) != "" {
				return "  " + st.faint.Render(r)
			}
			return "  " + st.bad.Render("✗ "+r)
		}
		return ""
	}

	row := func(line, why string) {
		if why != "" && lipgloss.Width(line+why) > w {
			line += "\n" + strings.Repeat(" ", 11) + why
		} else {
			line += why
		}
		b.WriteString(line + "\n")
	}
	b.WriteString(label(fieldPrompt, "Prompt") + reason(fieldPrompt) + "\n")
	b.WriteString(c.prompt.View() + "\n")
	count := utf8.RuneCountInString(c.prompt.Value())
	b.WriteString(st.faint.Render(fmt.Sprintf("  %d/%d", count, apidot.MaxPromptRunes)) + "\n")

	if c.comparing() {
		b.WriteString(label(fieldModel, "Model") + st.faint.Render("set by compare") + "\n")
	} else {
		row(label(fieldModel, "Model")+choices(st, []string{"Standard", "Pro"}, apidot.ModelLabel(c.model), c.focus == fieldModel), reason(fieldModel))
	}
	durs := make([]string, len(apidot.Durations))
	for i, d := range apidot.Durations {
		durs[i] = fmt.Sprint(d)
	}
	row(label(fieldDuration, "Duration")+choices(st, durs, fmt.Sprint(c.duration), c.focus == fieldDuration)+st.faint.Render(" s"), reason(fieldDuration))
	row(label(fieldAspect, "Aspect")+choices(st, c.aspects(), c.aspect, c.focus == fieldAspect), reason(fieldAspect))
	switch {
	case c.comparing():
		b.WriteString(label(fieldResolution, "Resolution") + st.faint.Render("set by compare") + "\n")
	case apidot.IsPro(c.model):
		row(label(fieldResolution, "Resolution")+choices(st, apidot.Resolutions, c.resolution, c.focus == fieldResolution), reason(fieldResolution))
	default:
		b.WriteString(label(fieldResolution, "Resolution") + st.faint.Render("720p (Pro offers 1024p and 1080p)") + "\n")
	}
	img := c.image.View()
	switch {
	case c.imgState == imageOK:
		img += "  " + st.good.Render("✓ image")
	}
	row(label(fieldImage, "Image URL")+img, reason(fieldImage))
	row(label(fieldCompare, "Compare")+c.compareView(st), reason(fieldCompare))
	b.WriteString("\n")
	est := c.estimate()
	what := "Estimate"
	if c.comparing() {
		what = fmt.Sprintf("Estimate for %d jobs", len(c.variants()))
	}
	b.WriteString(st.label.Render(what+": ") + st.value.Render(est.String()) + st.faint.Render(" · "+apidot.EstimateNote) + "\n")
	if c.notice != "" {
		b.WriteString(st.notice.Render(truncate(c.notice, w)) + "\n")
	}
	return lipgloss.NewStyle().MaxWidth(w).Render(strings.TrimRight(b.String(), "\n"))
}

func (c composeModel) compareView(st styles) string {
	parts := make([]string, len(compareVariants))
	for i, name := range compareVariants {
		v, _ := apidot.ParseVariant(name)
		box := "[ ]"
		if c.compare[name] {
			box = "[x]"
		}
		s := st.choice
		if c.compare[name] {
			s = st.choiceOn
		}
		text := box + " " + v.Label()
		if c.focus == fieldCompare && i == c.compareAt {
			text = st.selected.Render(text)
		} else {
			text = s.Render(text)
		}
		parts[i] = text
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
