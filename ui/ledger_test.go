package ui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/jobs"
	"github.com/soratui/soratui/notify"
)

// seedCharged stores a finished job of this month that the server charged.
func seedCharged(t *testing.T, store *history.Store, credits int) {
	t.Helper()
	j := history.Job{Status: history.StatusFinished, Model: "sora-2-official", Prompt: "earlier", Duration: 4,
		Credits: credits, CreditsCharged: &credits, CreatedAt: testNow, UpdatedAt: testNow}
	if err := store.Create(&j); err != nil {
		t.Fatal(err)
	}
}

func TestBudgetRefusalBesideTheEstimateBlocksSubmit(t *testing.T) {
	t.Parallel()
	store := openStore(t)
	seedCharged(t, store, 900)
	server := apidottest.NewTestServer(t, apidottest.Options{})
	m := newTestModel(t, store, server, 100, 30)
	m.sh.cfg.Settings.MonthlyBudget = 940
	m = send(t, m, m.loadSpend()())
	if h := m.header(); !strings.Contains(h, "month 900 cr · 40 left") {
		t.Errorf("header lacks the month's spend and budget left:\n%s", h)
	}
	m = typeText(t, m, "a fox in snow") // Standard 4 s: 48 credits
	if v := screenText(m); !strings.Contains(v, "Budget: over the monthly budget") || !strings.Contains(v, "past the budget of 940") {
		t.Errorf("compose does not show the refusal beside the estimate:\n%s", v)
	}
	m = send(t, m, press("ctrl+s"))
	if m.current != composeID || !strings.Contains(m.flash, "Cannot submit: over the monthly budget") || server.Submits() != 0 {
		t.Fatalf("ctrl+s over budget: screen %d, flash %q, %d submits", m.current, m.flash, server.Submits())
	}
	m.sh.cfg.Settings.MonthlyBudget = 1000
	if v := screenText(m); !strings.Contains(v, "Budget: 52 credits ($0.26) left this month after this") {
		t.Errorf("within budget, compose shows:\n%s", v)
	}
	m = send(t, m, press("ctrl+s"))
	if m.current != jobsID || server.Submits() != 1 {
		t.Errorf("ctrl+s within budget: screen %d, %d submits", m.current, server.Submits())
	}
}

// rawOf runs cmd's tree and returns what it prints raw.
func rawOf(cmd tea.Cmd) string {
	if cmd == nil {
		return ""
	}
	switch msg := cmd().(type) {
	case tea.RawMsg:
		return msg.Msg.(string)
	case tea.BatchMsg:
		var b strings.Builder
		for _, c := range msg {
			b.WriteString(rawOf(c))
		}
		return b.String()
	}
	return ""
}

func TestFinishedJobsNotifyThroughTheTerminal(t *testing.T) {
	t.Parallel()
	fin := history.Job{ID: "j1", Status: history.StatusFinished, Model: "sora-2-official", Prompt: "a fox"}
	run := history.Job{ID: "j1", Status: history.StatusRunning, Model: "sora-2-official", Prompt: "a fox"}
	tests := []struct {
		name   string
		notify bool
		tmux   bool
		want   []string
	}{
		{"on", true, false, []string{"\x1b]9;4;0\x07", "\x1b]9;4;1;0\x07", "\x1b]777;notify;soratui j1;Finished: Standard 720p · a fox\x07", "\x1b]9;soratui j1: Finished", "\x1b]9;4;1;100\x07"}},
		{"inside tmux", true, true, []string{"\x1bPtmux;\x1b\x1b]9;soratui j1: Finished"}},
		{"notify = false", false, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newTestModel(t, nil, nil, 80, 24)
			if tt.notify {
				m.sh.notes = newNoteSink(notify.Terminal{Tmux: tt.tmux})
			}
			var out strings.Builder
			for _, j := range []history.Job{run, fin, fin} {
				var cmd tea.Cmd
				m, cmd = sendCmd(t, m, jobEventMsg{ev: jobs.Event{Job: j}})
				out.WriteString(rawOf(cmd))
			}
			out.WriteString(rawOf(m.sh.notes.done())) // what quitting prints first
			got := out.String()
			if !tt.notify && got != "" {
				t.Errorf("silenced, but printed %q", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("printed %q, lacks %q", got, w)
				}
			}
			if n := strings.Count(got, "777;notify"); tt.notify && n != 1 {
				t.Errorf("%d notifications for one finished job, want 1", n)
			}
		})
	}
}

func TestHeaderNamesTheDemoBesideTheSpendAtEightyColumns(t *testing.T) {
	t.Parallel()
	store := openStore(t)
	seedCharged(t, store, 900)
	m := newTestModel(t, store, nil, 80, 24)
	m.sh.backend.Demo = true
	m.sh.cfg.Settings.MonthlyBudget = 5000
	m = send(t, m, m.loadSpend()())
	h := m.header()
	if !strings.Contains(h, "month 900 cr") || !strings.Contains(h, "demo") {
		t.Errorf("an 80-column header drops the spend or the demo mark:\n%s", h)
	}
	m = send(t, m, tea.WindowSizeMsg{Width: 120, Height: 40})
	if h := m.header(); !strings.Contains(h, "demo: simulator, no key, no network") {
		t.Errorf("a 120-column header does not say the demo in full:\n%s", h)
	}
}
