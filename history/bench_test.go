package history_test

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/history/historytest"
)

// The benchmarks use generated jobs of about 1 KB (historytest.Job), the
// size real prompts make.

// BenchmarkList50 lists one page of 50 jobs from a file of 10 and of
// 100,000 jobs; the two should cost about the same (SPEC §5).
func BenchmarkList50(b *testing.B) {
	const pro = "sora-2-pro-official"
	running := []history.Status{history.StatusRunning}
	queries := []struct {
		name string
		q    history.Query
	}{
		{"all", history.Query{Limit: 50}},
		{"status", history.Query{Limit: 50, Statuses: running}},
		{"statuses", history.Query{Limit: 50, Statuses: []history.Status{history.StatusRunning, history.StatusNotStarted, history.StatusFinished}}},
		{"model", history.Query{Limit: 50, Model: pro}},
		{"model+status", history.Query{Limit: 50, Model: pro, Statuses: []history.Status{history.StatusFinished}}},
	}
	historytest.BySize(b, func(b *testing.B, path string) {
		s := historytest.OpenAt(b, path)
		for _, q := range queries {
			b.Run(q.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := s.List(q.q); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	})
}

// BenchmarkImport100k imports 100,000 jobs into an empty file.
func BenchmarkImport100k(b *testing.B) {
	var buf bytes.Buffer
	historytest.WriteLines(b, &buf, 100_000)
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		b.StopTimer()
		s := historytest.Open(b)
		b.StartTimer()
		res, err := s.Import(bytes.NewReader(data))
		if err != nil || res.Added != 100_000 {
			b.Fatalf("Import = %+v, %v", res, err)
		}
	}
}

// BenchmarkSearch searches for a word only one job has
// (historytest.RareWord), in process, in histories of 10 and 100,000 jobs
// (and 1,000,000 with SORATUI_BENCH_1M=1, which takes a minute to build):
// the word index keeps the three about equal.
func BenchmarkSearch(b *testing.B) {
	sizes := []int{10, 100_000}
	if os.Getenv("SORATUI_BENCH_1M") != "" {
		sizes = append(sizes, 1_000_000)
	}
	for _, n := range sizes {
		s := historytest.Open(b)
		historytest.FillWith(b, s, n, func(i int, j *history.Job) {
			if i == n/2 {
				j.Prompt += " a " + historytest.RareWord
			}
		})
		b.Run(fmt.Sprintf("jobs=%d", n), func(b *testing.B) {
			for b.Loop() {
				js, err := s.List(history.Query{Search: historytest.RareWord, Limit: 50})
				if err != nil || len(js) != 1 {
					b.Fatalf("search found %d jobs, %v", len(js), err)
				}
			}
		})
	}
}
