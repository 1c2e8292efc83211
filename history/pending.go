package history

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"time"

	bolt "go.etcd.io/bbolt"
)

// An import writes its jobs first and their words last (bulkindex.go),
// so for a while the file holds jobs the word index does not know. The
// mark at keyPending says so: every doc from its first on may be missing
// from the index, so a search reads all of those jobs besides the ones
// the index finds, or walks every job when they are many (wordPlan),
// until the mark goes. Docs below it are indexed exactly, as always.
//
// The mark also names its owner, the import (or recovery) writing those
// words, and when the owner last wrote (beat). Other writers keep going
// meanwhile: they index the jobs they write as usual, and record in
// bucket import_touched every pending doc they change or delete, whose
// words the owner then takes from the stored job, not from the import.
//
// An owner that stops writing for pendingStale has died (or been stopped
// long enough to be taken for dead): Open then indexes the pending jobs
// from their stored records (recoverPending), taking the mark over. An
// import that finds its mark taken leaves the rest to its new owner.

var (
	keyPending     = []byte("import_pending") // first doc, beat (Unix ns), owner: 8 bytes each
	keyPendingNext = []byte("import_next")    // where recoverPending continues
	bucketTouched  = []byte("import_touched") // doc → nil: pending docs changed by others
)

// pendingStale is how long a mark's owner may go without writing before
// it is taken for dead.
const pendingStale = 2 * time.Minute

// pendingMark is the value at keyPending.
type pendingMark struct {
	first uint64 // the first doc that may be missing from the index
	beat  int64  // when the owner last wrote, Unix nanoseconds
	owner uint64
}

func readPending(meta *bolt.Bucket) (pendingMark, bool) {
	v := meta.Get(keyPending)
	if len(v) != 24 {
		return pendingMark{}, false
	}
	return pendingMark{
		first: binary.BigEndian.Uint64(v),
		beat:  int64(binary.BigEndian.Uint64(v[8:])),
		owner: binary.BigEndian.Uint64(v[16:]),
	}, true
}

func (m pendingMark) value() []byte {
	b := binary.BigEndian.AppendUint64(nil, m.first)
	b = binary.BigEndian.AppendUint64(b, uint64(m.beat))
	return binary.BigEndian.AppendUint64(b, m.owner)
}

// stale reports whether the mark's owner has not written for pendingStale
// (either way: a clock set back counts too).
func (m pendingMark) stale(now time.Time) bool {
	d := now.Sub(time.Unix(0, m.beat))
	return d > pendingStale || d < -pendingStale
}

// newOwner is a token that tells one owner of a mark from another.
func newOwner() uint64 { return rand.Uint64() | 1 }

// pendingCache is a write transaction's reading of the mark.
type pendingCache struct {
	read  bool
	first uint64
	ok    bool
}

// pendingFrom is the mark's first doc, when there is a mark.
func (tx *writeTx) pendingFrom() (uint64, bool) {
	if !tx.pending.read {
		m, ok := readPending(tx.Bucket(bucketMeta))
		tx.pending = pendingCache{read: true, first: m.first, ok: ok}
	}
	return tx.pending.first, tx.pending.ok
}

// setPending writes the mark (m nil: removes it, with what goes with it).
func (tx *writeTx) setPending(m *pendingMark) error {
	meta := tx.Bucket(bucketMeta)
	if m == nil {
		tx.pending = pendingCache{read: true}
		if err := meta.Delete(keyPendingNext); err != nil {
			return err
		}
		if err := deletePrefix(tx.Bucket(bucketTouched), nil); err != nil {
			return err
		}
		return meta.Delete(keyPending)
	}
	tx.pending = pendingCache{read: true, first: m.first, ok: true}
	return meta.Put(keyPending, m.value())
}

// touch records that pending doc doc was changed or deleted by a writer
// other than the mark's owner.
func (tx *writeTx) touch(doc uint64) error {
	if first, ok := tx.pendingFrom(); ok && doc >= first {
		return tx.Bucket(bucketTouched).Put(u64(doc), []byte{})
	}
	return nil
}

// touchedDocs are the docs recorded by touch.
func touchedDocs(tx bucketer) map[uint64]bool {
	docs := map[uint64]bool{}
	tx.Bucket(bucketTouched).ForEach(func(k, _ []byte) error {
		docs[readU64(k)] = true
		return nil
	})
	return docs
}

