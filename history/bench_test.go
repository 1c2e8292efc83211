package history

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"testing"
	"time"
)

// writeJobLines writes n jobs as JSON Lines, as Export would: created one
// second apart, oldest first, with mixed models and statuses.
func writeJobLines(tb testing.TB, w io.Writer, n int) {
	tb.Helper()
	bw := bufio.NewWriter(w)
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		created := start.Add(time.Duration(i) * time.Second)
		j := Job{
			ID:          encodeID(created, uint64(i)),
			TaskID:      fmt.Sprintf("task-%07d", i),
			Model:       []string{std, pro}[i%2],
			Status:      allStatuses[i%len(allStatuses)],
			Prompt:      fmt.Sprintf("prompt %d", i),
			Duration:    4,
			AspectRatio: "16:9",
			Credits:     30,
			CreatedAt:   created,
			UpdatedAt:   created.Add(time.Minute),
			StatusHistory: []StatusChange{
				{Status: StatusSubmitting, At: created},
				{Status: allStatuses[i%len(allStatuses)], At: created.Add(time.Minute)},
			},
		}
		line, err := j.MarshalJSON()
		if err != nil {
			tb.Fatal(err)
		}
		bw.Write(line)
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		tb.Fatal(err)
	}
}

// benchStore builds a history file with n jobs.
func benchStore(b *testing.B, n int) *Store {
	b.Helper()
	s := openTestStoreAt(b, filepath.Join(b.TempDir(), "history.db"), Options{})
	var buf bytes.Buffer
	writeJobLines(b, &buf, n)
	if _, err := s.Import(&buf); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkList50 lists one page of 50 jobs from a file of 10 and of
// 100,000 jobs; the two should cost about the same (SPEC §5).
func BenchmarkList50(b *testing.B) {
	queries := []struct {
		name string
		q    Query
	}{
		{"all", Query{Limit: 50}},
		{"status", Query{Limit: 50, Statuses: []Status{StatusRunning}}},
		{"statuses", Query{Limit: 50, Statuses: []Status{StatusRunning, StatusNotStarted, StatusFinished}}},
		{"model", Query{Limit: 50, Model: pro}},
		{"model+status", Query{Limit: 50, Model: pro, Statuses: []Status{StatusFinished}}},
	}
	for _, n := range []int{10, 100_000} {
		s := benchStore(b, n)
		for _, q := range queries {
			b.Run(fmt.Sprintf("jobs=%d/%s", n, q.name), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := s.List(q.q); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkImport100k imports 100,000 jobs into an empty file.
func BenchmarkImport100k(b *testing.B) {
	var buf bytes.Buffer
	writeJobLines(b, &buf, 100_000)
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		b.StopTimer()
		s := openTestStoreAt(b, filepath.Join(b.TempDir(), "history.db"), Options{})
		b.StartTimer()
		res, err := s.Import(bytes.NewReader(data))
		if err != nil || res.Added != 100_000 {
			b.Fatalf("Import = %+v, %v", res, err)
		}
	}
}
