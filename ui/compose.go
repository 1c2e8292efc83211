package ui

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
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

// Payloads that open compose.
type (
	// focusPromptMsg opens compose with the focus in the prompt.
	focusPromptMsg struct{}
	// fillMsg loads a job's prompt and parameters for editing as new.
	fillMsg struct{ job history.Job }
)

// composeScreen is the form that builds a request.
type composeScreen struct {
	sh         *shared
	prompt     textarea.Model
	image      textinput.Model
	model      string
	duration   int
	aspect     string
	resolution string
	compare    map[string]bool
	compareAt  int
	focus      field

	img imageCheck

	notice string
	// tried is set by a submit attempt: only then is an empty prompt
	// an error rather than a hint.
	tried bool
	// sent is the prompt of the submit in flight, cleared on success.
	sent string
	// draftSeq numbers draft saves; only the latest is written.
	draftSeq uint64
	// rec walks through earlier prompts (ctrl+p, ctrl+n).
	rec recall

	width  int
	height int
}

func newComposeScreen(sh *shared) *composeScreen {
	ta := textarea.New()
	ta.Placeholder = "Describe the shot: subject, action, camera, lighting, style…"
	ta.ShowLineNumbers = false
	ta.CharLimit = apidot.MaxPromptRunes
	ta.Prompt = "┃ "
	ta.SetStyles(sh.st.textarea())
	ti := textinput.New()
	ti.Placeholder = "optional: https://… link to a PNG, JPEG or WebP"
	ti.Prompt = ""
	ti.CharLimit = 2048
	ti.SetStyles(sh.st.textinput())
	c := &composeScreen{
		sh:         sh,
		prompt:     ta,
		image:      ti,
		model:      apidot.ModelStandard,
		duration:   apidot.DefaultDuration,
		aspect:     "16:9",
		resolution: apidot.DefaultResolution,
		compare:    map[string]bool{},
	}
	c.applySettings()
	c.prompt.Focus()
	return c
}

func (c *composeScreen) init() tea.Cmd { return tea.Batch(c.focusField(c.focus), c.loadDraft()) }

// SetSize gives the prompt the rows the other fields leave.
func (c *composeScreen) SetSize(w, h int) {
	c.width, c.height = w, h
	c.prompt.SetWidth(max(20, w-2))
	c.prompt.SetHeight(min(12, max(3, h-14)))
	c.image.SetWidth(max(10, w-16))
}

// typing reports whether keys go to a text field.
func (c *composeScreen) typing() bool { return c.focus == fieldPrompt || c.focus == fieldImage }

func (c *composeScreen) tabTitle() string { return "Compose" }

// Keys are the form's keys; choosing keys only on choice fields.
func (c *composeScreen) Keys() help.KeyMap {
	km := c.sh.km
	b := []key.Binding{km.Submit, km.NextField, km.PrevField}
	if c.focus == fieldPrompt {
		b = append(b, km.RecallPrev)
	}
	if !c.typing() {
		b = append(b, km.Left)
		if c.focus == fieldCompare {
			b = append(b, km.Toggle)
		}
		b = append(b, km.Help)
	}
	b = append(b, km.Back, km.ForceQuit)
	return keyHelp{short: b, full: [][]key.Binding{
		{km.Submit, km.NextField, km.PrevField, km.Left, km.Toggle, km.RecallPrev, km.Back},
	}}
}

// Update handles the form's keys, pastes, the image check, submits and
// the draft, which is saved whenever the form changed.
func (c *composeScreen) Update(msg tea.Msg) (screen, tea.Cmd) {
	switch msg.(type) {
	case tickMsg, jobEventMsg:
		// Nothing here moves with the clock or with jobs, and the text
		// fields would lay themselves out again for every one.
		return c, nil
	}
	before := c.snapshot()
	cmd := c.update(msg)
	return c, tea.Batch(cmd, c.draftChanged(before))
}

