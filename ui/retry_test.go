package ui

import (
	"context"
	"slices"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/jobs"
)

// openJob shows j in Detail.
func openJob(t *testing.T, m Model, j history.Job) Model {
	t.Helper()
	return send(t, m, navMsg{to: detailID, payload: openDetailMsg{job: j}})
}

// offersRetry reports whether the key bar offers r.
func offersRetry(m Model) bool {
	for _, b := range detailOf(m).Keys().ShortHelp() {
		if slices.Contains(b.Keys(), "r") {
			return true
		}
	}
	return false
}

// r is offered, and works, only on an unconfirmed job.
func TestRetryOnlyOnUnconfirmedJobs(t *testing.T) {
	t.Parallel()
	store := openStore(t)
	for _, j := range seedStore(t, store, everyStatus()) {
		t.Run(string(j.Status), func(t *testing.T) {
			m := newTestModel(t, store, nil, 120, 40)
			m = openJob(t, m, j)
			want := j.Status == history.StatusUnconfirmed
			if got := offersRetry(m); got != want {
				t.Errorf("r offered %v, want %v", got, want)
			}
			if want && !strings.Contains(screenText(m), "r resolve unconfirmed") {
				t.Errorf("the help bar does not show r:\n%s", screenText(m))
			}
			m = send(t, m, press("r"))
			if open := detailOf(m).retry.stage != retryNone; open != want {
				t.Errorf("r opened the choice %v, want %v", open, want)
			}
		})
	}
}

func TestGoldenDetailRetryChoice(t *testing.T) {
	t.Parallel()
	eachSize(t, func(t *testing.T, w, h int) {
		m, _ := choiceOpen(t, w, h)
		golden(t, m)
		text := screenText(m)
		for _, s := range []string{"the first request may have reached APIDot", "I have the task id", "esc"} {
			if !strings.Contains(text, s) {
				t.Errorf("the choice does not say %q:\n%s", s, text)
			}
		}
	})
}

// choiceOpen is a model at w×h on Detail of one unconfirmed job (shown),
// with its choice open and no connection.
func choiceOpen(t *testing.T, w, h int) (Model, history.Job) {
	t.Helper()
	store := openStore(t)
	js := seedStore(t, store, everyStatus()[3:4])
	m := openJob(t, newTestModel(t, store, nil, w, h), js[0])
	return send(t, m, press("r")), js[0]
}

// retryRig is a model on Detail of one unconfirmed job, connected to a
// simulator.
func retryRig(t *testing.T) (Model, *apidottest.Server, *history.Store, history.Job) {
	server := apidottest.NewTestServer(t, apidottest.Options{})
	store := openStore(t)
	js := seedStore(t, store, everyStatus()[3:4])
	m := newTestModel(t, store, server, 80, 24)
	return openJob(t, m, js[0]), server, store, js[0]
}

// Pasting the task id adopts the real task into the record and follows it;
// nothing is sent.
func TestRetryAdoptsTheTaskID(t *testing.T) {
	t.Parallel()
	m, server, store, j := retryRig(t)
	c := apidot.NewClient("sk-test-ui-0123456789", apidot.WithBaseURL(server.URL), apidot.WithHTTPClient(server.Client()))
	task, err := c.Submit(context.Background(), jobs.Request(j))
	if err != nil {
		t.Fatal(err)
	}
	m = pressKeys(t, m, "r", "t")
	m = typeText(t, m, "no such task")
	m = send(t, m, press("enter"))
	if !strings.Contains(m.flash, "not a task id") || detailOf(m).retry.stage != retryTask {
		t.Fatalf("a malformed id: flash %q, stage %d", m.flash, detailOf(m).retry.stage)
	}
	detailOf(m).retry.input.SetValue("")
	m = typeText(t, m, task.ID)
	m = send(t, m, press("enter"))
	m = await(t, m, "the task is adopted", func(m Model) bool { return detailOf(m).job.TaskID == task.ID })
	got, err := store.Get(j.ID)
	if err != nil || got.TaskID != task.ID || got.Status == history.StatusUnconfirmed {
		t.Fatalf("record after adopting: %+v, %v", got, err)
	}
	if !m.sh.svc.Following(j.ID) && !got.Status.Terminal() {
		t.Error("the adopted job is not followed")
	}
	if server.Submits() != 1 || detailOf(m).retry.stage != retryNone || !strings.Contains(m.flash, "Adopted task") {
		t.Errorf("submits %d, stage %d, flash %q", server.Submits(), detailOf(m).retry.stage, m.flash)
	}
}

