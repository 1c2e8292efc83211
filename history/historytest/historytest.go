// Package historytest fills history files for tests and benchmarks, in the
// manner of net/http/httptest.
package historytest

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/soratui/soratui/history"
)

// TB is the part of testing.TB the helpers use.
type TB interface {
	Helper()
	Fatal(args ...any)
	TempDir() string
	Cleanup(func())
}

// Open opens a new history file in tb's temporary folder, closed when the
// test ends. opts, when given, are its options (a test clock, a lock
// timeout).
func Open(tb TB, opts ...history.Options) *history.Store {
	tb.Helper()
	return OpenAt(tb, filepath.Join(tb.TempDir(), "history.db"), opts...)
}

// OpenAt opens the history file at path, closed when the test ends; a
// second store on one file is how tests play two processes.
func OpenAt(tb TB, path string, opts ...history.Options) *history.Store {
	tb.Helper()
	var o history.Options
	if len(opts) > 0 {
		o = opts[0]
	}
	s, err := history.Open(path, o)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// Job is the i-th generated job: one second after the previous one, from
// 2024-01-01, mixed models, statuses and durations, with Prompt(i): a
// record of about 1 KB.
func Job(i int) history.Job {
	statuses := history.Statuses()
	created := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second)
	st := statuses[i%len(statuses)]
	j := history.Job{
		ID:          fmt.Sprintf("gen%010d", i),
		Model:       []string{"sora-2-official", "sora-2-pro-official"}[i%2],
		Status:      st,
		Prompt:      Prompt(i),
		Duration:    []int{4, 8, 12}[i%3],
		AspectRatio: "16:9",
		Credits:     48,
		CreatedAt:   created,
		UpdatedAt:   created.Add(time.Minute),
		StatusHistory: []history.StatusChange{
			{Status: history.StatusSubmitting, At: created},
			{Status: st, At: created.Add(time.Minute)},
		},
	}
	if j.Model == "sora-2-pro-official" {
		j.Resolution = "720p"
		j.Credits = 48 * 4 * j.Duration / 4
	}
	if st != history.StatusSubmitting && st != history.StatusUnconfirmed && st != history.StatusRejected {
		j.TaskID = fmt.Sprintf("task-unified-gen-%010d", i)
	}
	if st == history.StatusFinished {
		j.VideoURLs = []string{"https://cdn.example/v/" + j.ID + ".mp4"}
		p := 100
		j.Progress = &p
		f := created.Add(3 * time.Minute)
		j.FinishedAt = &f
	}
	return j
}

// WriteLines writes n generated jobs as JSON Lines, oldest first.
func WriteLines(tb TB, w io.Writer, n int) {
	tb.Helper()
	WriteLinesWith(tb, w, n, nil)
}

// WriteLinesWith is WriteLines with edit, when not nil, changing each job
// before it is written.
func WriteLinesWith(tb TB, w io.Writer, n int, edit func(i int, j *history.Job)) {
	tb.Helper()
	bw := bufio.NewWriter(w)
	for i := range n {
		j := Job(i)
		if edit != nil {
			edit(i, &j)
		}
		b, err := j.MarshalJSON()
		if err != nil {
			tb.Fatal(err)
		}
		bw.Write(b)
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		tb.Fatal(err)
	}
}

// Fill imports n generated jobs into s.
func Fill(tb TB, s *history.Store, n int) {
	tb.Helper()
	FillWith(tb, s, n, nil)
}

// FillWith imports n generated jobs into s, each changed by edit first
// (when not nil). The jobs go through a temporary file, so a million of
// them do not sit in memory; it is removed once imported, before the
// kernel writes it out, so a benchmark that follows does not time a
// disk busy with 120 MB it will never read again.
func FillWith(tb TB, s *history.Store, n int, edit func(i int, j *history.Job)) {
	tb.Helper()
	f, err := os.CreateTemp(tb.TempDir(), "jobs-*.jsonl")
	if err != nil {
		tb.Fatal(err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	WriteLinesWith(tb, f, n, edit)
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		tb.Fatal(err)
	}
	if _, err := s.Import(f); err != nil {
		tb.Fatal(err)
	}
}

// File creates a history file of n generated jobs in a temporary folder
// and returns its path; the file is closed.
func File(tb TB, n int) string {
	tb.Helper()
	s := Open(tb)
	Fill(tb, s, n)
	if err := s.Close(); err != nil {
		tb.Fatal(err)
	}
	return s.Path()
}

// BySize runs bench once per history size the speed rules compare (SPEC §5:
// 10 and 100,000 jobs), as a sub-benchmark named jobs=N, on the path of a
// history file of that size built before it starts.
func BySize(b *testing.B, bench func(b *testing.B, path string)) {
	for _, n := range []int{10, 100_000} {
		path := File(b, n)
		b.Run(fmt.Sprintf("jobs=%d", n), func(b *testing.B) { bench(b, path) })
	}
}
