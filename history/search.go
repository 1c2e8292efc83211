package history

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// The word index (postings.go) is written in the same transaction as the
// job (putJob, deleteIndexes), so it is always exact, but for the jobs an
// import has yet to index, which searches read besides (pending.go); files of an
// older schema get it from migrateWords.

// wordOps are a write transaction's changes to the word index, by word:
// applyWords then sorts only the distinct words, far fewer than the
// changes of a batch (an import), and each word's docs, mostly in order
// already.
type wordOps map[string][]docOp

func (tx *writeTx) addWord(word string, doc uint64, del bool) {
	if tx.words == nil {
		tx.words = wordOps{}
	}
	tx.words[word] = append(tx.words[word], docOp{doc: doc, del: del})
}

// putWords gives j a doc when it has none yet, keeps the doc's position
// current, adds the words of j (newWords, as jobWords gives them) to the
// index and removes those of old (the record j replaces, or nil) that j
// no longer has. It returns j's doc.
func putWords(tx *writeTx, j *Job, newWords []string, old *Job) (uint64, error) {
	pos := position(j.CreatedAt, j.ID)
	docOf, docs := tx.Bucket(bucketDocOf), tx.Bucket(bucketDocs)
	doc, known := docOfJob(docOf, j.ID)
	if !known {
		var err error
		if doc, err = docs.NextSequence(); err != nil {
			return 0, err
		}
		if err := docOf.Put([]byte(j.ID), u64(doc)); err != nil {
			return 0, err
		}
	}
	if known {
		if err := tx.touch(doc); err != nil {
			return 0, err
		}
	}
	if !known || !bytes.Equal(docs.Get(u64(doc)), pos) {
		if err := docs.Put(u64(doc), pos); err != nil {
			return 0, err
		}
	}
	var oldWords []string
	if old != nil && known {
		oldWords = jobWords(old)
	}
	has := func(ws []string, w string) bool {
		_, found := slices.BinarySearch(ws, w)
		return found
	}
	for _, w := range oldWords {
		if !has(newWords, w) {
			tx.addWord(w, doc, true)
		}
	}
	for _, w := range newWords {
		if !has(oldWords, w) {
			tx.addWord(w, doc, false)
		}
	}
	return doc, nil
}

// docOfJob is the doc of the job with this id in bucket doc_of; ok is
// false when it has none yet.
func docOfJob(docOf *bolt.Bucket, id string) (doc uint64, ok bool) {
	v := docOf.Get([]byte(id))
	if len(v) != 8 {
		return 0, false
	}
	return binary.BigEndian.Uint64(v), true
}

// deleteWords removes the words of j, and its doc, from the index.
func deleteWords(tx *writeTx, j *Job) error {
	docOf := tx.Bucket(bucketDocOf)
	doc, ok := docOfJob(docOf, j.ID)
	if !ok {
		return nil // never indexed: a file still being migrated
	}
	if err := tx.touch(doc); err != nil {
		return err
	}
	for _, w := range jobWords(j) {
		tx.addWord(w, doc, true)
	}
	if err := tx.Bucket(bucketDocs).Delete(u64(doc)); err != nil {
		return err
	}
	return docOf.Delete([]byte(j.ID))
}

// applyWords writes the collected word changes, word by word in key
// order; changes to one doc keep their order, so the last one wins.
func (tx *writeTx) applyWords() error {
	words := make([]string, 0, len(tx.words))
	for w := range tx.words {
		words = append(words, w)
	}
	slices.Sort(words)
	ix := wordIndexOf(tx)
	for _, w := range words {
		ops := tx.words[w]
		sortOps(ops)
		if err := ix.apply(w, ops); err != nil {
			return err
		}
	}
	tx.words = nil
	return nil
}

// rareKeys is how many jobs a word of the search text may start a word of
// for the index to answer the search; a text made only of common words
// (every job has "a") is answered faster by walking the jobs, whose
// matches are dense.
const rareKeys = 4096