// Sending again needs an explicit yes, then makes exactly one new submit
// and marks the old record rejected; any other key, or esc, changes nothing.
func TestRetryResendAsksFirstAndSendsOnce(t *testing.T) {
	t.Parallel()
	m, server, store, j := retryRig(t)
	for _, leave := range [][]string{{"esc"}, {"s", "n"}, {"t", "esc", "esc"}} {
		m = send(t, m, press("r"))
		for _, k := range leave {
			m = send(t, m, press(k))
		}
		if leave[0] == "s" && !strings.Contains(m.flash, "nothing was sent") {
			t.Errorf("%v: flash %q", leave, m.flash)
		}
		got, _ := store.Get(j.ID)
		if detailOf(m).retry.stage != retryNone || got.Status != history.StatusUnconfirmed || server.Submits() != 0 {
			t.Fatalf("%v changed something: stage %d, status %s, %d submits", leave, detailOf(m).retry.stage, got.Status, server.Submits())
		}
	}
	m = pressKeys(t, m, "r", "s")
	if !strings.Contains(screenText(m), "billed twice") || server.Submits() != 0 {
		t.Fatalf("s sent without asking (%d submits):\n%s", server.Submits(), screenText(m))
	}
	m = send(t, m, press("y"))
	m = await(t, m, "the new job shows", func(m Model) bool { return detailOf(m).job.ID != j.ID })
	old, err := store.Get(j.ID)
	if err != nil || old.Status != history.StatusRejected {
		t.Errorf("the old record is %s (%v), want rejected", old.Status, err)
	}
	fresh, err := store.Get(detailOf(m).job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if server.Submits() != 1 || fresh.Prompt != j.Prompt || fresh.Model != j.Model || fresh.TaskID == "" {
		t.Errorf("%d submits; new job %+v", server.Submits(), fresh)
	}
}

// A reply about a job no longer on show only says what happened: the
// choice open on the job now shown stays as it is.
func TestRetryReplyForAnotherJobLeavesTheChoice(t *testing.T) {
	t.Parallel()
	m, j := choiceOpen(t, 80, 24)
	m = send(t, m, resentMsg{id: "job-elsewhere", settled: history.Job{ID: "job-elsewhere"}, fresh: history.Job{ID: "job-new"}})
	if d := detailOf(m); d.retry.stage != retryChoose || d.job.ID != j.ID {
		t.Errorf("a stale reply moved Detail: stage %d, job %s", d.retry.stage, d.job.ID)
	}
	if !strings.Contains(m.flash, "job-elsewhere") || !strings.Contains(m.flash, "job-new") {
		t.Errorf("flash %q does not say what happened", m.flash)
	}
}

// The task id field opens empty, shows its whole placeholder and takes a
// paste.
func TestRetryTaskFieldTakesAPaste(t *testing.T) {
	t.Parallel()
	m, _ := choiceOpen(t, 80, 24)
	m = send(t, m, press("t"))
	if v := detailOf(m).retry.input.Value(); v != "" || !strings.Contains(screenText(m), "task-unified-…") {
		t.Fatalf("the field opens with %q:\n%s", v, screenText(m))
	}
	m = send(t, m, tea.PasteMsg{Content: "task-unified-42"})
	if v := detailOf(m).retry.input.Value(); v != "task-unified-42" {
		t.Errorf("after a paste the field holds %q", v)
	}
	m = send(t, m, press("q"))
	if m.quitting || detailOf(m).retry.input.Value() != "task-unified-42q" {
		t.Errorf("q did not type into the field: quitting %v, %q", m.quitting, detailOf(m).retry.input.Value())
	}
}
