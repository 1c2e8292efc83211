package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/history"
)

func TestBatchFromAFileRunsAndShowsProgress(t *testing.T) {
	t.Parallel()
	m, store, server := servedModel(t, apidottest.Options{RunTime: 20 * time.Millisecond}, 100, 30)
	file := writeTemp(t, "shots.jsonl", `{"prompt":"a fox","name":"fox"}`+"\n"+`{"prompt":"a harbour","compare":"standard,pro-1080p"}`+"\n")

	m = pressKeys(t, m,
		"esc", // compose → jobs
		"b",
	)
	if m.current != batchID {
		t.Fatalf("b on the job list opens screen %d, want the batch screen", m.current)
	}
	m = typeText(t, m, file)
	m = send(t, m, press("enter"))
	for _, want := range []string{"line 1: fox: Standard 720p, 4 s, 48 credits", "line 2: Standard 720p vs Pro 1080p, 4 s, 496 credits", "3 job(s), 544 credits"} {
		if !strings.Contains(screenText(m), want) {
			t.Errorf("the plan lacks %q:\n%s", want, screenText(m))
		}
	}
	if server.Submits() != 0 {
		t.Fatalf("planning sent %d jobs", server.Submits())
	}
	m = send(t, m, press("enter")) // sends the batch; its jobs finish as events arrive
	m = await(t, m, "the batch shows every job finished", func(m Model) bool {
		return strings.Contains(screenText(m), "100%  3 finished, 0 failed, 0 running, 0 waiting · ended: 3 job(s) sent")
	})
	if server.Submits() != 3 {
		t.Errorf("%d submits, want 3", server.Submits())
	}

	js, err := store.List(history.Query{})
	if err != nil || len(js) != 3 {
		t.Fatalf("%d jobs stored: %v", len(js), err)
	}
	d := send(t, m, navMsg{to: detailID, payload: openDetailMsg{job: js[0]}})
	if v := screenText(d); !strings.Contains(v, "Batch      "+js[0].BatchID) || !strings.Contains(v, "Charged") {
		t.Errorf("detail does not show the batch and the server's charge:\n%s", v)
	}

	// The same file again: everything is already submitted.
	m = pressKeys(t, m,
		"esc", // batch → jobs
		"b",
		"enter",
		"enter",
	)
	if v := screenText(m); !strings.Contains(v, "2 of 2 already submitted") || server.Submits() != 3 {
		t.Errorf("a second run: %d submits\n%s", server.Submits(), v)
	}
}

func TestBatchOverBudgetDoesNotStart(t *testing.T) {
	t.Parallel()
	m, _, server := servedModel(t, apidottest.Options{}, 100, 30)
	m.sh.cfg.Settings.MonthlyBudget = 100
	m = send(t, m, m.loadSpend()())
	file := writeTemp(t, "shots.csv", "prompt,duration\na fox,8\nan owl,4\n")
	m = pressKeys(t, m,
		"esc", // compose → jobs
		"b",
	)
	m = typeText(t, m, file)
	m = pressKeys(t, m, "enter", "enter")
	if v := screenText(m); !strings.Contains(v, "Cannot start: over the monthly budget") || server.Submits() != 0 {
		t.Errorf("over budget: %d submits\n%s", server.Submits(), v)
	}
}
