package history

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode"

	bolt "go.etcd.io/bbolt"
)

func TestContainsAtWordStart(t *testing.T) {
	tests := []struct {
		s, sub string
		want   bool
	}{
		{"a red fox", "red", true},
		{"a red fox", "ed", false},
		{"a red foxglove", "red fox", true},
		{"concatenate cats", "cat", true},
		{"concatenate", "cat", false},
		{"take #12", "#1", true},
		{"bold <b>tag</b>", "<b>tag", true},
		{"task-017", "017", true},
		{"東京の夜", "京", true},
		{"naïve café", "café", true},
		{"x", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.s+"/"+tt.sub, func(t *testing.T) {
			if got := containsAtWordStart(tt.s, tt.sub); got != tt.want {
				t.Errorf("containsAtWordStart(%q, %q) = %v, want %v", tt.s, tt.sub, got, tt.want)
			}
		})
	}
}

// bruteSearch is what a search must return: every stored job that
// matches, newest first, found without the index.
func bruteSearch(t *testing.T, s *Store, text string) []string {
	t.Helper()
	all := mustList(t, s, Query{})
	var out []string
	for _, j := range all {
		if matches(&j, strings.ToLower(text)) {
			out = append(out, j.ID)
		}
	}
	return out
}

func checkSearches(t *testing.T, s *Store, texts ...string) {
	t.Helper()
	for _, text := range texts {
		got := ids(mustList(t, s, Query{Search: text}))
		if want := bruteSearch(t, s, text); !slices.Equal(got, want) {
			t.Errorf("search %q\n got %v\nwant %v", text, got, want)
		}
	}
}

func TestSearchIndexFollowsEveryWrite(t *testing.T) {
	s := openTestStore(t)
	js := mustCreate(t, s,
		job(std, "Kites over the dunes", StatusRunning),
		job(pro, "a kitten asleep", StatusFinished),
		job(std, "skittles rain", StatusFailed),
		job(std, "東京の夜 neon", StatusRunning))
	texts := []string{"kit", "KITES over", "ski", "dunes", "京", "neon", "zzz", js[1].ID[:6]}
	steps := []struct {
		name string
		do   func(t *testing.T)
	}{
		{"created", func(*testing.T) {}},
		{"prompt changed", func(t *testing.T) {
			if _, err := s.Update(js[0].ID, func(j *Job) error { j.Prompt = "paper boats"; return nil }); err != nil {
				t.Fatal(err)
			}
			checkSearches(t, s, "paper", "kites")
		}},
		{"task id set", func(t *testing.T) {
			if _, err := s.Update(js[2].ID, func(j *Job) error { j.TaskID = "task-unified-777"; return nil }); err != nil {
				t.Fatal(err)
			}
			checkSearches(t, s, "777", "unified", "task-unified")
		}},
		{"deleted", func(t *testing.T) {
			if _, err := s.Delete(js[1].ID); err != nil {
				t.Fatal(err)
			}
		}},
		{"imported", func(t *testing.T) {
			in := `{"task_id":"task-imp-1","status":"finished","model":"sora-2-official","prompt":"Kites at dusk","created_at":"2025-01-01T00:00:00Z"}` + "\n"
			if _, err := s.Import(strings.NewReader(in)); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			st.do(t)
			checkSearches(t, s, texts...)
			checkWordIndex(t, s)
		})
	}
	if got := mustList(t, s, Query{Search: "kit", Statuses: []Status{StatusFinished}}); len(got) != 1 || got[0].Prompt != "Kites at dusk" {
		t.Errorf("search with status = %+v, want the imported job alone", got)
	}
}

