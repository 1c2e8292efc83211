package cli_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/cli"
)

type spendReport struct {
	Total, Maybe, Running, Jobs int
	Rows                        []struct {
		Key                          string
		Jobs, Billed, Maybe, Pending int
	}
}

func TestSpendCountsServerChargesRefundsAndNeverRefusals(t *testing.T) {
	t.Parallel()
	// The server charges half the catalog price, so its figure is told apart
	// from the estimate; a failed task reports 0 (refunded).
	h := newHarness(t, apidottest.Options{CreditsFactor: 0.5})
	silent := apidottest.NewTestServer(t, apidottest.Options{Key: cliKey, NoCreditsAmount: true})
	submit := func(day string, want int, args ...string) {
		t.Helper()
		r := h.runAt(day, append([]string{"submit", "--wait"}, args...)...)
		if r.code != want {
			t.Fatalf("submit %v: exit %d, want %d: %s", args, r.code, want, r.stderr)
		}
	}
	submit("2026-11-30", 0, "--prompt", "a fox")                                                                // billed 24
	submit("2026-11-30", 0, "--model", "pro", "--resolution", "1080p", "--duration", "8", "--prompt", "a pier") // billed 448
	submit("2026-12-01", 1, "--duration", "8", "--prompt", "a duel [fail]")                                     // refunded: 0
	submit("2026-12-01", 2, "--prompt", "a banned thing [reject]")                                              // refused: never counted
	h.env["APIDOT_BASE_URL"] = silent.URL
	submit("2026-12-01", 1, "--prompt", "a storm [fail]")            // no server figure: maybe 48
	submit("2026-12-01", 0, "--duration", "12", "--prompt", "a bay") // no server figure: estimate 144

	tests := []struct {
		name         string
		args         []string
		total, maybe int
		rows         []string // key jobs billed maybe
	}{
		{"by day", []string{"--by", "day"}, 616, 48, []string{"2026-12-01 3 144 48", "2026-11-30 2 472 0"}},
		{"by model", []string{"--by", "model"}, 616, 48, []string{"Pro 1080p 1 448 0", "Standard 720p 4 168 48"}},
		{"by month", nil, 616, 48, []string{"2026-12 3 144 48", "2026-11 2 472 0"}},
		{"since", []string{"--since", "2026-12-01", "--by", "day"}, 144, 48, []string{"2026-12-01 3 144 48"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := h.run("", append([]string{"spend", "--json"}, tt.args...)...)
			got := outJSON[spendReport](t, r)
			var rows []string
			for _, row := range got.Rows {
				rows = append(rows, row.Key+" "+strconv.Itoa(row.Jobs)+" "+strconv.Itoa(row.Billed)+" "+strconv.Itoa(row.Maybe))
			}
			if got.Total != tt.total || got.Maybe != tt.maybe || strings.Join(rows, "|") != strings.Join(tt.rows, "|") {
				t.Errorf("total %d maybe %d rows %q; want %d %d %q", got.Total, got.Maybe, rows, tt.total, tt.maybe, tt.rows)
			}
		})
	}

	r := h.run("", "spend", "--by", "day")
	if r.code != 0 || !hasRow(r.stdout, "2026-11-30", "2", "472", "0") || !strings.Contains(r.stdout, "Total: 616 credits ($3.08) billed, 48 maybe") {
		t.Errorf("human spend:\n%s%s", r.stdout, r.stderr)
	}
	// The total ends the list on a terminal; a pipe gets rows only.
	r = h.runEnv("", func(e *cli.Env) { e.StdoutIsTerminal, e.Width = true, 100 }, "list")
	if !strings.Contains(r.stdout, "6 jobs, 616 credits ($3.08) billed, 48 maybe") {
		t.Errorf("list total does not follow the spend rule:\n%s", r.stdout)
	}
}

func TestSpendRefusesBadFlags(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	for _, args := range [][]string{{"spend", "--by", "week"}, {"spend", "--since", "yesterday"}} {
		if r := h.run("", args...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2", args, r.code)
		}
	}
}
