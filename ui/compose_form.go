package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/internal/inert"
	"github.com/soratui/soratui/jobs"
)

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

// imageCheck is the state of the guiding image URL's check.
type imageCheck struct {
	state  imageState
	url    string
	reason string
	seq    int
}

// Messages addressed to compose.
type (
	// imageCheckDueMsg fires when typing in the image field paused.
	imageCheckDueMsg struct{ seq int }
	// imageCheckedMsg carries the result of an image URL check.
	imageCheckedMsg struct {
		seq int
		err error
	}
	// submittedMsg reports the outcome of a submit.
	submittedMsg struct {
		prompt string
		jobs   []history.Job
		err    error
	}
)

func (imageCheckDueMsg) owner() screenID { return composeID }
func (imageCheckedMsg) owner() screenID  { return composeID }
func (submittedMsg) owner() screenID     { return composeID }

// variants is the compare selection, in offer order.
func (c *composeScreen) variants() []apidot.Variant {
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
func (c *composeScreen) comparing() bool { return len(c.variants()) >= 2 }

// requests builds what submit sends.
func (c *composeScreen) requests() []apidot.Request {
	base := apidot.Request{Model: c.model, Prompt: c.prompt.Value(), Duration: c.duration, AspectRatio: c.aspect}
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
func (c *composeScreen) problems() map[field]string {
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
	if len(c.variants()) == 1 {
		out[fieldCompare] = "pick at least two variants to compare, or none"
	}
	if strings.TrimSpace(c.image.Value()) != "" && out[fieldImage] == "" {
		switch c.img.state {
		case imageChecking, imageNone:
			out[fieldImage] = "checking the image…"
		case imageBad:
			out[fieldImage] = c.img.reason
		}
	}
	return out
}

// estimate is the catalog price of everything submit would send.
func (c *composeScreen) estimate() apidot.Credits {
	var total apidot.Credits
	for _, r := range c.requests() {
		total += apidot.Price(r)
	}
	return total
}

// submit sends the form, keeping it whole until the submit succeeds: the
// focus goes back to the prompt and every choice stays.
func (c *composeScreen) submit() tea.Cmd {
	c.tried = true
	if probs := c.problems(); len(probs) > 0 {
		for f := fieldPrompt; f < numFields; f++ {
			if r := probs[f]; r != "" {
				return flash("Cannot submit yet: "+r, true)
			}
		}
	}
	if r := c.budgetProblem(); r != "" {
		return flash("Cannot submit: "+r, true)
	}
	svc := c.sh.svc
	if svc == nil {
		return flashErr(errors.New("not connected to APIDot yet"))
	}
	reqs := c.requests()
	c.sent = c.prompt.Value()
	focus := c.focusField(fieldPrompt)
	return tea.Batch(focus, submitCmd(c.sh.ctx, svc, c.sent, reqs), c.sh.open(jobsID, listTopMsg{}))
}

// submitCmd sends the form's requests through the job service, which
// then follows what was accepted; the jobs reach the lists as its events.
func submitCmd(ctx context.Context, svc *jobs.Service, prompt string, reqs []apidot.Request) tea.Cmd {
	return func() tea.Msg {
		js, err := svc.SubmitGroup(ctx, reqs)
		for _, j := range js {
			if !j.Status.Terminal() && j.TaskID != "" {
				svc.Follow(j.ID)
			}
		}
		return submittedMsg{prompt: prompt, jobs: js, err: err}
	}
}

// submitted clears the prompt after a success (unless it was edited
// since) and keeps it after a failure, so a refused key or balance costs
// no retyping.
func (c *composeScreen) submitted(msg submittedMsg) tea.Cmd {
	if msg.err != nil {
		return flash(describeError(msg.err)+" The prompt is still in compose (n).", true)
	}
	c.rec = recall{} // the new prompt is the newest to recall
	if c.prompt.Value() == msg.prompt {
		c.prompt.Reset()
		c.notice, c.tried = "", false
	}
	if len(msg.jobs) == 1 {
		return flash("Submitted "+msg.jobs[0].ID+".", false)
	}
	return flash(fmt.Sprintf("Submitted %d variants as one group.", len(msg.jobs)), false)
}

// scheduleImageCheck restarts the debounce of the image URL check.
func (c *composeScreen) scheduleImageCheck() tea.Cmd {
	c.img.seq++
	u := strings.TrimSpace(c.image.Value())
	c.img.url, c.img.reason = u, ""
	if u == "" {
		c.img.state = imageNone
		return nil
	}
	c.img.state = imageChecking
	seq := c.img.seq
	return c.sh.wait.after(imageDebounce, func(time.Time) tea.Msg { return imageCheckDueMsg{seq: seq} })
}

// imageDue checks the URL once typing paused: its shape here, then the
// image over the network in a command whose answer comes back to compose
// even when another screen is on show.
func (c *composeScreen) imageDue(msg imageCheckDueMsg) tea.Cmd {
	if msg.seq != c.img.seq {
		return nil
	}
	u := c.img.url
	if reason := apidot.FieldReason(apidot.Request{Model: apidot.ModelPro, Prompt: "x", ImageURLs: []string{u}}.Validate(), "image_urls"); reason != "" {
		c.img.state, c.img.reason = imageBad, reason
		return nil
	}
	check, ctx, seq := c.sh.backend.CheckImage, c.sh.ctx, c.img.seq
	if check == nil {
		check = func(ctx context.Context, u string) error { return apidot.CheckImage(ctx, nil, u) }
	}
	return func() tea.Msg { return imageCheckedMsg{seq: seq, err: check(ctx, u)} }
}

func (c *composeScreen) imageChecked(msg imageCheckedMsg) {
	if msg.seq != c.img.seq {
		return
	}
	if msg.err != nil {
		c.img.state, c.img.reason = imageBad, shortImageReason(msg.err)
		return
	}
	c.img.state, c.img.reason = imageOK, ""
}

func shortImageReason(err error) string {
	var ie *apidot.ImageError
	if errors.As(err, &ie) {
		return inert.Line(ie.Reason)
	}
	return inert.Line(err.Error())
}