// wordPlan returns the positions of the jobs that may match a search, in
// ascending order: those with a word that starts with the search text's
// rarest word, and any an import has yet to index. ok is false when the
// index cannot answer (no words in the text, an index still being built,
// more than rareKeys jobs an import has yet to index, or only common
// words).
func wordPlan(tx *bolt.Tx, lower string) (poss [][]byte, ok bool) {
	meta := tx.Bucket(bucketMeta)
	if readU64(meta.Get(keySchema)) < SchemaVersion {
		return nil, false
	}
	// The jobs an import has yet to index (pending.go) are all candidates,
	// when they are few enough to read.
	m, pending := readPending(meta)
	var unindexed []uint64
	if pending {
		var few bool
		if unindexed, few = pendingDocs(tx, m.first, rareKeys); !few {
			return nil, false
		}
	}
	ix := wordIndexOf(tx)
	var best []uint64
	for _, qw := range queryWords(lower) {
		limit := rareKeys
		if ok {
			limit = len(best)
		}
		if docs, found := ix.prefixDocs([]byte(qw), limit); found && (!ok || len(docs) < len(best)) {
			best, ok = docs, true
		}
	}
	if !ok {
		return nil, false
	}
	if pending {
		best = append(slices.DeleteFunc(best, func(d uint64) bool { return d >= m.first }), unindexed...)
	}
	docs := tx.Bucket(bucketDocs)
	for _, d := range best {
		if pos := docs.Get(u64(d)); pos != nil {
			poss = append(poss, bytes.Clone(pos)) // outlives tx as the walk's bound
		}
	}
	slices.SortFunc(poss, bytes.Compare)
	return poss, true
}

// keyNext is where migrateWords continues: the position after the last
// job it indexed. keyNextV2 is where a migration to schema 2 stopped;
// older schemas than listsSchema index every job again.
var (
	keyNext   = []byte("word_index_next")
	keyNextV2 = []byte("words_next")
)

// listsSchema is the oldest schema whose word index this version reads
// as it is (4: posting lists, with their tails apart).
const listsSchema = 4

// migrateBatch is how many jobs one migration transaction indexes, so that
// other processes get the file in between.
const migrateBatch = 5000

// migrateWords builds the word index of a file of an older schema in
// batches, resuming where an interrupted migration stopped, and then drops
// the indexes of older schemas (oldWordBuckets) and records the current
// schema version. Jobs written meanwhile by this version index
// themselves; adding a doc to a word twice is harmless.
func (s *Store) migrateWords() error {
	progress := func(int) {}
	if s.indexing != nil {
		total := 0
		if err := s.view(func(tx *bolt.Tx) error { total = migrationJobs(tx); return nil }); err != nil {
			return err
		}
		progress = s.indexProgress(false, total)
	}
	for done := false; !done; {
		n := 0
		err := s.update(func(tx *writeTx) error {
			meta := tx.Bucket(bucketMeta)
			switch readU64(meta.Get(keySchema)) {
			case SchemaVersion:
				done = true
				return nil
			case listsSchema, 5:
				// Its lists are this version's: words become common as
				// they grow, and no import has left words to index.
				done = true
				return meta.Put(keySchema, u64(SchemaVersion))
			}
			lo := bytes.Clone(meta.Get(keyNext))
			var last []byte
			jobs := tx.Bucket(bucketJobs)
			it := newIndexIter(tx.Bucket(bucketCreated), nil, lo, nil, false)
			n = 0
			for ; it.pos != nil && n < migrateBatch; it.next() {
				id := idFromPosition(it.pos)
				j, err := decodeJob(id, jobs.Get([]byte(id)))
				if err != nil {
					return err
				}
				if _, err := putWords(tx, &j, jobWords(&j), nil); err != nil {
					return err
				}
				last = append(last[:0], it.pos...)
				n++
			}
			if it.pos != nil {
				return meta.Put(keyNext, last)
			}
			done = true
			for _, k := range [][]byte{keyNext, keyNextV2} {
				if err := meta.Delete(k); err != nil {
					return err
				}
			}
			for _, name := range oldWordBuckets {
				if tx.Bucket(name) != nil {
					if err := tx.DeleteBucket(name); err != nil {
						return err
					}
				}
			}
			return meta.Put(keySchema, u64(SchemaVersion))
		})
		if err != nil {
			return fmt.Errorf("building the search index of %s: %w", s.path, err)
		}
		progress(n)
	}
	return nil
}

// migrationJobs is how many jobs migrateWords has yet to index: none when
// the file's lists are this version's, else those from where an earlier
// migration stopped on.
func migrationJobs(tx *bolt.Tx) int {
	meta := tx.Bucket(bucketMeta)
	if readU64(meta.Get(keySchema)) >= listsSchema {
		return 0
	}
	n := 0
	for it := newIndexIter(tx.Bucket(bucketCreated), nil, bytes.Clone(meta.Get(keyNext)), nil, false); it.pos != nil; it.next() {
		n++
	}
	return n
}
