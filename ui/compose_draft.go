package ui

import (
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/soratui/soratui/internal/draft"
)

// draftDelay is how long typing pauses before the draft is written; the
// last words before a quit are written when the program ends.
const draftDelay = 300 * time.Millisecond

// Draft messages, addressed to compose.
type (
	draftLoadedMsg struct {
		d   draft.Draft
		err error
	}
	draftDueMsg   struct{ seq uint64 }
	draftSavedMsg struct{ err error }
)

func (draftLoadedMsg) owner() screenID { return composeID }
func (draftDueMsg) owner() screenID    { return composeID }
func (draftSavedMsg) owner() screenID  { return composeID }

// snapshot is the form as a draft.
func (c *composeScreen) snapshot() draft.Draft {
	d := draft.Draft{
		Prompt: c.prompt.Value(), Model: c.model, Duration: c.duration, Aspect: c.aspect,
		Resolution: c.resolution, Image: c.image.Value(),
	}
	for _, name := range compareVariants {
		if c.compare[name] {
			d.Compare = append(d.Compare, name)
		}
	}
	return d
}

func sameDraft(a, b draft.Draft) bool {
	return a.Prompt == b.Prompt && a.Model == b.Model && a.Duration == b.Duration && a.Aspect == b.Aspect &&
		a.Resolution == b.Resolution && a.Image == b.Image && slices.Equal(a.Compare, b.Compare)
}

// loadDraft reads the last session's draft.
func (c *composeScreen) loadDraft() tea.Cmd {
	store := c.sh.cfg.Drafts
	if store == nil {
		return nil
	}
	return func() tea.Msg {
		d, err := store.Load()
		return draftLoadedMsg{d: d, err: err}
	}
}

// restore fills an untouched form with the last session's draft.
func (c *composeScreen) restore(msg draftLoadedMsg) tea.Cmd {
	d := msg.d
	if msg.err != nil || c.prompt.Value() != "" || c.image.Value() != "" {
		return nil
	}
	if d.Model != "" {
		c.model, c.duration, c.aspect, c.resolution = d.Model, d.Duration, d.Aspect, d.Resolution
	}
	c.compare = map[string]bool{}
	for _, name := range d.Compare {
		c.compare[name] = true
	}
	c.prompt.SetValue(d.Prompt)
	c.image.SetValue(d.Image)
	if d.Prompt != "" {
		c.notice = "Restored the draft of your last session."
	}
	return c.scheduleImageCheck()
}

// draftChanged schedules a save when the form differs from before.
func (c *composeScreen) draftChanged(before draft.Draft) tea.Cmd {
	if c.sh.cfg.Drafts == nil || sameDraft(before, c.snapshot()) {
		return nil
	}
	c.draftSeq++
	seq := c.draftSeq
	return c.sh.wait.after(draftDelay, func(time.Time) tea.Msg { return draftDueMsg{seq: seq} })
}

// saveDraft writes the form once typing paused.
func (c *composeScreen) saveDraft(msg draftDueMsg) tea.Cmd {
	if msg.seq != c.draftSeq {
		return nil
	}
	store, d, seq := c.sh.cfg.Drafts, c.snapshot(), c.draftSeq
	return func() tea.Msg { return draftSavedMsg{err: store.Save(seq, d)} }
}

// close writes the form as it is when the program ends, so a quit right
// after typing keeps every word.
func (c *composeScreen) close() error {
	if c.sh.cfg.Drafts == nil {
		return nil
	}
	return c.sh.cfg.Drafts.Save(c.draftSeq+1, c.snapshot())
}
