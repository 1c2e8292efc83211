package history

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// markOf reads the mark of jobs an import has yet to index.
func markOf(t *testing.T, s *Store) (pendingMark, bool) {
	t.Helper()
	var m pendingMark
	var found bool
	if err := s.view(func(tx *bolt.Tx) error {
		m, found = readPending(tx.Bucket(bucketMeta))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return m, found
}

// jobLines are n lines of writeJobLines.
func jobLines(t *testing.T, n int) *bytes.Buffer {
	var b bytes.Buffer
	writeJobLines(t, &b, n)
	return &b
}

// mustImportLines imports n lines of writeJobLines into s.
func mustImportLines(t *testing.T, s *Store, n int) {
	t.Helper()
	if res, err := s.Import(jobLines(t, n)); err != nil || res.Added != n {
		t.Fatalf("Import = %+v, %v", res, err)
	}
}

// importedStore is a new store, its imports cut as ck, into which n lines
// of writeJobLines were imported.
func importedStore(t *testing.T, n int, ck chunking) *Store {
	t.Helper()
	s := openTestStore(t)
	s.chunks = ck
	mustImportLines(t, s, n)
	return s
}

// importedJob is the stored job of line i of writeJobLines.
func importedJob(t *testing.T, s *Store, i int) Job {
	t.Helper()
	js := mustList(t, s, Query{Search: fmt.Sprintf("task-%07d", i)})
	if len(js) != 1 {
		t.Fatalf("line %d: %d jobs", i, len(js))
	}
	return js[0]
}

func rename(t *testing.T, s *Store, id, prompt string) {
	t.Helper()
	if _, err := s.Update(id, func(j *Job) error { j.Prompt = prompt; return nil }); err != nil {
		t.Fatal(err)
	}
}

// TestAnImportsWordsFollowWhatOthersChangeMeanwhile imports three chunks
// while another store on the file (another process) changes, deletes and
// adds jobs: after the first chunk is written, and again once part of the
// words are in. Meanwhile a search finds the imported jobs by walking;
// afterwards the index is exact, with the mark gone.
func TestAnImportsWordsFollowWhatOthersChangeMeanwhile(t *testing.T) {
	t.Parallel()
	const n = 3 * testChunk
	in := jobLines(t, n)
	s := openTestStore(t)
	s.chunks.lines, s.chunks.bulkWords = testChunk, 7
	other := openTestStoreAt(t, s.path, Options{})
	sawChunk, sawWords := false, false
	progress := func(p ImportProgress) {
		switch {
		case p.Written == testChunk && p.IndexTotal == 0 && !sawChunk:
			sawChunk = true
			if _, pending := markOf(t, other); !pending {
				t.Error("no mark while the words of the first chunk wait")
			}
			if err := other.view(func(tx *bolt.Tx) error {
				if _, ok := wordPlan(tx, fmt.Sprintf("task-%07d", 5)); !ok {
					t.Error("the index does not answer while a chunk's jobs wait for their words")
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			checkSearches(t, other, "prompt 5", fmt.Sprintf("task-%07d", 6))
			if got := mustList(t, other, Query{Search: fmt.Sprintf("task-%07d", 5)}); len(got) != 1 || got[0].Prompt != "prompt 5" {
				t.Errorf("a search during the import found %d jobs, want the one", len(got))
			}
			rename(t, other, importedJob(t, other, 3).ID, "renamed zebra")
			if _, err := other.Delete(importedJob(t, other, 4).ID); err != nil {
				t.Fatal(err)
			}
			mustCreate(t, other, job(std, "created meanwhile okapi", StatusRunning))
		case p.Indexed > 0 && p.Indexed < p.IndexTotal && !sawWords:
			sawWords = true
			rename(t, other, importedJob(t, other, 10).ID, "renamed again yak")
			rename(t, other, importedJob(t, other, n-1).ID, "late change gnu")
			if _, err := other.Delete(importedJob(t, other, 11).ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	res, err := s.ImportWith(in, ImportOptions{Progress: progress})
	if err != nil || res.Added != n {
		t.Fatalf("ImportWith = %+v, %v", res, err)
	}
	if !sawChunk || !sawWords {
		t.Fatalf("changes made after the first chunk %v, amid the words %v", sawChunk, sawWords)
	}
	if m, pending := markOf(t, s); pending {
		t.Errorf("the mark %+v is left after the import", m)
	}
	if err := s.view(func(tx *bolt.Tx) error {
		if docs := touchedDocs(tx); len(docs) != 0 {
			t.Errorf("%d changed docs still recorded after the import", len(docs))
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	checkWordIndex(t, s)
	checkSearches(t, s, "zebra", "okapi", "yak", "gnu", "renamed", "prompt 3", "prompt 4", "prompt 10",
		"prompt 11", fmt.Sprintf("prompt %d", n-1), "prompt 5", "prompt", fmt.Sprintf("task-%07d", 11))
}

// TestAnInterruptedImportIsIndexedByAnOpenOnceItsOwnerIsGone leaves an
// import's words unwritten, as a killed import would. Searches still find
// its jobs, and another writer's change is kept. An Open soon after leaves
// the mark to its owner; one past pendingStale says how many jobs it is
// about to index, indexes them, and says when it is done.
func TestAnInterruptedImportIsIndexedByAnOpenOnceItsOwnerIsGone(t *testing.T) {
	t.Parallel()
	const n = 2*testChunk + 5
	s := importedStore(t, n, chunking{lines: testChunk, dieEarly: true})
	m, pending := markOf(t, s)
	if !pending {
		t.Fatal("no mark after an import that wrote no words")
	}
	rename(t, s, importedJob(t, s, 7).ID, "changed while pending quokka")
	checkSearches(t, s, "quokka", "prompt 7", "prompt 8", fmt.Sprintf("prompt %d", n-1))

	soon := openTestStoreAt(t, s.path, Options{Now: func() time.Time { return time.Unix(0, m.beat).Add(time.Minute) },
		Indexing: func(IndexWork) { t.Error("an Open a minute after the owner's last write announced a recovery") }})
	if _, pending := markOf(t, soon); !pending {
		t.Fatal("an Open a minute after the owner's last write took its mark")
	}
	var told []IndexWork
	later := openTestStoreAt(t, s.path, Options{Now: func() time.Time { return time.Unix(0, m.beat).Add(pendingStale + time.Minute) },
		Indexing: func(w IndexWork) { told = append(told, w) }})
	if want := []IndexWork{{true, 0, n}, {true, n, n}}; !slices.Equal(told, want) {
		t.Errorf("Open told %+v of its work, want %+v", told, want)
	}
	if m, pending := markOf(t, later); pending {
		t.Fatalf("the mark %+v is left after an Open past pendingStale", m)
	}
	checkWordIndex(t, later)
	checkSearches(t, later, "quokka", "prompt 7", "prompt 8", fmt.Sprintf("prompt %d", n-1), "prompt")
}

// TestARecoveryCountsTheJobsItHasLeft: a recovery cut short goes on from
// where its last batch stopped, and counts only the jobs from there.
func TestARecoveryCountsTheJobsItHasLeft(t *testing.T) {
	t.Parallel()
	const n = testChunk + 30
	s := importedStore(t, n, chunking{lines: testChunk, dieEarly: true})
	m, _ := markOf(t, s)
	err := s.update(func(tx *writeTx) error {
		if got := pendingLeft(tx); got != n {
			t.Errorf("%d jobs left of a recovery not begun, want %d", got, n)
		}
		if err := tx.Bucket(bucketMeta).Put(keyPendingNext, u64(m.first+20)); err != nil {
			return err
		}
		if got := pendingLeft(tx); got != n-20 {
			t.Errorf("%d jobs left after a batch of 20, want %d", got, n-20)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestAnOpenThatLosesTheRecoveryToAnotherSaysNothing: two processes open
// a file whose import died and both see its stale mark; the one that comes
// to claim it second, after the other finished the recovery or while the
// other is under way, neither indexes nor announces anything, and leaves
// the other's mark alone.
func TestAnOpenThatLosesTheRecoveryToAnotherSaysNothing(t *testing.T) {
	t.Parallel()
	const n = testChunk + 5
	for _, tc := range []struct {
		name   string
		other  func(t *testing.T, path string, now func() time.Time) // what the other process does first
		marked bool                                                  // the other's mark is left
	}{
		{"after the other recovered", func(t *testing.T, path string, now func() time.Time) {
			var told []IndexWork
			openTestStoreAt(t, path, Options{Now: now, Indexing: func(w IndexWork) { told = append(told, w) }})
			if want := []IndexWork{{true, 0, n}, {true, n, n}}; !slices.Equal(told, want) {
				t.Errorf("the first Open told %+v of its work, want %+v", told, want)
			}
		}, false},
		{"while the other recovers", func(t *testing.T, path string, now func() time.Time) {
			// Opened while the mark was fresh, it takes the mark only now.
			other := openTestStoreAt(t, path, Options{Now: func() time.Time { return now().Add(-pendingStale - time.Minute) }})
			if err := other.update(func(tx *writeTx) error {
				ok, err := tx.claim(7, now(), false, true)
				if !ok && err == nil {
					t.Error("the other process could not take the stale mark")
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := importedStore(t, n, chunking{lines: testChunk, dieEarly: true})
			m, _ := markOf(t, s)
			now := func() time.Time { return time.Unix(0, m.beat).Add(pendingStale + time.Minute) }
			came := false
			late := openTestStoreAt(t, s.path, Options{Now: now,
				Indexing:       func(w IndexWork) { t.Errorf("the Open that lost the mark told %+v", w) },
				beforeRecovery: func() { came = true; tc.other(t, s.path, now) }})
			if !came {
				t.Fatal("Open did not see the stale mark")
			}
			left, pending := markOf(t, late)
			if pending != tc.marked || pending && left.owner != 7 {
				t.Errorf("mark %+v left (%v), want the other's: %v", left, pending, tc.marked)
			}
			if !tc.marked {
				checkWordIndex(t, late)
			}
		})
	}
}

// TestAnImportWhoseMarkWasTakenIndexesTheRestItself: a store opened past
// pendingStale during an import (the importer stopped long enough to seem
// dead) indexes what the import wrote and removes the mark; the import
// then indexes its later chunks itself, and leaves the words of the
// earlier ones, which may have changed since, alone. Another import that starts while
// a live import owns the mark does the same from its start.
func TestAnImportWhoseMarkWasTakenIndexesTheRestItself(t *testing.T) {
	t.Parallel()
	const n = 3 * testChunk
	var second bytes.Buffer
	for i := range testChunk + 3 {
		fmt.Fprintf(&second, `{"id":"second%d","status":"finished","prompt":"second import %d walrus","created_at":"2024-06-01T00:00:%02dZ"}`+"\n", i, i, i%60)
	}
	s := openTestStore(t)
	s.chunks.lines = testChunk
	dir := filepath.Dir(s.path)
	taken := false
	progress := func(p ImportProgress) {
		if p.Written != testChunk || taken {
			return
		}
		taken = true
		m, _ := markOf(t, s)
		openTestStoreAt(t, filepath.Join(dir, "history.db"), Options{Now: func() time.Time {
			return time.Unix(0, m.beat).Add(pendingStale + time.Second)
		}})
		if _, pending := markOf(t, s); pending {
			t.Error("the mark is left after an Open past pendingStale")
		}
		// A job of the first chunk, indexed by that Open, changes: the
		// import must not write its words as they were.
		rename(t, s, importedJob(t, s, 3).ID, "renamed after the takeover ibex")
		other := openTestStoreAt(t, s.path, Options{})
		other.chunks.lines = testChunk
		if res, err := other.Import(bytes.NewReader(second.Bytes())); err != nil || res.Added != testChunk+3 {
			t.Errorf("a second import meanwhile = %+v, %v", res, err)
		}
	}
	if res, err := s.ImportWith(jobLines(t, n), ImportOptions{Progress: progress}); err != nil || res.Added != n {
		t.Fatalf("ImportWith = %+v, %v", res, err)
	}
	if !taken {
		t.Fatal("the mark was never taken")
	}
	if m, pending := markOf(t, s); pending {
		t.Errorf("the mark %+v is left", m)
	}
	checkWordIndex(t, s)
	checkSearches(t, s, "prompt 3", "ibex", fmt.Sprintf("prompt %d", n-1), "walrus", "second import 7", "prompt")
}

// TestAnImportMakesTheWordsItTakesPastTheLimitCommon imports 5,000 jobs:
// "shared" in all of them, "most" in 4,000. Once the words are in,
// "shared" is common, with no lists left, and "most" has its exact list;
// searches for both find every job.
func TestAnImportMakesTheWordsItTakesPastTheLimitCommon(t *testing.T) {
	t.Parallel()
	const n = 5000
	var in bytes.Buffer
	for i := range n {
		most := ""
		if i < 4000 {
			most = " most"
		}
		fmt.Fprintf(&in, `{"id":"c%d","status":"finished","prompt":"shared%s %d","created_at":"2024-06-01T00:00:00Z"}`+"\n", i, most, i)
	}
	s := openTestStore(t)
	s.chunks.lines = 200
	if res, err := s.Import(&in); err != nil || res.Added != n {
		t.Fatalf("Import = %+v, %v", res, err)
	}
	err := s.view(func(tx *bolt.Tx) error {
		ix := wordIndexOf(tx)
		if !isCommon(ix.tails.Get([]byte("shared"))) || ix.sealedDocs("shared") != 0 {
			t.Errorf("shared: tail %x, %d docs in blocks; want common", ix.tails.Get([]byte("shared")), ix.sealedDocs("shared"))
		}
		if docs, ok := ix.prefixDocs([]byte("most"), commonDocs); !ok || len(docs) != 4000 {
			t.Errorf("most: %d docs (%v); want 4000", len(docs), ok)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checkWordIndex(t, s)
	if got := len(mustList(t, s, Query{Search: "shared"})); got != n {
		t.Errorf("search shared: %d jobs, want %d", got, n)
	}
	if got := len(mustList(t, s, Query{Search: "most"})); got != 4000 {
		t.Errorf("search most: %d jobs, want 4000", got)
	}
}

// TestAnImportWithoutATemporaryFolderIndexesItsChunksAsItGoes: with no
// folder for its runs, an import still succeeds, its chunks indexed as
// they are written, and leaves no mark.
func TestAnImportWithoutATemporaryFolderIndexesItsChunksAsItGoes(t *testing.T) {
	s := openTestStore(t)
	s.chunks.lines = testChunk
	t.Setenv("TMPDIR", filepath.Join(t.TempDir(), "missing"))
	const n = 2*testChunk + 3
	// A file: an input that is read twice needs no temporary copy.
	if res, err := s.Import(bytes.NewReader(jobLines(t, n).Bytes())); err != nil || res.Added != n {
		t.Fatalf("Import = %+v, %v", res, err)
	}
	if m, pending := markOf(t, s); pending {
		t.Errorf("the mark %+v is left", m)
	}
	checkWordIndex(t, s)
	checkSearches(t, s, "prompt 3", fmt.Sprintf("prompt %d", n-1), "prompt")
}

// TestManyJobsWaitingForTheirWordsAreSearchedByWalking: with more than
// rareKeys jobs past the mark, a search walks every job, and still finds
// them.
func TestManyJobsWaitingForTheirWordsAreSearchedByWalking(t *testing.T) {
	t.Parallel()
	const n = rareKeys + 10
	s := importedStore(t, n, chunking{lines: 1000, dieEarly: true})
	if err := s.view(func(tx *bolt.Tx) error {
		if _, ok := wordPlan(tx, fmt.Sprintf("task-%07d", 7)); ok {
			t.Errorf("the index answers with %d jobs waiting for their words", n)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	checkSearches(t, s, fmt.Sprintf("task-%07d", 7), fmt.Sprintf("prompt %d", n-1))
}

// TestAnImportWhoseRunsFailIndexesItsJobsFromTheirRecords: when the runs
// cannot be written (a full temporary folder), the import still ends
// with its jobs indexed, from their stored records, and no mark.
func TestAnImportWhoseRunsFailIndexesItsJobsFromTheirRecords(t *testing.T) {
	t.Parallel()
	const n = 2*testChunk + 9
	s := importedStore(t, n, chunking{lines: testChunk, noRuns: true})
	if m, pending := markOf(t, s); pending {
		t.Errorf("the mark %+v is left", m)
	}
	checkWordIndex(t, s)
	checkSearches(t, s, "prompt 3", fmt.Sprintf("prompt %d", n-1), "prompt")
}
