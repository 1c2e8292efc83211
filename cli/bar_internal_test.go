package cli

import (
	"strings"
	"testing"
	"time"
)

// TestPatientBarRedrawsAPercentAtATime draws 100,000 steps of a count:
// the line is redrawn when the percent moves, 101 times from 0 % to
// 100 %, and every step of a count with no total. Before its patience is
// spent it draws nothing.
func TestPatientBarRedrawsAPercentAtATime(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	now := start
	p := &patientBar{progressBar: progressBar{w: &out, live: true, unit: thousands},
		now: func() time.Time { return now }, from: start, pct: -1}
	p.draw("Counting", 1, 0)
	if out.Len() != 0 {
		t.Fatalf("drew %q before a second", out.String())
	}
	now = now.Add(patience)
	for i := range int64(5) {
		p.draw("Counting", i, 0)
	}
	const total = 100_000
	for i := range int64(total + 1) {
		p.draw("Writing", i, total)
	}
	p.end()
	if n := strings.Count(out.String(), "\rCounting "); n != 5 {
		t.Errorf("%d draws of a count with no total, want 5", n)
	}
	if n := strings.Count(out.String(), "\rWriting "); n != 101 {
		t.Errorf("%d draws of 100,001 steps, want 101", n)
	}
	if !strings.HasSuffix(out.String(), "\rWriting [####################] 100% 100,000/100,000\n") {
		t.Errorf("the line ends %q", out.String()[max(0, out.Len()-80):])
	}
}

// TestCountsReadAsWords: one of a thing is singular, and large counts
// keep their thousands apart, as the progress lines do.
func TestCountsReadAsWords(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		n    int
		noun string
		want string
	}{
		{0, "job", "0 jobs"},
		{1, "file", "1 file"},
		{999, "job", "999 jobs"},
		{1234, "job", "1,234 jobs"},
		{1_000_000, "running job", "1,000,000 running jobs"},
	} {
		if got := count(tc.n, tc.noun); got != tc.want {
			t.Errorf("count(%d, %q) = %q, want %q", tc.n, tc.noun, got, tc.want)
		}
	}
}
