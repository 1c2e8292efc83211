package cli_test

import (
	"strings"
	"testing"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/cli"
	"github.com/soratui/soratui/history"
)

const threeShots = `{"prompt":"a red fox in snow","name":"fox"}
{"prompt":"a harbour at dawn","compare":"standard,pro-1080p","duration":8}
{"prompt":"an owl [fail]","model":"pro"}
`

func TestBatchRefusesAWholeFileWithABadLine(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	file := writeTemp(t, "shots.jsonl", `{"prompt":"a fox"}
{"prompt":"a hare","duration":7}
{"prompt":""}
{"prompt":"an owl","aspect":"auto"}
`)
	r := h.run("", "batch", file)
	for _, want := range []string{"line 2: duration: 7 s is not offered", "line 3: prompt: must not be empty", "line 4: aspect: auto is for Pro"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if r.code != 2 || h.server.Submits() != 0 || len(h.jobs()) != 0 {
		t.Errorf("exit %d, %d submits, %d jobs recorded; want 2, 0, 0", r.code, h.server.Submits(), len(h.jobs()))
	}
}

func TestBatchEstimateRefusals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		config string
		args   []string
		says   string
	}{
		// 48 + (96 + 896) + 192 = 1232 credits
		{"max credits", "", []string{"--max-credits", "1000"}, "estimated at 1232 credits ($6.16), more than --max-credits 1000"},
		{"monthly budget", "monthly_budget = 1200\n", nil, "past the budget of 1200"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, apidottest.Options{})
			if tt.config != "" {
				writeConfig(t, h, tt.config)
			}
			r := h.run("", append([]string{"batch", writeTemp(t, "s.jsonl", threeShots)}, tt.args...)...)
			if r.code != 2 || !strings.Contains(r.stderr, tt.says) || !strings.Contains(r.stderr, "1232 credits") {
				t.Errorf("exit %d, stderr %q; want 2 saying %q", r.code, r.stderr, tt.says)
			}
			h.wantNothingSent("a refused file")
		})
	}
}

func TestBatchDryRunPrintsThePlanAndSendsNothing(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	file := writeTemp(t, "s.jsonl", threeShots)
	r := h.run("", "batch", file, "--dry-run")
	for _, want := range []string{
		"line 1: fox: Standard 720p, 4 s, 48 credits",
		"line 2: Standard 720p vs Pro 1080p, 8 s, 992 credits",
		"line 3: Pro 720p, 4 s, 192 credits",
		"Total: 4 job(s), 1232 credits ($6.16)",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("plan lacks %q:\n%s", want, r.stdout)
		}
	}
	r = h.run("", "batch", file, "--dry-run", "--json")
	type jsonPlan struct {
		Total int
		Lines []struct {
			Line    int
			Credits int
		}
	}
	if plan := outJSON[jsonPlan](t, r); plan.Total != 1232 || len(plan.Lines) != 3 {
		t.Errorf("JSON plan %+v:\n%s", plan, r.stdout)
	}
	h.wantNothingSent("--dry-run")
}

func TestBatchWaitRunsEveryLineOnceAndAgainOnlyWhatIsMissing(t *testing.T) {
	t.Parallel()
	h := newHarness(t, jobsTaking(10, 30))
	file := writeTemp(t, "s.jsonl", threeShots)
	r := h.run("", "batch", file, "--wait", "--parallel", "2", "--json")
	if r.code != 1 { // the owl fails on purpose
		t.Fatalf("exit %d, want 1 for the failed job: %s", r.code, r.stderr)
	}
	js := outJSON[[]history.Job](t, r)
	if len(js) != 4 {
		t.Fatalf("%d jobs:\n%s", len(js), r.stdout)
	}
	batchID := js[0].BatchID
	for _, j := range js {
		if j.BatchID == "" || j.BatchID != batchID || !j.Status.Terminal() {
			t.Errorf("job %s: batch %q, status %s", j.ID, j.BatchID, j.Status)
		}
	}
	if !strings.Contains(r.stderr, "finished") {
		t.Errorf("no progress lines on a pipe:\n%s", r.stderr)
	}
	again := h.run("", "batch", file)
	if again.code != 0 || !strings.Contains(again.stderr, "3 of 3 already submitted") || h.server.Submits() != 4 {
		t.Errorf("second run: exit %d, %d submits, stderr %q", again.code, h.server.Submits(), again.stderr)
	}
	list := h.runEnv("", func(e *cli.Env) { e.StdoutIsTerminal, e.Width = true, 160 }, "list")
	if !strings.Contains(list.stdout, "BATCH") || strings.Count(list.stdout, batchID) != 4 {
		t.Errorf("list does not show the batch of each job:\n%s", list.stdout)
	}
	show := h.run("", "show", js[1].ID)
	if !strings.Contains(show.stdout, batchID) {
		t.Errorf("show does not name the batch %s:\n%s", batchID, show.stdout)
	}
}

func TestBatchReadsCSVFromStdinWithLiveLinesOnATerminal(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	csv := "prompt,model,duration\n\"a fox, in snow\",pro,8\nan owl,,\n"
	r := h.runEnv(csv, func(e *cli.Env) { e.StderrIsTerminal = true }, "batch", "-", "--wait")
	if r.code != 0 || h.server.Submits() != 2 {
		t.Fatalf("exit %d, %d submits: %s", r.code, h.server.Submits(), r.stderr)
	}
	if !strings.Contains(r.stderr, "\x1b[2A") || !strings.Contains(r.stderr, "#] 100%") {
		t.Errorf("no live lines redrawn in place on a terminal:\n%q", r.stderr)
	}
}
