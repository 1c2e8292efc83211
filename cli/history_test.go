package cli_test

import (
	"strings"
	"testing"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/history"
)

// seed submits jobs of several kinds and returns them newest first.
func seed(t *testing.T, h *harness) []history.Job {
	t.Helper()
	for _, args := range [][]string{
		{"--prompt", "a red fox in snow", "--wait"},
		{"--model", "pro", "--prompt", "neon city rain", "--wait"},
		{"--prompt", "a duel at dawn [fail]", "--wait"},
		{"--model", "pro", "--resolution", "1024p", "--prompt", "Neon koi pond"},
	} {
		h.run("", append([]string{"submit"}, args...)...)
	}
	js := h.jobs()
	if len(js) != 4 {
		t.Fatalf("seeded %d jobs", len(js))
	}
	return js
}

func listIDs(t *testing.T, h *harness, args ...string) []string {
	t.Helper()
	r := h.run("", append([]string{"list", "--json"}, args...)...)
	if r.code != 0 {
		t.Fatalf("list %v: exit %d %s", args, r.code, r.stderr)
	}
	js := outJSON[[]history.Job](t, r)
	ids := make([]string, len(js))
	for i, j := range js {
		ids[i] = j.ID
	}
	return ids
}

func TestListFilters(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	js := seed(t, h)
	// Newest first: koi (not finished), duel (failed), neon city, fox.
	koi, duel, city, fox := js[0].ID, js[1].ID, js[2].ID, js[3].ID
	tests := []struct {
		args []string
		want []string
	}{
		{nil, []string{koi, duel, city, fox}},
		{[]string{"--limit", "2"}, []string{koi, duel}},
		{[]string{"--status", "finished"}, []string{city, fox}},
		{[]string{"--status", "failed,not_started"}, []string{koi, duel}},
		{[]string{"--model", "pro"}, []string{koi, city}},
		{[]string{"--model", "standard", "--status", "finished"}, []string{fox}},
		{[]string{"--search", "NEON"}, []string{koi, city}},
		{[]string{"--search", "nothing like this"}, []string{}},
	}
	for _, tt := range tests {
		got := listIDs(t, h, tt.args...)
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("list %v = %v, want %v", tt.args, got, tt.want)
		}
	}
	r := h.run("", "list")
	if !strings.Contains(r.stdout, city+"\tfinished\t") || !strings.Contains(r.stdout, "neon city rain") {
		t.Errorf("table:\n%s", r.stdout)
	}
	if r := h.run("", "list", "--status", "done"); r.code != 2 {
		t.Errorf("bad status: exit %d", r.code)
	}
}

func TestShowFindsByIDPrefixAndTaskID(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	js := seed(t, h)
	city := js[2]
	for _, ref := range []string{city.ID, city.TaskID} {
		if got := showJob(t, h, ref); got.ID != city.ID {
			t.Errorf("show %s: job %s, want %s", ref, got.ID, city.ID)
		}
	}
	r := h.run("", "show", city.ID)
	for _, want := range []string{city.TaskID, "neon city rain", "Status history:", "finished", "Pro 720p"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("show lacks %q:\n%s", want, r.stdout)
		}
	}
	if r := h.run("", "show", "zzzzzzzz"); r.code != 2 || !strings.Contains(r.stderr, "no job") {
		t.Errorf("unknown id: exit %d %s", r.code, r.stderr)
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	seed(t, h)
	exp := h.run("", "export")
	if exp.code != 0 || strings.Count(exp.stdout, "\n") != 4 {
		t.Fatalf("export: %d\n%s", exp.code, exp.stdout)
	}
	file := writeTemp(t, "jobs.jsonl", exp.stdout)

	h2 := newHarness(t, apidottest.Options{})
	if r := h2.run("", "import", file); r.code != 0 || !strings.Contains(r.stdout, "Imported 4 new, 0 updated, 0 unchanged") {
		t.Fatalf("first import: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if r := h2.run("", "import", file); r.code != 0 || !strings.Contains(r.stdout, "Imported 0 new, 0 updated, 4 unchanged") {
		t.Fatalf("second import: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if again := h2.run("", "export"); again.stdout != exp.stdout {
		t.Errorf("export after import differs:\n%s\nvs\n%s", again.stdout, exp.stdout)
	}
	bad := writeTemp(t, "bad.jsonl", exp.stdout+"{not json\n")
	h3 := newHarness(t, apidottest.Options{})
	r := h3.run("", "import", bad)
	if r.code != 2 || !strings.Contains(r.stderr, "line 5") {
		t.Errorf("bad line: exit %d %s", r.code, r.stderr)
	}
	h3.wantJobs(0, "a failed import stores nothing")
}

func TestListOfEveryJobStreamsTheSameBytes(t *testing.T) {
	t.Parallel()
	h := newHarness(t, apidottest.Options{})
	seed(t, h)
	tests := []struct {
		name string
		args []string
	}{
		{"json", []string{"--json"}},
		{"rows on a pipe", nil},
		{"json, search", []string{"--json", "--search", "neon"}},
		{"json, nothing found", []string{"--json", "--search", "zebra"}},
		{"rows, status", []string{"--status", "finished"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			all := h.run("", append([]string{"list", "--limit", "0"}, tt.args...)...)
			paged := h.run("", append([]string{"list", "--limit", "1000"}, tt.args...)...)
			if all.code != 0 || all.stdout != paged.stdout {
				t.Errorf("list --limit 0 (exit %d):\n%s\nwant what --limit 1000 prints:\n%s", all.code, all.stdout, paged.stdout)
			}
		})
	}
}
