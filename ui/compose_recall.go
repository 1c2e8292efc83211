package ui

import (
	tea "charm.land/bubbletea/v2"

	"github.com/soratui/soratui/history"
)

// recallLimit is how many earlier prompts ctrl+p reaches back.
const recallLimit = 200

// recallMsg carries the earlier prompts, newest first, addressed to
// compose; step says which way the key that asked for them moves.
type recallMsg struct {
	prompts []string
	step    int
	err     error
}

func (recallMsg) owner() screenID { return composeID }

// recall moves through earlier prompts: ctrl+p older, ctrl+n newer, back
// to what was being typed. The prompts are read from the history on the
// first press.
type recall struct {
	prompts []string
	loaded  bool
	at      int // -1: what was typed
	typed   string
}

// recallStep handles ctrl+p (step 1) and ctrl+n (step -1).
func (c *composeScreen) recallStep(step int) tea.Cmd {
	if !c.rec.loaded {
		store := c.sh.backend.Store
		if store == nil {
			return nil
		}
		return func() tea.Msg {
			js, err := store.List(history.Query{Limit: recallLimit})
			return recallMsg{prompts: distinctPrompts(js), step: step, err: err}
		}
	}
	at := min(max(c.rec.at+step, -1), len(c.rec.prompts)-1)
	if at == c.rec.at {
		return nil
	}
	if c.rec.at == -1 {
		c.rec.typed = c.prompt.Value()
	}
	c.rec.at = at
	if at == -1 {
		c.prompt.SetValue(c.rec.typed)
	} else {
		c.prompt.SetValue(c.rec.prompts[at])
	}
	return nil
}

func (c *composeScreen) recalled(msg recallMsg) tea.Cmd {
	if msg.err != nil {
		return flashErr(msg.err)
	}
	c.rec = recall{prompts: msg.prompts, loaded: true, at: -1}
	if len(msg.prompts) == 0 {
		return flash("No earlier prompts in the history yet.", false)
	}
	return c.recallStep(msg.step)
}

// distinctPrompts are the jobs' prompts, newest first, each once.
func distinctPrompts(js []history.Job) []string {
	seen := map[string]bool{}
	var out []string
	for _, j := range js {
		if j.Prompt != "" && !seen[j.Prompt] {
			seen[j.Prompt] = true
			out = append(out, j.Prompt)
		}
	}
	return out
}
