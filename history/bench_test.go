package history

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
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

// benchPrompt is a prompt of about 250 bytes (a detailed shot
// description) drawn from a vocabulary of a few hundred words; job
// rareJob alone has the word "zeppelin".
func benchPrompt(i, rareJob int) string {
	var b strings.Builder
	r := uint64(i)*2654435761 + 1
	for b.Len() < 250 {
		r = r*6364136223846793005 + 1442695040888963407
		b.WriteString(benchWords[(r>>33)%uint64(len(benchWords))])
		b.WriteByte(' ')
	}
	if i == rareJob {
		b.WriteString("a zeppelin")
	}
	return b.String()
}

// benchWords are the vocabulary of benchPrompt.
var benchWords = strings.Fields(`a the of in on at with slow fast wide close shot dolly pan tilt crane
	aerial drone handheld steady macro lens golden hour dawn dusk night noon rain snow fog mist storm
	sun moon stars city street alley market harbour beach desert dune forest jungle river lake sea ocean
	mountain valley canyon cliff cave glacier island bridge tower castle temple ruin village farm field
	garden park roof window door stair hall room kitchen studio stage train car bike boat ship plane
	kite balloon lantern candle neon sign screen mirror glass water fire smoke dust sand ice steam light
	shadow silhouette reflection colour red orange yellow green blue purple pink white black grey gold
	silver warm cold soft hard bright dark vivid muted pastel cinematic film grain anamorphic flare
	bokeh depth focus blur motion timelapse slowmotion reverse loop portrait landscape closeup medium
	establishing tracking orbit push pull zoom whip cut fade dissolve cat dog fox owl horse whale bird
	fish deer wolf bear child woman man elder dancer runner knight robot astronaut chef painter
	musician crowd couple family friends stranger walks runs jumps dances sings laughs cries waits
	turns looks smiles sleeps reads writes paints cooks plays flies floats falls rises glows burns
	melts grows blooms sways drifts spins shatters ripples flickers over under through across toward
	behind beside between around above below into from and while as then`)

// BenchmarkSearch searches for a word only one job has ("zeppelin"), in
// process, in histories of 10 and 100,000 jobs (and 1,000,000 with
// SORATUI_BENCH_1M=1, which takes minutes to build): the word index keeps
// the three about equal.
func BenchmarkSearch(b *testing.B) {
	sizes := []int{10, 100_000}
	if os.Getenv("SORATUI_BENCH_1M") != "" {
		sizes = append(sizes, 1_000_000)
	}
	for _, n := range sizes {
		path := filepath.Join(b.TempDir(), "history.db")
		s := openTestStoreAt(b, path, Options{})
		fillWith(b, path, n, func(i int) string { return benchPrompt(i, n/2) })
		b.Run(fmt.Sprintf("jobs=%d", n), func(b *testing.B) {
			for b.Loop() {
				js, err := s.List(Query{Search: "zeppelin", Limit: 50})
				if err != nil || len(js) != 1 {
					b.Fatalf("search found %d jobs, %v", len(js), err)
				}
			}
		})
	}
}
