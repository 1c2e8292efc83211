package ui

import (
	"bytes"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/history"
)

// TestProgramRunsAJobToTheEnd drives the whole program: type, ctrl+s,
// watch the job finish on screen, quit.
func TestProgramRunsAJobToTheEnd(t *testing.T) {
	t.Parallel()
	m, store, server := servedModel(t, apidottest.Options{QueueTime: 50 * time.Millisecond, RunTime: 150 * time.Millisecond}, 100, 30)
	m.sh.now, m.sh.wait = time.Now, realWaiter()
	tm := teatest.NewTestModel(t, m,
		teatest.WithInitialTermSize(100, 30),
		teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)),
	)
	tm.Type("a lantern festival over a river")
	tm.Send(press("ctrl+s"))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte("✓ finished"))
	}, teatest.WithDuration(30*time.Second), teatest.WithCheckInterval(50*time.Millisecond))
	tm.Send(press("q"))
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).(Model)
	final.stop()
	final.sh.svc.Close()
	js, err := store.List(history.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if len(js) != 1 || js[0].Status != history.StatusFinished || js[0].Prompt != "a lantern festival over a river" {
		t.Fatalf("stored %+v", js)
	}
	if server.Submits() != 1 {
		t.Errorf("%d submits", server.Submits())
	}
}