// claim makes owner the mark's owner for this transaction's writes and
// records the beat. A mark of another owner is taken over only when
// stale (take). With no mark, one is made from the next doc when create
// is set; otherwise there is nothing to own. ok is false when the mark is
// not owner's to write under.
func (tx *writeTx) claim(owner uint64, now time.Time, create, take bool) (ok bool, err error) {
	m, found := readPending(tx.Bucket(bucketMeta))
	switch {
	case !found && !create:
		return false, nil
	case !found:
		m = pendingMark{first: tx.Bucket(bucketDocs).Sequence() + 1}
		if err := tx.Bucket(bucketMeta).Delete(keyPendingNext); err != nil {
			return false, err
		}
	case m.owner != owner && !(take && m.stale(now)):
		return false, nil
	}
	m.owner, m.beat = owner, now.UnixNano()
	return true, tx.setPending(&m)
}

// addCurrentWords adds the stored words of pending doc doc to the index,
// if its job still exists.
func addCurrentWords(tx *writeTx, doc uint64) error {
	pos := tx.Bucket(bucketDocs).Get(u64(doc))
	if pos == nil {
		return nil // deleted
	}
	j, err := getJob(tx, idFromPosition(pos))
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, w := range jobWords(&j) {
		tx.addWord(w, doc, false)
	}
	return nil
}

// pendingDocs are the docs from first on, ok false when more than limit.
func pendingDocs(tx bucketer, first uint64, limit int) (docs []uint64, ok bool) {
	c := tx.Bucket(bucketDocs).Cursor()
	for k, _ := c.Seek(u64(first)); k != nil; k, _ = c.Next() {
		if len(docs) == limit {
			return nil, false
		}
		docs = append(docs, readU64(k))
	}
	return docs, true
}

// indexProgress tells Options.Indexing that index work over total jobs
// begins, and returns what counts each batch's n jobs done.
func (s *Store) indexProgress(recovery bool, total int) func(n int) {
	if s.indexing == nil || total == 0 {
		return func(int) {}
	}
	w := IndexWork{Recovery: recovery, Total: total}
	s.indexing(w)
	return func(n int) {
		w.Done = min(w.Done+n, w.Total)
		s.indexing(w)
	}
}

// recoverPending takes over the mark of an import whose owner died and
// indexes its jobs from their stored records, telling Options.Indexing
// how far it is. When another process took the mark first, it leaves it
// alone and says nothing.
func (s *Store) recoverPending() error {
	owner, claimed, jobs := newOwner(), false, 0
	err := s.update(func(tx *writeTx) error {
		var err error
		if claimed, err = tx.claim(owner, s.now(), false, true); claimed && err == nil {
			jobs = pendingLeft(tx)
		}
		return err
	})
	if err != nil || !claimed {
		return err
	}
	return s.indexPending(owner, s.indexProgress(true, jobs))
}

// pendingLeft counts the docs indexPending has yet to index.
func pendingLeft(tx *writeTx) int {
	n := 0
	c := tx.Bucket(bucketDocs).Cursor()
	for k, _ := c.Seek(pendingResume(tx)); k != nil; k, _ = c.Next() {
		n++
	}
	return n
}

// pendingResume is the doc indexPending goes on from: where its last
// batch stopped, or the mark's first.
func pendingResume(tx *writeTx) []byte {
	if v := tx.Bucket(bucketMeta).Get(keyPendingNext); len(v) == 8 {
		return bytes.Clone(v)
	}
	first, _ := tx.pendingFrom()
	return u64(first)
}

// indexPending indexes the jobs of owner's mark from their stored
// records, in batches that let other processes in between, telling
// progress how many each batch indexed, and removes the mark. It stops
// when the mark is no longer owner's.
func (s *Store) indexPending(owner uint64, progress func(n int)) error {
	for done := false; !done; {
		n := 0
		err := s.update(func(tx *writeTx) error {
			if ok, err := tx.claim(owner, s.now(), false, false); !ok || err != nil {
				done = true
				return err
			}
			c := tx.Bucket(bucketDocs).Cursor()
			n = 0
			for k, _ := c.Seek(pendingResume(tx)); k != nil; k, _ = c.Next() {
				if n == migrateBatch {
					return tx.Bucket(bucketMeta).Put(keyPendingNext, bytes.Clone(k))
				}
				if err := addCurrentWords(tx, readU64(k)); err != nil {
					return err
				}
				n++
			}
			done = true
			return tx.setPending(nil)
		})
		if err != nil {
			return err
		}
		progress(n)
	}
	return nil
}
