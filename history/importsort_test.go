package history

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// shuffledLines is n lines of writeJobLines in an order drawn from seed.
func shuffledLines(t *testing.T, n int, seed uint64) []byte {
	t.Helper()
	lines := bytes.SplitAfter(jobLines(t, n).Bytes(), []byte("\n"))[:n]
	rand.New(rand.NewPCG(seed, seed)).Shuffle(n, func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	return bytes.Join(lines, nil)
}

// exportOf is s's export.
func exportOf(t *testing.T, s *Store) string {
	t.Helper()
	var b bytes.Buffer
	if err := s.Export(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// jobPagesUsed is the share of the jobs' pages their jobs fill.
func jobPagesUsed(t *testing.T, s *Store) float64 {
	t.Helper()
	var st bolt.BucketStats
	if err := s.view(func(tx *bolt.Tx) error {
		st = tx.Bucket(bucketJobs).Stats()
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return float64(st.LeafInuse) / float64(st.LeafAlloc)
}

// TestAShuffledImportIsWrittenOldestFirst: the records of a shuffled
// file, from a file or a pipe, are written oldest first, so they fill
// their pages as those of an ordered file do, and the store holds the
// same jobs.
func TestAShuffledImportIsWrittenOldestFirst(t *testing.T) {
	t.Parallel()
	const n = 1000
	ordered := openTestStore(t)
	ordered.chunks.lines = testChunk
	if res, err := ordered.Import(jobLines(t, n)); err != nil || res.Added != n {
		t.Fatalf("ordered import = %+v, %v", res, err)
	}
	want := exportOf(t, ordered)
	lines := shuffledLines(t, n, 7)
	for name, input := range map[string]func() io.Reader{
		"file": func() io.Reader { return bytes.NewReader(lines) },                      // seekable: read again
		"pipe": func() io.Reader { return struct{ io.Reader }{bytes.NewReader(lines)} }, // copied first
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			s := openTestStore(t)
			s.chunks.lines = testChunk
			if res, err := s.Import(input()); err != nil || res.Added != n {
				t.Fatalf("import = %+v, %v", res, err)
			}
			if used := jobPagesUsed(t, s); used < 0.95 {
				t.Errorf("the jobs use %.0f%% of their pages, want 95%% or more as in order", 100*used)
			}
			if got := exportOf(t, s); got != want {
				t.Error("the shuffled import's export differs from the ordered one's")
			}
			checkWordIndex(t, s)
			if res, err := s.Import(input()); err != nil || res.Unchanged != n {
				t.Fatalf("importing it again = %+v, %v; want all %d unchanged", res, err, n)
			}
		})
	}
}

// TestAShuffledImportWithoutATemporaryFolderStillImports: with nowhere to
// sort the input, the records go in the file's order.
func TestAShuffledImportWithoutATemporaryFolderStillImports(t *testing.T) {
	s := openTestStore(t)
	s.chunks.lines = testChunk
	t.Setenv("TMPDIR", "/nonexistent/soratui-test")
	const n = 300
	if res, err := s.Import(bytes.NewReader(shuffledLines(t, n, 3))); err != nil || res.Added != n {
		t.Fatalf("import = %+v, %v", res, err)
	}
	js, err := s.List(Query{})
	if err != nil || len(js) != n {
		t.Fatalf("List = %d jobs, %v; want %d", len(js), err, n)
	}
	checkWordIndex(t, s)
}

// TestSortedRunsMergeStably: the merged runs give every record's line,
// trimmed, oldest first, records of one created_at in the file's order,
// whatever the cut into runs.
func TestSortedRunsMergeStably(t *testing.T) {
	t.Parallel()
	line := func(id string, min int) string {
		return `{"id":"` + id + `","model":"sora-2","status":"finished","prompt":"p","duration":4,` +
			`"created_at":"2024-01-01T00:` + fmt.Sprintf("%02d", min) + `:00Z"}`
	}
	input := "\xef\xbb\xbf  " + line("a", 5) + " \n" + line("b", 1) + "\n\n" + line("c", 5) + "\n" +
		line("d", 0) + "\n" + line("e", 1) + "\n" + line("f", 9) + "\n" + line("g", 5) + "\n"
	want := strings.Join([]string{line("d", 0), line("b", 1), line("e", 1), line("a", 5),
		line("c", 5), line("g", 5), line("f", 9)}, "\n") + "\n"
	for _, lines := range []int{1, 2, 3, 100} {
		var sorted []int
		runs, err := writeSortedRuns(strings.NewReader(input), nil, lines, func(n int) error {
			sorted = append(sorted, n)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		r, err := runs.reader()
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		runs.close()
		if len(sorted) != len(runs.runs) || sorted[len(sorted)-1] != 7 {
			t.Errorf("runs of %d lines: %d runs, sorted reported as %v, ending at 7", lines, len(runs.runs), sorted)
		}
		if err != nil || string(got) != want {
			t.Errorf("runs of %d lines: %v\n%s\nwant\n%s", lines, err, got, want)
		}
	}
}