func TestOpenBuildsTheWordIndexOfAnOldFile(t *testing.T) {
	// oldIndex puts one key of an old word index in a new bucket.
	oldIndex := func(tx *bolt.Tx, bucket []byte, key string) error {
		b, err := tx.CreateBucket(bucket)
		if err != nil {
			return err
		}
		return b.Put([]byte(key), []byte{})
	}
	olds := []struct {
		name string
		drop [][]byte                // buckets the old schema does not have
		make func(tx *bolt.Tx) error // then turns the file into an old one
	}{
		{"schema 1: no word index", [][]byte{bucketDocs, bucketDocOf}, func(tx *bolt.Tx) error {
			return tx.Bucket(bucketMeta).Put(keySchema, u64(1))
		}},
		{"schema 2: a key per word and job, a migration to 2 cut short", [][]byte{bucketDocs, bucketDocOf}, func(tx *bolt.Tx) error {
			if err := oldIndex(tx, oldWordBuckets[0], "lantern\x00"+string(position(testEpoch, "x"))); err != nil {
				return err
			}
			meta := tx.Bucket(bucketMeta)
			if err := meta.Put(keyNextV2, position(testEpoch.Add(time.Hour), "")); err != nil {
				return err
			}
			return meta.Put(keySchema, u64(2))
		}},
		{"schema 3: blocks and tails in one bucket", nil, func(tx *bolt.Tx) error {
			if err := oldIndex(tx, oldWordBuckets[1], string(blockKey(nil, "lantern", 1))); err != nil {
				return err
			}
			return tx.Bucket(bucketMeta).Put(keySchema, u64(3))
		}},
	}
	for _, old := range olds {
		t.Run(old.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "history.db")
			s := openTestStoreAt(t, path, Options{})
			for i := range 3 {
				var group []*Job
				for k := range 4 {
					group = append(group, job(std, fmt.Sprintf("lantern festival %d-%d", i, k), StatusFinished))
				}
				mustCreate(t, s, group...)
			}
			makeOld(t, path, append([][]byte{bucketWordBlocks, bucketWordTails}, old.drop...), old.make)
			var told []IndexWork
			s = openTestStoreAt(t, path, Options{Indexing: func(w IndexWork) { told = append(told, w) }})
			if want := []IndexWork{{false, 0, 12}, {false, 12, 12}}; !slices.Equal(told, want) {
				t.Errorf("Open told %+v of its work, want %+v", told, want)
			}
			checkSearches(t, s, "lantern", "festival 1", "2-3", "zzz")
			if got := len(mustList(t, s, Query{Search: "festival"})); got != 12 {
				t.Errorf("search after migration found %d jobs, want 12", got)
			}
			checkWordIndex(t, s)
			err := s.view(func(tx *bolt.Tx) error {
				meta := tx.Bucket(bucketMeta)
				if v := readU64(meta.Get(keySchema)); v != SchemaVersion {
					return fmt.Errorf("schema %d after migration, want %d", v, SchemaVersion)
				}
				if tx.Bucket(oldWordBuckets[0]) != nil || tx.Bucket(oldWordBuckets[1]) != nil ||
					meta.Get(keyNextV2) != nil || meta.Get(keyNext) != nil {
					return errors.New("the old index or a migration mark is left after migration")
				}
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
}

// TestOpenKeepsTheListsOfSchema4And5Files: files of schemas 4 and 5 (no
// bucket of changes made while an import indexes) have this version's
// lists; opening them only records the schema, and the index answers.
func TestOpenKeepsTheListsOfSchema4And5Files(t *testing.T) {
	t.Parallel()
	for _, schema := range []uint64{4, 5} {
		path := filepath.Join(t.TempDir(), "history.db")
		s := openTestStoreAt(t, path, Options{})
		for i := range 3 {
			mustCreate(t, s, job(std, fmt.Sprintf("lantern festival %d", i), StatusFinished))
		}
		makeOld(t, path, [][]byte{bucketTouched}, func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keySchema, u64(schema)) })
		s = openTestStoreAt(t, path, Options{Indexing: func(w IndexWork) { t.Errorf("schema %d: Open told of index work %+v", schema, w) }})
		err := s.view(func(tx *bolt.Tx) error {
			if v := readU64(tx.Bucket(bucketMeta).Get(keySchema)); v != SchemaVersion {
				return fmt.Errorf("schema %d after opening, want %d", v, SchemaVersion)
			}
			if _, ok := wordPlan(tx, "festival"); !ok {
				return errors.New("the index does not answer after opening")
			}
			return nil
		})
		if err != nil {
			t.Errorf("schema %d: %v", schema, err)
		}
		checkWordIndex(t, s)
		checkSearches(t, s, "lantern", "festival 1", "zzz")
		// The bucket it lacked is there: an import works.
		var in bytes.Buffer
		writeJobLines(t, &in, 20)
		if res, err := s.Import(&in); err != nil || res.Added != 20 {
			t.Errorf("schema %d: Import = %+v, %v", schema, res, err)
		}
		checkWordIndex(t, s)
	}
}

func TestLongListsSpanSeveralTransactions(t *testing.T) {
	s := openTestStore(t)
	var js []*Job
	for i := range 2*chunkJobs + 7 {
		j := job(std, fmt.Sprintf("frame %d", i), StatusFinished)
		j.CreatedAt = testEpoch.Add(time.Duration(i) * time.Second)
		js = append(js, j)
	}
	mustCreate(t, s, js...)
	want := newestFirst(js)
	before, _ := s.Stamp()
	got, stamp, err := s.ListStamped(Query{})
	if err != nil || !slices.Equal(ids(got), want) || stamp != before {
		t.Errorf("ListStamped: %d jobs, stamp %+v, %v; want %d jobs, stamp %+v", len(got), stamp, err, len(want), before)
	}
	var each []string
	if err := s.Each(context.Background(), Query{}, func(j Job) error { each = append(each, j.ID); return nil }); err != nil || !slices.Equal(each, want) {
		t.Errorf("Each: %d jobs, %v; want %d", len(each), err, len(want))
	}
	stop := errors.New("enough")
	n := 0
	err = s.Each(context.Background(), Query{}, func(Job) error {
		if n++; n == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 3 {
		t.Errorf("Each stopped by fn: %v after %d jobs, want its error after 3", err, n)
	}
	if err := s.Each(context.Background(), Query{Before: &Cursor{}}, func(Job) error { return nil }); !errors.Is(err, ErrInvalid) {
		t.Errorf("Each with Before = %v, want ErrInvalid", err)
	}
}

func TestCancelledSearchStops(t *testing.T) {
	s := openTestStore(t)
	mustCreate(t, s, job(std, "a kite", StatusRunning))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.ListContext(ctx, Query{Search: "kite"}); !errors.Is(err, context.Canceled) {
		t.Errorf("ListContext(cancelled) = %v, want context.Canceled", err)
	}
	if err := s.Each(ctx, Query{}, func(Job) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Each(cancelled) = %v, want context.Canceled", err)
	}
}

// scanHelper runs in a child process: it walks the whole history again
// and again until stdin closes, saying "scanning" once the first walk's
// first transaction is over, then prints how many
// walks it finished and in how many the file changed between their first
// transaction and a later one.
func scanHelper() int {
	s, err := Open(os.Getenv(helperDBEnv), Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 1
	}
	var closed atomic.Bool
	go func() {
		io.Copy(io.Discard, os.Stdin)
		closed.Store(true)
	}()
	walks, changed := 0, 0
	started := func() {
		if walks == 0 {
			fmt.Println("scanning")
		}
	}
	for ; !closed.Load(); walks++ {
		saw, err := walkSeesWrites(s, Query{Search: "frame"}, started)
		if err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			return 1
		}
		if saw {
			changed++
		}
	}
	fmt.Println(walks, changed)
	return 0
}

// walkSeesWrites runs the walk List runs for q, calling started after its
// first transaction, and reports whether the file changed between that
// transaction and a later one: whether another process wrote in the middle
// of the walk.
func walkSeesWrites(s *Store, q Query, started func()) (bool, error) {
	w, err := newWalk(q)
	if err != nil {
		return false, err
	}
	var first Stamp
	changed := false
	var out []Job
	p := pacer{since: time.Now()}
	for n := 0; !w.done; n++ {
		p.pause()
		err := s.view(func(tx *bolt.Tx) error {
			if st := stampOf(tx); n == 0 {
				first = st
			} else if st != first {
				changed = true
			}
			var err error
			out, err = w.step(context.Background(), tx, out[:0])
			return err
		})
		if err != nil {
			return false, err
		}
		if n == 0 {
			started()
		}
	}
	return changed, nil
}

// While another process walks the whole history again and again, writes
// get in: each waits within the usual lock timeout, and they commit in the
// middle of walks, between their transactions (a walk of 3,000 matches
// takes at least three, chunkJobs each), not only between whole walks.
func TestLongScanLetsAnotherProcessWrite(t *testing.T) {
	t.Parallel()
	const jobs, writes = 3_000, 10
	path := filepath.Join(t.TempDir(), "history.db")
	s := openTestStoreAt(t, path, Options{})
	fillFast(t, path, jobs)
	if testing.Short() {
		t.Skip("starts a process")
	}
	cmd, stdin, out := startHelper(t, "scan", helperDBEnv+"="+path)
	if line, err := out.ReadString('\n'); err != nil || line != "scanning\n" {
		t.Fatalf("helper said %q, %v", line, err)
	}
	for i := range writes {
		if err := s.Create(job(std, fmt.Sprintf("written during a scan %d", i), StatusSubmitting)); err != nil {
			t.Fatalf("write %d while another process scans: %v", i, err)
		}
	}
	stdin.Close()
	var walks, changed int
	if _, err := fmt.Fscan(out, &walks, &changed); err != nil {
		t.Fatalf("reading the helper's counts: %v", err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("helper: %v", err)
	}
	t.Logf("the helper finished %d whole walks meanwhile; %d saw a write", walks, changed)
	if changed == 0 {
		t.Error("no write committed in the middle of a walk: the walks hold the file from start to end")
	}
	if got := len(mustList(t, s, Query{Search: "written during"})); got != writes {
		t.Errorf("%d writes stored, want %d", got, writes)
	}
}

// fillFast stores n jobs "frame i …" with 2 KB prompts of few words, one
// second apart, in one transaction without syncing the file: a test's
// large history in a fraction of the time Create takes.
func fillFast(tb testing.TB, path string, n int) {
	tb.Helper()
	filler := strings.Repeat("slow dolly in at golden hour, ", 70)
	fillWith(tb, path, n, func(i int) string { return fmt.Sprintf("frame %d %s", i, filler) })
}

// fillWith stores n jobs with prompt(i), one second apart, in
// transactions of 20,000 jobs that do not sync the file.
func fillWith(tb testing.TB, path string, n int, prompt func(int) string) {
	tb.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{NoSync: true, InitialMmapSize: 64 << 20})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	const batch = 20_000
	for start := 0; start < n; start += batch {
		err = db.Update(func(tx *bolt.Tx) error {
			wtx := &writeTx{Tx: tx}
			end := min(start+batch, n)
			for i := start; i < end; i++ {
				at := testEpoch.Add(time.Duration(i) * time.Second)
				j := job([]string{std, pro}[i%2], prompt(i), allStatuses[i%len(allStatuses)])
				j.ID, j.CreatedAt, j.UpdatedAt = encodeID(at, uint64(i)), at, at
				j.StatusHistory = []StatusChange{{Status: j.Status, At: at}}
				j.normalize()
				if err := putJob(wtx, j, nil); err != nil {
					return err
				}
			}
			if err := wtx.applyWords(); err != nil {
				return err
			}
			return addCount(tx, end-start)
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

// TestSingleRuneWordScriptsStartAboveTheBound guards isSingleRuneWord's
// shortcut: no Han, Hiragana or Katakana character lies below U+2E80.
func TestSingleRuneWordScriptsStartAboveTheBound(t *testing.T) {
	for r := rune(0); r < 0x2e80; r++ {
		if unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana) {
			t.Fatalf("%U is a word of its own, below the bound", r)
		}
	}
	for _, r := range "東京の夜カ" {
		if !isSingleRuneWord(r) {
			t.Errorf("%q is not taken for a word of its own", r)
		}
	}
}

// TestSearchListsAJobOnceForSeveralMatchingWords searches a prefix that
// starts several words of one job: the job is listed once, newest first
// among the others.
func TestSearchListsAJobOnceForSeveralMatchingWords(t *testing.T) {
	s := openTestStore(t)
	mustCreate(t, s, job(std, "kite kitten kit", StatusRunning), job(std, "a kitchen", StatusRunning))
	for _, q := range []Query{{Search: "kit"}, {Search: "kit", Limit: 1}, {Search: "kitt"}} {
		checkSearches(t, s, q.Search)
		want := bruteSearch(t, s, q.Search)
		if q.Limit > 0 {
			want = want[:min(len(want), q.Limit)]
		}
		if got := ids(mustList(t, s, q)); !slices.Equal(got, want) {
			t.Errorf("List(%+v) = %v, want %v", q, got, want)
		}
	}
}

func TestSplitWords(t *testing.T) {
	long := strings.Repeat("é", 40) // 80 bytes: cut to 64 on a rune boundary
	cases := []struct {
		in   string
		want []string
	}{
		{"kites over dunes", []string{"kites", "over", "dunes"}},
		{"a red-fox, 2x (take 12)", []string{"a", "red", "fox", "2x", "take", "12"}},
		{"café crème—naïve", []string{"café", "crème", "naïve"}},
		{"东京tower at 夜", []string{"东", "京", "tower", "at", "夜"}},
		{"  #!? ", nil},
		{long + " end", []string{strings.Repeat("é", 32), "end"}},
	}
	for _, c := range cases {
		var got []string
		splitWords(c.in, func(w string) { got = append(got, w) })
		if !slices.Equal(got, c.want) {
			t.Errorf("splitWords(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestSearchPagesThroughTheIndex pages a search the word index answers,
// older with After and back with Before, filters included: the pages put
// together are the whole search, in order, each job once.
func TestSearchPagesThroughTheIndex(t *testing.T) {
	s := openTestStore(t)
	var js []*Job
	for i := range 40 {
		prompt := fmt.Sprintf("harbour at dawn, take %d", i)
		if i%3 == 0 {
			prompt = fmt.Sprintf("a lantern festival, take %d", i)
		}
		js = append(js, job([]string{std, pro}[i%2], prompt, StatusFinished))
	}
	mustCreate(t, s, js...)
	for _, q := range []Query{{Search: "lantern"}, {Search: "lantern fest", Model: pro}} {
		all := ids(mustList(t, s, q))
		if want := 14; q.Model == "" && len(all) != want {
			t.Fatalf("search %q found %d jobs, want %d", q.Search, len(all), want)
		}
		var paged []string
		var pages [][]Job
		page := q
		page.Limit = 3
		for {
			got := mustList(t, s, page)
			if len(got) == 0 {
				break
			}
			if len(paged) > len(all) {
				t.Fatalf("%+v: paging does not end: %v", q, paged)
			}
			pages = append(pages, got)
			paged = append(paged, ids(got)...)
			c := got[len(got)-1].Cursor()
			page.After = &c
		}
		if !slices.Equal(paged, all) {
			t.Errorf("%+v: pages %v, want %v", q, paged, all)
		}
		// Back from the last page: Before its first job gives the page
		// before it.
		last := pages[len(pages)-1]
		c := last[0].Cursor()
		back := q
		back.Limit, back.Before = 3, &c
		if got, want := ids(mustList(t, s, back)), ids(pages[len(pages)-2]); !slices.Equal(got, want) {
			t.Errorf("%+v: the page before the last is %v, want %v", q, got, want)
		}
	}
}

// makeOld turns the file at path into one of an older schema: without
// the buckets drop, then changed by make.
func makeOld(t *testing.T, path string, drop [][]byte, make func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range drop {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
		return make(tx)
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
}
