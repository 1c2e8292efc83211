package history

import (
	"bytes"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// The word index (bucket by_word) holds one key per distinct word of each
// job's prompt, id and task id: word 0 pos → nil. It is written in the
// same transaction as the job (putJob, deleteIndexes), so it is always
// exact; files of schema version 1 get it from migrateWords.

// wordOps are a write transaction's changes to the word index, by word:
// applyWords then sorts only the distinct words, far fewer than the keys
// of a batch (an import), and each word's positions, mostly in order
// already.
type wordOps map[string][]posOp

// posOp puts the key of one word at pos, or deletes it.
type posOp struct {
	pos []byte
	del bool
}

func (tx *writeTx) addWord(word string, pos []byte, del bool) {
	if tx.words == nil {
		tx.words = wordOps{}
	}
	tx.words[word] = append(tx.words[word], posOp{pos: pos, del: del})
}

// putWords adds the words of j (newWords, as jobWords gives them) to the
// index and removes those of old (the record j replaces, or nil) that j
// no longer has.
func putWords(tx *writeTx, j *Job, newWords []string, old *Job) {
	pos := position(j.CreatedAt, j.ID)
	var oldWords []string
	samePos := false
	if old != nil {
		oldWords = jobWords(old)
		samePos = bytes.Equal(position(old.CreatedAt, old.ID), pos)
	}
	has := func(ws []string, w string) bool {
		_, found := slices.BinarySearch(ws, w)
		return found
	}
	if old != nil {
		oldPos := position(old.CreatedAt, old.ID)
		for _, w := range oldWords {
			if !samePos || !has(newWords, w) {
				tx.addWord(w, oldPos, true)
			}
		}
	}
	for _, w := range newWords {
		if !samePos || !has(oldWords, w) {
			tx.addWord(w, pos, false)
		}
	}
}

// deleteWords removes the words of j from the index.
func deleteWords(tx *writeTx, j *Job) {
	pos := position(j.CreatedAt, j.ID)
	for _, w := range jobWords(j) {
		tx.addWord(w, pos, true)
	}
}

// applyWords writes the collected word changes in key order (word, then
// position: no word contains sep); changes to one key keep their order,
// so the last one wins.
func (tx *writeTx) applyWords() error {
	words := make([]string, 0, len(tx.words))
	for w := range tx.words {
		words = append(words, w)
	}
	slices.Sort(words)
	b := tx.Bucket(bucketWords)
	byPos := func(a, b posOp) int { return bytes.Compare(a.pos, b.pos) }
	var key []byte // bbolt copies the keys it keeps
	for _, w := range words {
		ops := tx.words[w]
		if !slices.IsSortedFunc(ops, byPos) {
			slices.SortStableFunc(ops, byPos)
		}
		for _, op := range ops {
			key = append(append(append(key[:0], w...), sep), op.pos...)
			var err error
			if op.del {
				err = b.Delete(key)
			} else {
				err = b.Put(key, []byte{})
			}
			if err != nil {
				return err
			}
		}
	}
	tx.words = nil
	return nil
}

// rareKeys is how many index keys a word of the search text may start for
// the index to answer the search; a text made only of common words (every
// job has "a") is answered faster by walking the jobs, whose matches are
// dense.
const rareKeys = 4096

// wordPlan returns the index words to walk for a search: the words of the
// index that start with the search text's rarest word. ok is false when
// the index cannot answer (no words in the text, an index still being
// built, or only common words).
func wordPlan(tx *bolt.Tx, lower string) (words [][]byte, ok bool) {
	if readU64(tx.Bucket(bucketMeta).Get(keySchema)) < SchemaVersion {
		return nil, false
	}
	b := tx.Bucket(bucketWords)
	best := -1
	for _, qw := range queryWords(lower) {
		n, ws := prefixWords(b, []byte(qw))
		if n < rareKeys && (best < 0 || n < best) {
			best, words = n, ws
		}
	}
	return words, best >= 0
}

// prefixWords counts the index keys whose word starts with prefix (up to
// rareKeys) and lists those words, each with its separator.
func prefixWords(b *bolt.Bucket, prefix []byte) (int, [][]byte) {
	var words [][]byte
	n := 0
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && n < rareKeys; k, _ = c.Next() {
		n++
		end := bytes.IndexByte(k, sep)
		if end < 0 {
			continue
		}
		w := k[:end+1]
		if len(words) == 0 || !bytes.Equal(words[len(words)-1], w) {
			words = append(words, bytes.Clone(w))
		}
	}
	return n, words
}

// keyNext is where migrateWords continues: the position after the last
// job it indexed.
var keyNext = []byte("words_next")

// migrateBatch is how many jobs one migration transaction indexes, so that
// other processes get the file in between.
const migrateBatch = 5000

// migrateWords builds the word index of a file of schema version 1 in
// batches, resuming where an interrupted migration stopped, and then
// records the current schema version. Jobs written meanwhile by this
// version index themselves; putting a key twice is harmless.
func (s *Store) migrateWords() error {
	for done := false; !done; {
		err := s.update(func(tx *writeTx) error {
			meta := tx.Bucket(bucketMeta)
			if readU64(meta.Get(keySchema)) >= SchemaVersion {
				done = true
				return nil
			}
			lo := bytes.Clone(meta.Get(keyNext))
			var last []byte
			jobs := tx.Bucket(bucketJobs)
			it := newIndexIter(tx.Bucket(bucketCreated), nil, lo, nil, false)
			n := 0
			for ; it.pos != nil && n < migrateBatch; it.next() {
				id := idFromPosition(it.pos)
				j, err := decodeJob(id, jobs.Get([]byte(id)))
				if err != nil {
					return err
				}
				putWords(tx, &j, jobWords(&j), nil)
				last = append(last[:0], it.pos...)
				n++
			}
			if it.pos != nil {
				return meta.Put(keyNext, last)
			}
			done = true
			if err := meta.Delete(keyNext); err != nil {
				return err
			}
			return meta.Put(keySchema, u64(SchemaVersion))
		})
		if err != nil {
			return fmt.Errorf("building the search index of %s: %w", s.path, err)
		}
	}
	return nil
}
