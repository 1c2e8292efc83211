package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
)

// 1/2/3 switch screens only outside text fields; ctrl+z suspends anywhere.
func TestScreenKeysOnlyOutsideTextFields(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, openStore(t), nil, 80, 24)
	m = send(t, m, press("2"))
	if m.current != composeID || composeOf(m).prompt.Value() != "2" {
		t.Errorf("2 in the prompt: screen %d, prompt %q", m.current, composeOf(m).prompt.Value())
	}
	m = pressKeys(t, m,
		"tab", // a choice field
		"3",
	)
	if m.current != historyID {
		t.Errorf("3 outside a text field: screen %d, want history", m.current)
	}
	if _, cmd := sendCmd(t, composeTyping(t, m), press("ctrl+z")); cmd == nil {
		t.Error("ctrl+z in a text field does nothing")
	} else if _, ok := cmd().(tea.SuspendMsg); !ok {
		t.Error("ctrl+z does not suspend")
	}
}

// Keys that arrive before any command has run (a paste, tmux send-keys, a
// fast typist) reach the screen the previous key opened: n then text
// writes the text, and esc then 3 opens History.
func TestKeysRightAfterNavigationReachTheNewScreen(t *testing.T) {
	t.Parallel()
	m := newTestModel(t, openStore(t), nil, 80, 24)
	m = send(t, m, navMsg{to: jobsID})
	for _, k := range []string{"n", "a", "b"} {
		m, _ = sendCmd(t, m, press(k)) // the commands never run
	}
	if m.current != composeID || composeOf(m).prompt.Value() != "ab" {
		t.Fatalf("n a b: screen %d, prompt %q; want compose with \"ab\"", m.current, composeOf(m).prompt.Value())
	}
	for _, k := range []string{"esc", "3"} {
		m, _ = sendCmd(t, m, press(k))
	}
	if m.current != historyID {
		t.Errorf("esc 3: screen %d, want history", m.current)
	}
}

// composeTyping is m with compose on show and the prompt focused.
func composeTyping(t *testing.T, m Model) Model {
	t.Helper()
	return send(t, m, navMsg{to: composeID, payload: focusPromptMsg{}})
}

// Jobs and History show each id as its shortest prefix that no other job
// shares (seven characters at least), and that prefix finds the job.
func TestListsShowShortUniqueIDs(t *testing.T) {
	t.Parallel()
	store := openStore(t)
	var ids []string
	for i, ago := range []time.Duration{time.Hour, 0, 0} { // two made in the same millisecond
		j := history.Job{Model: apidot.ModelStandard, Status: history.StatusFinished, Prompt: fmt.Sprintf("prompt %d", i),
			Duration: 4, Credits: 48, CreatedAt: testNow.Add(-ago)}
		if err := store.Create(&j); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, j.ID)
	}
	m := newTestModel(t, store, nil, 120, 40)
	for _, open := range []screenID{jobsID, historyID} {
		m = send(t, m, navMsg{to: open})
		text := screenText(m)
		for i, id := range ids {
			shown := ""
			for _, f := range strings.Fields(text) {
				if len(f) >= minShortID && strings.HasPrefix(id, f) {
					shown = f
				}
			}
			if j, err := store.Find(shown); err != nil || j.ID != id || shown == id && i == 0 {
				t.Errorf("screen %d shows %q for %s (find: %s, %v)\n%s", open, shown, id, j.ID, err, text)
			}
		}
	}
}