func (c *composeScreen) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case shownMsg:
		return c.focusField(c.focus)
	case focusPromptMsg:
		return c.focusField(fieldPrompt)
	case fillMsg:
		return c.fill(msg.job)
	case stylesMsg:
		c.prompt.SetStyles(c.sh.st.textarea())
		c.image.SetStyles(c.sh.st.textinput())
	case imageCheckDueMsg:
		return c.imageDue(msg)
	case imageCheckedMsg:
		c.imageChecked(msg)
	case draftLoadedMsg:
		return c.restore(msg)
	case draftDueMsg:
		return c.saveDraft(msg)
	case draftSavedMsg:
		if msg.err != nil {
			return flashErr(msg.err)
		}
	case recallMsg:
		return c.recalled(msg)
	case submittedMsg:
		return c.submitted(msg)
	case tea.PasteMsg:
		return c.paste(msg)
	case tea.KeyPressMsg:
		return c.key(msg)
	default:
		return c.updateInputs(msg)
	}
	return nil
}

// fill loads a job's prompt and parameters for editing as a new job.
func (c *composeScreen) fill(j history.Job) tea.Cmd {
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
	return tea.Batch(c.focusField(fieldPrompt), c.scheduleImageCheck())
}

func (c *composeScreen) focusField(f field) tea.Cmd {
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
func (c *composeScreen) move(step int) tea.Cmd {
	f := c.focus
	for range numFields {
		f = (f + field(step) + numFields) % numFields
		if !c.skips(f) {
			break
		}
	}
	return c.focusField(f)
}

func (c *composeScreen) skips(f field) bool {
	switch f {
	case fieldResolution:
		return !apidot.IsPro(c.model) || c.comparing()
	case fieldModel:
		return c.comparing()
	}
	return false
}

// paste caps a huge paste into the prompt and says so.
func (c *composeScreen) paste(msg tea.PasteMsg) tea.Cmd {
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
	return nil
}

func (c *composeScreen) key(msg tea.KeyPressMsg) tea.Cmd {
	km := c.sh.km
	switch {
	case key.Matches(msg, km.Submit):
		return c.submit()
	case key.Matches(msg, km.Back):
		return c.sh.back(composeID)
	case key.Matches(msg, km.NextField):
		return c.move(1)
	case key.Matches(msg, km.PrevField):
		return c.move(-1)
	case c.focus == fieldPrompt && key.Matches(msg, km.RecallPrev):
		return c.recallStep(1)
	case c.focus == fieldPrompt && key.Matches(msg, km.RecallNext):
		return c.recallStep(-1)
	}
	switch c.focus {
	case fieldPrompt, fieldImage:
		return c.updateInputs(msg)
	case fieldModel:
		if key.Matches(msg, km.Left, km.Right, km.Toggle) {
			c.model = cycle([]string{apidot.ModelStandard, apidot.ModelPro}, c.model, 1)
		}
	case fieldDuration:
		c.duration = cycle(apidot.Durations, c.duration, direction(msg, km))
	case fieldAspect:
		c.aspect = cycle(c.aspects(), c.aspect, direction(msg, km))
	case fieldResolution:
		c.resolution = cycle(apidot.Resolutions, c.resolution, direction(msg, km))
	case fieldCompare:
		c.compareKey(msg)
	}
	return nil
}

func (c *composeScreen) compareKey(msg tea.KeyPressMsg) {
	km := c.sh.km
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

// aspects are the ratios on offer: auto only for Pro with an image, but a
// chosen auto stays (with its reason) until the user changes it.
func (c *composeScreen) aspects() []string {
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

func (c *composeScreen) updateInputs(msg tea.Msg) tea.Cmd {
	var cmd tea.Cmd
	switch c.focus {
	case fieldPrompt:
		c.prompt, cmd = c.prompt.Update(msg)
	case fieldImage:
		before := c.image.Value()
		c.image, cmd = c.image.Update(msg)
		if c.image.Value() != before {
			return tea.Batch(cmd, c.scheduleImageCheck())
		}
	}
	return cmd
}
