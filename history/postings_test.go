package history

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// TestPostingsFollowTheirChanges applies batches of changes to the
// postings of a few words, in and out of order, and checks each word's
// blocks hold exactly the docs a plain set holds, none over the size cap,
// each keyed by its first doc. With a common limit low enough for the
// batches to cross it, a word may instead be common: only once it has had
// more docs than the limit, and for good.
func TestPostingsFollowTheirChanges(t *testing.T) {
	for _, limit := range []int{1 << 30, 3500, 2500, 1000} {
		t.Run(fmt.Sprintf("common past %d", limit), func(t *testing.T) {
			t.Parallel()
			followPostings(t, limit)
		})
	}
}

func followPostings(t *testing.T, limit int) {
	db, err := bolt.Open(filepath.Join(t.TempDir(), "p.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r := rand.New(rand.NewPCG(1, 2))
	words := []string{"kite", "kites", "k", "zeppelin"}
	want := map[string][]uint64{}
	most := map[string]int{}      // the most docs each word has had
	common := map[string]string{} // the batch each word became common in
	for _, bt := range postingBatches() {
		err := db.Update(func(tx *bolt.Tx) error {
			ix, err := newWordIndex(tx, limit)
			if err != nil {
				return err
			}
			for _, w := range words {
				ops := bt.ops(r, want[w])
				slices.SortStableFunc(ops, func(a, b docOp) int { return cmp.Compare(a.doc, b.doc) })
				if err := ix.apply(w, ops); err != nil {
					return err
				}
				want[w] = applyModel(want[w], ops)
				most[w] = max(most[w], len(want[w]))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		err = db.View(func(tx *bolt.Tx) error {
			ix := wordIndexOf(tx)
			for _, w := range words {
				got := wordDocs(t, ix, w)
				switch isNow := isCommon(ix.tails.Get([]byte(w))); {
				case isNow:
					if most[w] <= limit {
						t.Errorf("%s: %q is common after at most %d docs, limit %d", bt.name, w, most[w], limit)
					}
					if common[w] == "" {
						common[w] = bt.name
					}
				case common[w] != "":
					t.Errorf("%s: %q is no longer common (since %s)", bt.name, w, common[w])
				case !slices.Equal(got, want[w]):
					t.Errorf("%s: %q has %d docs, want %d", bt.name, w, len(got), len(want[w]))
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if became := len(common); (limit < 3000) != (became > 0) {
		t.Errorf("%d words became common with limit %d; the batches give each 3,000 docs", became, limit)
	}
}

// TestCommonWordsDropTheirLists adds docs to a word until a block is
// sealed past the common limit: from then on the word has no blocks, its
// tail is commonTail whatever is added or removed, and a prefix that
// covers it is too common for the index, while other words keep exact
// lists.
func TestCommonWordsDropTheirLists(t *testing.T) {
	t.Parallel()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "p.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const limit = 1500 // a block holds about 1,000 docs one apart
	var doc uint64
	var rare []uint64
	step := func(n int, check func(ix wordIndex) error) {
		t.Helper()
		err := db.Update(func(tx *bolt.Tx) error {
			ix, err := newWordIndex(tx, limit)
			if err != nil {
				return err
			}
			var ops []docOp
			for range n {
				doc++
				ops = append(ops, docOp{doc: doc})
			}
			if err := ix.apply("lantern", ops); err != nil {
				return err
			}
			rare = append(rare, doc)
			if err := ix.apply("lanterns", []docOp{{doc: doc}}); err != nil {
				return err
			}
			return check(ix)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	listed := func(want int) func(wordIndex) error {
		return func(ix wordIndex) error {
			if got := wordDocs(t, ix, "lantern"); len(got) != want || isCommon(ix.tails.Get([]byte("lantern"))) {
				return fmt.Errorf("lantern lists %d docs, want %d", len(got), want)
			}
			return nil
		}
	}
	common := func(ix wordIndex) error {
		if tv := ix.tails.Get([]byte("lantern")); !isCommon(tv) {
			return fmt.Errorf("lantern's tail is %d bytes, want the common tail", len(tv))
		}
		if n := ix.sealedDocs("lantern"); n != 0 {
			return fmt.Errorf("common lantern keeps %d docs in sealed blocks", n)
		}
		if docs, ok := ix.prefixDocs([]byte("lant"), 1<<30); ok {
			return fmt.Errorf("prefix lant gives %d docs; want too common", len(docs))
		}
		if docs, ok := ix.prefixDocs([]byte("lanterns"), 1<<30); !ok || !slices.Equal(docs, rare) {
			return fmt.Errorf("lanterns gives %v (%v), want %v", docs, ok, rare)
		}
		return nil
	}
	step(1200, listed(1200)) // one block sealed, under the limit
	step(250, listed(1450))  // at the limit, no block sealed
	step(250, listed(1700))  // past it, still no block sealed
	step(500, common)        // a block sealed past it
	step(3000, common)       // more docs change nothing
	err = db.Update(func(tx *bolt.Tx) error {
		ix := wordIndexOf(tx)
		if err := ix.apply("lantern", []docOp{{doc: 1, del: true}, {doc: 2, del: true}}); err != nil {
			return err
		}
		return common(ix)
	})
	if err != nil {
		t.Error(err)
	}
}

func TestCommonWordsAreSearchedByWalkingTheJobs(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	var js []*Job
	for i := range rareKeys + 100 {
		j := job(std, fmt.Sprintf("common scene %d", i%7), StatusRunning)
		j.CreatedAt = testEpoch.Add(time.Duration(i) * time.Second)
		js = append(js, j)
	}
	mustCreate(t, s, js...)
	err := s.view(func(tx *bolt.Tx) error {
		if _, ok := wordPlan(tx, "common scene"); ok {
			return errors.New("the index answers a text of common words; want the walk")
		}
		if _, ok := wordPlan(tx, "common 3"); !ok {
			return errors.New("the walk answers a text with a rare word; want the index")
		}
		return nil
	})
	if err != nil {
		t.Error(err)
	}
	checkSearches(t, s, "common scene 3", "scene", "common 3", "cene")
	// Words in more jobs than a search reads keep no lists.
	commonTails := func() {
		t.Helper()
		err := s.view(func(tx *bolt.Tx) error {
			ix := wordIndexOf(tx)
			for _, w := range []string{"common", "scene"} {
				if tv := ix.tails.Get([]byte(w)); !isCommon(tv) {
					return fmt.Errorf("%q has a tail of %d bytes, want the common tail", w, len(tv))
				}
			}
			return nil
		})
		if err != nil {
			t.Error(err)
		}
	}
	commonTails()
	checkWordIndex(t, s)
	// Deleting most of their jobs leaves them common, and searches right.
	var gone []string
	for _, j := range js[:rareKeys] {
		gone = append(gone, j.ID)
	}
	if n, err := s.Delete(gone...); err != nil || n != len(gone) {
		t.Fatalf("Delete = %d, %v; want %d", n, err, len(gone))
	}
	commonTails()
	checkWordIndex(t, s)
	checkSearches(t, s, "common scene 3", "scene", "common 3", "cene")
}

// newWordIndex makes the word index's buckets in tx, if missing, and
// returns the index with words common past limit docs.
func newWordIndex(tx *bolt.Tx, limit int) (wordIndex, error) {
	for _, name := range [][]byte{bucketWordBlocks, bucketWordTails} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return wordIndex{}, err
		}
	}
	ix := wordIndexOf(tx)
	ix.common = limit
	return ix, nil
}

// applyModel is postings on a plain sorted set.
func applyModel(have []uint64, ops []docOp) []uint64 {
	set := map[uint64]bool{}
	for _, d := range have {
		set[d] = true
	}
	for _, op := range ops {
		set[op.doc] = !op.del
	}
	var out []uint64
	for d, in := range set {
		if in {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return out
}

// wordDocs decodes word's sealed blocks and tail, checking each block's
// key and size, their order, and that a word with sealed blocks has a
// tail. A common word has no docs, and must have no blocks.
func wordDocs(t *testing.T, ix wordIndex, word string) []uint64 {
	t.Helper()
	prefix := []byte(word + "\x00")
	var docs []uint64
	c := ix.blocks.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		first, ok := blockDoc(k, len(prefix))
		if !ok {
			t.Fatalf("block key %q is not word, separator, doc", k)
		}
		docs = appendBlockDocs(t, word, docs, first, v)
	}
	tv := ix.tails.Get([]byte(word))
	if tv == nil || isCommon(tv) {
		if len(docs) > 0 {
			t.Errorf("%q has sealed blocks and no tail (common: %v)", word, tv != nil)
		}
		return nil
	}
	if len(tv) < 8 {
		t.Fatalf("%q: tail of %d bytes", word, len(tv))
	}
	return appendBlockDocs(t, word, docs, binary.BigEndian.Uint64(tv), tv[8:])
}

func appendBlockDocs(t *testing.T, word string, docs []uint64, first uint64, v []byte) []uint64 {
	t.Helper()
	block := decodeBlock(nil, first, v)
	if len(docs) > 0 && block[0] <= docs[len(docs)-1] {
		t.Errorf("%q: block at %d overlaps the one before it", word, first)
	}
	if len(v) > maxBlockBytes+10 {
		t.Errorf("%q: block at %d holds %d bytes, over the cap", word, first, len(v))
	}
	return append(docs, block...)
}

// postingBatch is one step of TestPostingsFollowTheirChanges: the changes
// it makes to a word that has the docs have.
type postingBatch struct {
	name string
	ops  func(r *rand.Rand, have []uint64) []docOp
}

func postingBatches() []postingBatch {
	return []postingBatch{
		{"appends, many blocks", func(r *rand.Rand, have []uint64) []docOp {
			var ops []docOp
			next := uint64(1)
			if len(have) > 0 {
				next = have[len(have)-1] + 1
			}
			for range 3000 {
				next += 1 + uint64(r.IntN(300))
				ops = append(ops, docOp{doc: next})
			}
			return ops
		}},
		{"removes, first docs of blocks among them", func(r *rand.Rand, have []uint64) []docOp {
			var ops []docOp
			for i, d := range have {
				if i%3 == 0 || r.IntN(4) == 0 {
					ops = append(ops, docOp{doc: d, del: true})
				}
			}
			return ops
		}},
		{"adds below and between, some twice, some then removed", func(r *rand.Rand, have []uint64) []docOp {
			ops := []docOp{{doc: 0}}
			for range 2000 {
				d := uint64(r.IntN(1_000_000))
				ops = append(ops, docOp{doc: d}, docOp{doc: d, del: r.IntN(3) == 0})
			}
			return ops
		}},
		{"removes every doc", func(_ *rand.Rand, have []uint64) []docOp {
			var ops []docOp
			for _, d := range have {
				ops = append(ops, docOp{doc: d, del: true})
			}
			return ops
		}},
	}
}

// TestSealedBlocksFollowDeletes stores enough jobs with one word to seal
// several of its blocks, then deletes from the middle, the whole tail and
// finally every job, searching after each step: the index stays exact,
// an emptied tail takes back the last sealed block, and nothing is left.
func TestSealedBlocksFollowDeletes(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	var js []*Job
	for i := range 3000 {
		js = append(js, job(std, fmt.Sprintf("lantern %d", i%7), StatusFinished))
	}
	mustCreate(t, s, js...)
	blocks := func() int {
		n := 0
		err := s.view(func(tx *bolt.Tx) error {
			n = tx.Bucket(bucketWordBlocks).Stats().KeyN
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := blocks(); n < 2 {
		t.Fatalf("%d sealed blocks after 3,000 jobs with one word, want several", n)
	}
	steps := []struct {
		name string
		del  []*Job
	}{
		{"every third of the oldest thousand", func() []*Job {
			var out []*Job
			for i := 0; i < 1000; i += 3 {
				out = append(out, js[i])
			}
			return out
		}()},
		{"the newest thousand: the whole tail and more", js[2000:]},
		{"the rest", js},
	}
	for _, st := range steps {
		if _, err := s.Delete(ptrIDs(st.del)...); err != nil {
			t.Fatal(err)
		}
		checkWordIndex(t, s)
		checkSearches(t, s, "lantern", "lantern 3", "6")
	}
	if n := blocks(); n != 0 {
		t.Errorf("%d sealed blocks left with no jobs", n)
	}
}
