package cli_test

import (
	"strings"
	"testing"

	"github.com/soratui/soratui/apidot/apidottest"
)

func TestBudgetGuardRefusesBeforeSending(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	writeConfig(t, h, "monthly_budget = 140\n")
	steps := []struct {
		name    string
		args    []string
		code    int
		submits int    // the simulator's submit count after the step
		says    string // on stderr
	}{
		{"within budget", []string{"--prompt", "a fox"}, 0, 1, ""},
		{"refused jobs never count", []string{"--prompt", "a thing [reject]"}, 2, 2, ""},
		{"second within budget", []string{"--prompt", "a hare"}, 0, 3, ""},
		{"over budget", []string{"--prompt", "an owl"}, 2, 3, "over the monthly budget: 96 credits ($0.48) this month (96 billed) + 48 estimated = 144"},
		{"compare group over budget", []string{"--compare", "standard,pro", "--prompt", "an owl"}, 2, 3, "+ 240 estimated"},
		{"override once", []string{"--prompt", "an owl", "--over-budget"}, 0, 4, "sent anyway (--over-budget)"},
		{"still refused after", []string{"--prompt", "a lynx"}, 2, 4, "past the budget of 140 (0 left)"},
	}
	for _, st := range steps {
		r := h.run("", append([]string{"submit", "--wait"}, st.args...)...)
		if r.code != st.code || h.server.Submits() != st.submits || !strings.Contains(r.stderr, st.says) {
			t.Fatalf("%s: exit %d, %d submits, stderr %q; want exit %d, %d submits, saying %q",
				st.name, r.code, h.server.Submits(), r.stderr, st.code, st.submits, st.says)
		}
		if st.code == 2 && st.says != "" && (!strings.Contains(r.stderr, "budget") || !strings.Contains(r.stderr, "--over-budget")) {
			t.Errorf("%s: the refusal does not name the budget and the way around it: %s", st.name, r.stderr)
		}
	}
	h.wantJobs(4, "a refused budget records nothing")
}

func TestBudgetFromTheEnvironment(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	h.env["SORATUI_MONTHLY_BUDGET"] = "40"
	r := h.run("", "submit", "--prompt", "a fox")
	if r.code != 2 || !strings.Contains(r.stderr, "budget of 40") || h.server.Submits() != 0 {
		t.Errorf("exit %d, %d submits: %s", r.code, h.server.Submits(), r.stderr)
	}
}
