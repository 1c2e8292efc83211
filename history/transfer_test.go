package history

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// fillOptionalFields gives every optional field to each of js in s.
func fillOptionalFields(t *testing.T, s *Store, js []Job) {
	t.Helper()
	for i, j := range js {
		_, err := s.Update(j.ID, func(j *Job) error {
			j.Progress = intp(i * 20)
			j.VideoURLs = []string{"https://cdn.example.com/" + j.ID + ".mp4"}
			j.ImageURL = "https://example.com/in.png"
			j.LocalPath = "/videos/" + j.ID + ".mp4"
			j.GroupID = "g1"
			j.Credits = 30
			j.Error = "e"
			j.SetStatus(StatusFinished, "success", testEpoch.Add(time.Hour))
			j.StatusHistory[len(j.StatusHistory)-1].Note = "done"
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// exportOldestFirst exports src and checks it wrote one line per job, oldest
// first.
func exportOldestFirst(t *testing.T, src *Store) *bytes.Buffer {
	t.Helper()
	var exported bytes.Buffer
	if err := src.Export(&exported); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(exported.String(), "\n"), "\n")
	if len(lines) != 40 {
		t.Fatalf("export has %d lines, want 40", len(lines))
	}
	// Oldest first.
	want := ids(mustList(t, src, Query{}))
	slices.Reverse(want)
	for i, line := range lines {
		var j Job
		if err := json.Unmarshal([]byte(line), &j); err != nil {
			t.Fatalf("line %d: %v", i+1, err)
		}
		if j.ID != want[i] {
			t.Fatalf("line %d has job %s, want %s (oldest first)", i+1, j.ID, want[i])
		}
	}
	return &exported
}

func TestExportImportRoundTrip(t *testing.T) {
	t.Parallel()
	src, _ := listFixture(t)
	all := mustList(t, src, Query{})
	fillOptionalFields(t, src, all[:5])
	exported := exportOldestFirst(t, src)

	dst := openTestStore(t)
	for round, wantRes := range []ImportResult{{Added: 40}, {Unchanged: 40}} {
		res, err := dst.Import(bytes.NewReader(exported.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if res != wantRes {
			t.Errorf("import %d: %+v, want %+v", round+1, res, wantRes)
		}
		checkSameJobs(t, round, mustList(t, dst, Query{}), mustList(t, src, Query{}))
		if st, _ := dst.Stamp(); st.Count != 40 {
			t.Errorf("import %d: count %d, want 40", round+1, st.Count)
		}
	}
	var again bytes.Buffer
	if err := dst.Export(&again); err != nil {
		t.Fatal(err)
	}
	if again.String() != exported.String() {
		t.Errorf("export of the imported store differs from the original export")
	}
	checkIndexesFollow(t, dst, src, all)
}

// checkSameJobs reports the first job of got that differs from want after
// import number round (from 0).
func checkSameJobs(t *testing.T, round int, got, want []Job) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	t.Errorf("import %d: jobs differ from the source", round+1)
	for i := range min(len(got), len(want)) {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("first difference at %d:\n got %+v\nwant %+v", i, got[i], want[i])
			break
		}
	}
}

// checkIndexesFollow checks that the indexes were built for the jobs
// imported into dst from src (all: src's jobs).
func checkIndexesFollow(t *testing.T, dst, src *Store, all []Job) {
	t.Helper()
	for _, q := range []Query{{Statuses: []Status{StatusFinished}}, {Model: pro}, {Model: std, Statuses: []Status{StatusRunning}}} {
		if got, want := ids(mustList(t, dst, q)), ids(mustList(t, src, q)); !slices.Equal(got, want) {
			t.Errorf("List(%+v) after import = %v, want %v", q, got, want)
		}
	}
	for _, j := range all {
		if j.TaskID == "" {
			continue
		}
		if got, err := dst.ByTaskID(j.TaskID); err != nil || got.ID != j.ID {
			t.Errorf("ByTaskID(%s) = %q, %v", j.TaskID, got.ID, err)
		}
	}
}

func TestImportOrdersByOwnCreatedAt(t *testing.T) {
	s := openTestStore(t)
	recent := mustCreate(t, s, &Job{Prompt: "recent"})[0]
	input := strings.Join([]string{
		// An id that sorts after every generated one, but an old date.
		`{"id":"zzzz-old","created_at":"2021-05-01T10:00:00Z","status":"finished","prompt":"old with id"}`,
		// No id: one is made up; its date still orders it.
		`{"created_at":"2022-05-01T10:00:00+02:00","status":"failed","prompt":"old without id","task_id":"t-old"}`,
		`{"created_at":"2030-01-01T00:00:00Z","status":"finished","prompt":"future"}`,
	}, "\n")
	res, err := s.Import(strings.NewReader(input))
	if err != nil || res != (ImportResult{Added: 3}) {
		t.Fatalf("Import = %+v, %v", res, err)
	}
	got := mustList(t, s, Query{})
	var prompts []string
	for _, j := range got {
		prompts = append(prompts, j.Prompt)
	}
	if want := []string{"future", "recent", "old without id", "old with id"}; !slices.Equal(prompts, want) {
		t.Errorf("order = %q, want %q", prompts, want)
	}
	if got[1].ID != recent.ID || got[3].ID != "zzzz-old" {
		t.Errorf("ids = %v", ids(got))
	}
	if got[2].ID == "" || !got[2].CreatedAt.Equal(time.Date(2022, 5, 1, 8, 0, 0, 0, time.UTC)) || got[2].CreatedAt.Location() != time.UTC {
		t.Errorf("id-less record stored as %+v", got[2])
	}
	// Filters order imported jobs by their created_at too.
	if fin := mustList(t, s, Query{Statuses: []Status{StatusFinished}}); len(fin) != 2 || fin[0].Prompt != "future" || fin[1].ID != "zzzz-old" {
		t.Errorf("finished = %v", ids(fin))
	}
	if old := mustList(t, s, Query{CreatedBefore: time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)}); len(old) != 2 {
		t.Errorf("created before 2023 = %v, want the two old jobs", ids(old))
	}
	// Importing again adds nothing, id-less records included.
	res, err = s.Import(strings.NewReader(input))
	if err != nil || res != (ImportResult{Unchanged: 3}) {
		t.Errorf("second Import = %+v, %v; want 3 unchanged", res, err)
	}
	if n := len(mustList(t, s, Query{})); n != 4 {
		t.Errorf("store has %d jobs after importing twice, want 4", n)
	}
}

// importConflict is one case of TestImportConflicts: the records stored
// first, the file imported next, and what the store holds after.
type importConflict struct {
	name       string
	stored     []string
	input      []string
	want       ImportResult
	wantPrompt map[string]string // job id → prompt after the import
	wantCount  int
}

// importConflictCases builds the cases of TestImportConflicts.
func importConflictCases(t *testing.T) []importConflict {
	base := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	rec := func(id, task, status, prompt string, updated time.Duration) string {
		b, err := json.Marshal(Job{ID: id, TaskID: task, Status: Status(status), Prompt: prompt,
			CreatedAt: base, UpdatedAt: base.Add(updated)})
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	return []importConflict{
		{
			name:       "same task id, newer record wins and keeps the stored id",
			stored:     []string{rec("local1", "t1", "running", "stored", time.Minute)},
			input:      []string{rec("other-id", "t1", "finished", "newer", 2*time.Minute)},
			want:       ImportResult{Updated: 1},
			wantPrompt: map[string]string{"local1": "newer"},
			wantCount:  1,
		},
		{
			name:       "same task id, older record loses",
			stored:     []string{rec("local1", "t1", "finished", "stored", 2*time.Minute)},
			input:      []string{rec("local1", "t1", "running", "older", time.Minute)},
			want:       ImportResult{Unchanged: 1},
			wantPrompt: map[string]string{"local1": "stored"},
			wantCount:  1,
		},
		{
			name:       "no task id, matched by id",
			stored:     []string{rec("local1", "", "submitting", "stored", 0)},
			input:      []string{rec("local1", "", "rejected", "newer", time.Minute)},
			want:       ImportResult{Updated: 1},
			wantPrompt: map[string]string{"local1": "newer"},
			wantCount:  1,
		},
		{
			name:       "a record without task id never replaces one with",
			stored:     []string{rec("local1", "t1", "running", "stored", 0)},
			input:      []string{rec("local1", "", "unconfirmed", "newer but lost its task", time.Hour)},
			want:       ImportResult{Unchanged: 1},
			wantPrompt: map[string]string{"local1": "stored"},
			wantCount:  1,
		},
		{
			name:       "same id, different task ids: both kept",
			stored:     []string{rec("local1", "t1", "running", "stored", 0)},
			input:      []string{rec("local1", "t2", "running", "another job", 0)},
			want:       ImportResult{Added: 1},
			wantPrompt: map[string]string{"local1": "stored"},
			wantCount:  2,
		},
		{
			name:   "duplicates inside one file",
			stored: nil,
			input: []string{
				rec("a", "t1", "running", "first", time.Minute),
				rec("b", "t1", "finished", "second, newer", 2*time.Minute),
				rec("c", "t1", "running", "third, older", 0),
			},
			want:       ImportResult{Added: 1, Updated: 1, Unchanged: 1},
			wantPrompt: map[string]string{"a": "second, newer"},
			wantCount:  1,
		},
	}
}

func TestImportConflicts(t *testing.T) {
	for _, tt := range importConflictCases(t) {
		t.Run(tt.name, func(t *testing.T) {
			s := openTestStore(t)
			if len(tt.stored) > 0 {
				if _, err := s.Import(strings.NewReader(strings.Join(tt.stored, "\n"))); err != nil {
					t.Fatal(err)
				}
			}
			res, err := s.Import(strings.NewReader(strings.Join(tt.input, "\n") + "\n"))
			if err != nil {
				t.Fatal(err)
			}
			if res != tt.want {
				t.Errorf("Import = %+v, want %+v", res, tt.want)
			}
			checkAfterImport(t, s, tt.wantPrompt, tt.wantCount)
			checkWordIndex(t, s)
			checkSearches(t, s, "stored", "newer", "older", "another", "first", "second", "third", "t1", "t2", "local1", "other")
			// The same lines again find the jobs they made or lost to.
			res, err = s.Import(strings.NewReader(strings.Join(tt.input, "\n") + "\n"))
			if want := (ImportResult{Unchanged: len(tt.input)}); err != nil || res != want {
				t.Errorf("importing again = %+v, %v; want %+v", res, err, want)
			}
			checkAfterImport(t, s, tt.wantPrompt, tt.wantCount)
		})
	}
}

// checkAfterImport checks the prompts and count of s after an import, and that
// index entries follow the winner: each job is listed under its own status
// and under no other.
func checkAfterImport(t *testing.T, s *Store, wantPrompt map[string]string, wantCount int) {
	t.Helper()
	for id, prompt := range wantPrompt {
		if j, err := s.Get(id); err != nil || j.Prompt != prompt {
			t.Errorf("job %s: prompt %q, %v; want %q", id, j.Prompt, err, prompt)
		}
	}
	all := mustList(t, s, Query{})
	if len(all) != wantCount {
		t.Errorf("store has %v, want %d jobs", ids(all), wantCount)
	}
	if st, _ := s.Stamp(); st.Count != wantCount {
		t.Errorf("Stamp().Count = %d, want %d", st.Count, wantCount)
	}
	listed := 0
	for _, st := range allStatuses {
		for _, j := range mustList(t, s, Query{Statuses: []Status{st}}) {
			listed++
			if j.Status != st {
				t.Errorf("job %s (%s) listed under %s", j.ID, j.Status, st)
			}
		}
	}
	if listed != len(all) {
		t.Errorf("status index lists %d jobs, want %d", listed, len(all))
	}
}

func TestImportRejectsBadLinesAndWritesNothing(t *testing.T) {
	good := `{"id":"g1","created_at":"2025-01-01T00:00:00Z","status":"finished"}`
	tests := []struct {
		name     string
		lines    []string
		wantLine int
		wantText string
	}{
		{"invalid JSON", []string{good, `{"id":"x",`}, 2, "line 2"},
		{"unknown status", []string{good, "", `{"id":"x","created_at":"2025-01-01T00:00:00Z","status":"queued"}`}, 3, `"queued"`},
		{"missing status", []string{`{"id":"x","created_at":"2025-01-01T00:00:00Z"}`}, 1, "status"},
		{"bad time", []string{good, good, good, `{"id":"x","created_at":"yesterday","status":"finished"}`}, 4, "line 4"},
		{"missing created_at", []string{good, `{"id":"x","status":"finished"}`}, 2, "created_at"},
		{"bad id", []string{good, `{"id":"a b","created_at":"2025-01-01T00:00:00Z","status":"finished"}`}, 2, "id"},
		{"bad line after many good ones", append(slices.Repeat([]string{good}, 25000), "nope"), 25001, "line 25001"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := openTestStore(t)
			existing := mustCreate(t, s, &Job{Prompt: "already here"})[0]
			before, _ := s.Stamp()
			res, err := s.Import(strings.NewReader(strings.Join(tt.lines, "\n")))
			var lerr *LineError
			if !errors.As(err, &lerr) || lerr.Line != tt.wantLine || !errors.Is(err, ErrInvalid) {
				t.Fatalf("Import = %+v, %v; want a LineError for line %d wrapping ErrInvalid", res, err, tt.wantLine)
			}
			if !strings.Contains(err.Error(), fmt.Sprintf("line %d", tt.wantLine)) || !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("message %q should mention line %d and %q", err, tt.wantLine, tt.wantText)
			}
			if after, _ := s.Stamp(); after != before {
				t.Errorf("stamp moved from %+v to %+v: something was written", before, after)
			}
			if got := ids(mustList(t, s, Query{})); !slices.Equal(got, []string{existing.ID}) {
				t.Errorf("store holds %v after a failed import", got)
			}
		})
	}
}

func TestImportLargeFileInBatches(t *testing.T) {
	t.Parallel()
	const n = 2*testChunk + 17
	var buf bytes.Buffer
	writeJobLines(t, &buf, n)
	s := openTestStore(t)
	s.chunks.lines = testChunk
	before, _ := s.Stamp()
	res, err := s.Import(&buf)
	if err != nil || res != (ImportResult{Added: n}) {
		t.Fatalf("Import = %+v, %v", res, err)
	}
	st, _ := s.Stamp()
	// A transaction a chunk, then one for the chunks' words.
	if st.Count != n || st.Seq-before.Seq != 3+1 {
		t.Errorf("stamp %+v after import (before %+v); want count %d in 3+1 transactions", st, before, n)
	}
	page := mustList(t, s, Query{Limit: 3})
	if len(page) != 3 || page[0].Prompt != fmt.Sprintf("prompt %d", n-1) {
		t.Errorf("newest = %+v", page)
	}
}

// TestImportKeepsTheWordIndexAcrossChunks imports a file of more than one
// chunk into a history that holds older versions of its jobs: searches for
// the words of the old and the new prompts, and of ids, find what a full
// scan finds.
func TestImportKeepsTheWordIndexAcrossChunks(t *testing.T) {
	t.Parallel()
	const n = testChunk + 10
	var first, second bytes.Buffer
	writeJobLines(t, &first, n)
	for i, line := range strings.Split(strings.TrimSpace(first.String()), "\n") {
		var j Job
		if err := json.Unmarshal([]byte(line), &j); err != nil {
			t.Fatal(err)
		}
		j.UpdatedAt = j.UpdatedAt.Add(time.Hour)
		j.Prompt = fmt.Sprintf("renamed v%d", i)
		if i%2 == 0 {
			j.ID, j.TaskID = "", fmt.Sprintf("new-task-%d", i) // an id-less job of its own
		}
		b, _ := json.Marshal(j)
		second.Write(append(b, '\n'))
	}
	s := openTestStore(t)
	s.chunks.lines = testChunk
	for _, in := range []*bytes.Buffer{&first, &second} {
		if _, err := s.Import(in); err != nil {
			t.Fatal(err)
		}
	}
	if st, _ := s.Stamp(); st.Count != n+n/2 {
		t.Errorf("%d jobs stored, want %d", st.Count, n+n/2)
	}
	checkWordIndex(t, s)
	even, odd := n-4, n-3 // in the second chunk; even ones lost their ids
	checkSearches(t, s, fmt.Sprint(even), fmt.Sprintf("prompt %d", even), fmt.Sprintf("prompt %d", odd),
		fmt.Sprintf("v%d", odd), fmt.Sprintf("renamed v%d", even), fmt.Sprintf("new-task-%d", even),
		fmt.Sprintf("task-%07d", odd))
}

func TestPipeChunksStopsReadingWhenAWriteFails(t *testing.T) {
	t.Parallel()
	var in bytes.Buffer
	writeJobLines(t, &in, 5*testChunk)
	boom := errors.New("disk full")
	calls := 0
	err := pipeChunks(&in, nil, chunking{lines: testChunk, words: importBatchWords}, func(b *batch) error {
		calls++
		if b.before != (calls-1)*testChunk || len(b.recs) != testChunk || len(b.words.words) == 0 {
			t.Errorf("chunk %d: %d records after %d, %d words", calls, len(b.recs), b.before, len(b.words.words))
		}
		if calls == 2 {
			return boom
		}
		return nil
	})
	if !errors.Is(err, boom) || calls != 2 {
		t.Errorf("pipeChunks = %v after %d chunks; want the write's error after 2", err, calls)
	}
}

// checkWordIndex checks that the word index holds exactly the words of the
// stored jobs, common words aside (see wordDocs): none missing, none left
// over from a replaced version, every job's doc at its position, and no
// doc of a job that is gone.
func checkWordIndex(t *testing.T, s *Store) {
	t.Helper()
	var want, got []string
	err := s.view(func(tx *bolt.Tx) error {
		docOf, docs := tx.Bucket(bucketDocOf), tx.Bucket(bucketDocs)
		tails := tx.Bucket(bucketWordTails)
		err := tx.Bucket(bucketJobs).ForEach(func(k, v []byte) error {
			j, err := decodeJob(string(k), v)
			for _, w := range jobWords(&j) {
				if !isCommon(tails.Get([]byte(w))) {
					want = append(want, w+"\x00"+j.ID)
				}
			}
			if pos := docs.Get(docOf.Get(k)); !bytes.Equal(pos, position(j.CreatedAt, j.ID)) {
				t.Errorf("job %s: doc %x at position %q", k, docOf.Get(k), pos)
			}
			return err
		})
		if err != nil {
			return err
		}
		if n, m := docOf.Stats().KeyN, docs.Stats().KeyN; n != len(jobIDs(t, tx)) || m != n {
			t.Errorf("%d ids with docs, %d docs, want one each per job", n, m)
		}
		err = tx.Bucket(bucketWordBlocks).ForEach(func(k, _ []byte) error {
			if word := k[:bytes.IndexByte(k, sep)]; tx.Bucket(bucketWordTails).Get(word) == nil {
				t.Errorf("%q has sealed blocks and no tail", word)
			}
			return nil
		})
		if err != nil {
			return err
		}
		return tx.Bucket(bucketWordTails).ForEach(func(k, _ []byte) error {
			for _, d := range wordDocs(t, wordIndexOf(tx), string(k)) {
				got = append(got, string(k)+"\x00"+idFromPosition(docs.Get(u64(d))))
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("word index has %d postings, want %d; first difference near %q", len(got), len(want), firstDiff(got, want))
	}
}

func jobIDs(t *testing.T, tx *bolt.Tx) []string {
	t.Helper()
	var ids []string
	if err := tx.Bucket(bucketJobs).ForEach(func(k, _ []byte) error { ids = append(ids, string(k)); return nil }); err != nil {
		t.Fatal(err)
	}
	return ids
}

func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return a[i] + " / " + b[i]
		}
	}
	return "the end"
}

// TestImportSplitsChunksOfManyWords imports records of long prompts, more
// words in one chunk than a transaction may index: the chunk is written
// in two transactions, and every word is indexed.
func TestImportSplitsChunksOfManyWords(t *testing.T) {
	t.Parallel()
	const words, batchWords = 500, 100_000
	const n = batchWords/words + 1 // over batchWords in all
	var in bytes.Buffer
	for i := range n {
		var p strings.Builder
		fmt.Fprintf(&p, "r%d ", i)
		for k := range words - 1 {
			fmt.Fprintf(&p, "w%d ", (i+k)%(2*words))
		}
		created := testEpoch.Add(time.Duration(i) * time.Second)
		b, err := json.Marshal(Job{ID: fmt.Sprintf("j%d", i), Status: StatusFinished, Prompt: p.String(), CreatedAt: created})
		if err != nil {
			t.Fatal(err)
		}
		in.Write(append(b, '\n'))
	}
	s := openTestStore(t)
	s.chunks.words = batchWords
	before, _ := s.Stamp()
	if res, err := s.Import(&in); err != nil || res.Added != n {
		t.Fatalf("Import = %+v, %v", res, err)
	}
	if st, _ := s.Stamp(); st.Seq-before.Seq != 2+1 || st.Count != n {
		t.Errorf("stamp %+v after import (before %+v); want %d jobs in 2+1 transactions (the last for the words)", st, before, n)
	}
	checkWordIndex(t, s)
	checkSearches(t, s, fmt.Sprintf("r%d w%d", n-1, n%(2*words)), "r0 w0", "r100")
}

func TestSplitByWords(t *testing.T) {
	recs := func(words ...int) []*importRecord {
		var rs []*importRecord
		for _, n := range words {
			rs = append(rs, &importRecord{words: make([]string, n)})
		}
		return rs
	}
	tests := []struct {
		name  string
		words []int
		want  []int // records per part
	}{
		{"all in one", []int{3, 3, 3}, []int{3}},
		{"cut where the next would pass the bound", []int{4, 4, 4, 1}, []int{2, 2}},
		{"a record over the bound alone", []int{2, 20, 2}, []int{1, 1, 1}},
		{"none", nil, []int{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []int
			for _, part := range splitByWords(recs(tt.words...), 10) {
				got = append(got, len(part))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("parts of %v = %v, want %v", tt.words, got, tt.want)
			}
		})
	}
}
