package history

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"time"

	bolt "go.etcd.io/bbolt"
)

// A position orders jobs the way lists show them: 8 bytes of created_at
// (Unix nanoseconds with the sign bit flipped, so that big-endian byte order
// is time order) followed by the local id. Index keys end with a position,
// so a reverse cursor walk over an index yields newest first.
func position(created time.Time, id string) []byte {
	b := make([]byte, 8, 8+len(id))
	binary.BigEndian.PutUint64(b, uint64(created.UnixNano())^(1<<63))
	return append(b, id...)
}

func cursorPosition(c Cursor) []byte { return position(c.CreatedAt, c.ID) }

// idFromPosition returns the local id at the end of an index key.
func idFromPosition(pos []byte) string { return string(pos[8:]) }

// sep ends the field part of a composite index key; fields never contain
// control characters (see Job.validate).
const sep = 0

const numIndexes = 5

type indexKey struct {
	bucket     []byte
	key, value []byte // key nil: no entry
}

// indexKeys lists j's entries in every index, in a fixed order so the
// entries of two versions of a job can be compared one by one.
func indexKeys(j *Job) [numIndexes]indexKey {
	pos := position(j.CreatedAt, j.ID)
	keys := [numIndexes]indexKey{
		{bucket: bucketCreated, key: pos, value: []byte{}},
		{bucket: bucketStatus, key: composite(pos, string(j.Status)), value: []byte{}},
		{bucket: bucketModel, key: composite(pos, j.Model), value: []byte{}},
		{bucket: bucketModelStatus, key: composite(pos, j.Model, string(j.Status)), value: []byte{}},
		{bucket: bucketTask},
	}
	if j.TaskID != "" {
		keys[4].key, keys[4].value = []byte(j.TaskID), []byte(j.ID)
	}
	return keys
}

// composite builds field 0 field 0 … pos.
func composite(pos []byte, fields ...string) []byte {
	return append(fieldPrefix(fields...), pos...)
}

// fieldPrefix builds field 0 field 0 …, the part of a composite key shared
// by every job with these field values.
func fieldPrefix(fields ...string) []byte {
	n := 0
	for _, f := range fields {
		n += len(f) + 1
	}
	b := make([]byte, 0, n+8+16)
	for _, f := range fields {
		b = append(b, f...)
		b = append(b, sep)
	}
	return b
}

// indexIter walks the keys of one index that start with prefix and whose
// position lies strictly between lo and hi (nil: unbounded), newest first
// when desc, else oldest first.
type indexIter struct {
	c      *bolt.Cursor
	prefix []byte
	lo, hi []byte
	desc   bool
	pos    []byte // current position; nil when done
}

func newIndexIter(b *bolt.Bucket, prefix, lo, hi []byte, desc bool) *indexIter {
	it := &indexIter{c: b.Cursor(), prefix: prefix, lo: lo, hi: hi, desc: desc}
	var k []byte
	if desc {
		var upper []byte
		if hi != nil {
			upper = append(append([]byte{}, prefix...), hi...)
		} else {
			upper = prefixEnd(prefix)
		}
		if upper == nil {
			k, _ = it.c.Last()
		} else if k, _ = it.c.Seek(upper); k == nil {
			k, _ = it.c.Last()
		} else {
			k, _ = it.c.Prev()
		}
	} else {
		lower := append(append([]byte{}, prefix...), lo...)
		k, _ = it.c.Seek(lower)
		if k != nil && lo != nil && bytes.Equal(k, lower) {
			k, _ = it.c.Next()
		}
	}
	it.set(k)
	return it
}

// prefixEnd returns the smallest key greater than every key starting with
// prefix, or nil when there is none.
func prefixEnd(prefix []byte) []byte {
	end := append([]byte{}, prefix...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

// set makes k the current key, or ends the walk when k is outside the
// prefix or the bounds.
func (it *indexIter) set(k []byte) {
	it.pos = nil
	if k == nil || !bytes.HasPrefix(k, it.prefix) || len(k) < len(it.prefix)+8 {
		return
	}
	pos := k[len(it.prefix):]
	if it.lo != nil && bytes.Compare(pos, it.lo) <= 0 {
		return
	}
	if it.hi != nil && bytes.Compare(pos, it.hi) >= 0 {
		return
	}
	it.pos = pos
}

func (it *indexIter) next() {
	var k []byte
	if it.desc {
		k, _ = it.c.Prev()
	} else {
		k, _ = it.c.Next()
	}
	it.set(k)
}

// mergeIter walks several indexIters as one, in position order.
type mergeIter struct {
	its  []*indexIter
	desc bool
}

// next returns the next position, or nil when every walk is done.
func (m *mergeIter) next() []byte {
	var best *indexIter
	for _, it := range m.its {
		if it.pos == nil {
			continue
		}
		if best == nil {
			best = it
			continue
		}
		c := bytes.Compare(it.pos, best.pos)
		if m.desc && c > 0 || !m.desc && c < 0 {
			best = it
		}
	}
	if best == nil {
		return nil
	}
	// Copy: the cursor's key is only valid until it moves.
	pos := append([]byte(nil), best.pos...)
	// Walks of several words of one job meet at its position: step
	// past it in each, so the job comes once.
	for _, it := range m.its {
		if it.pos != nil && bytes.Equal(it.pos, pos) {
			it.next()
		}
	}
	return pos
}

// idAlphabet is Crockford's base32 in lowercase; its order is byte order,
// so ids sort by time.
const idAlphabet = "0123456789abcdefghjkmnpqrstvwxyz"

// newID returns a 13-character id: 10 characters of milliseconds since
// 1970 and 3 random ones. Callers check it is unused inside their write
// transaction, which makes it unique across processes.
func newID(t time.Time) string {
	return encodeID(t, rand.Uint64())
}

// encodeID spells t in milliseconds (50 bits) and the low 15 bits of r.
func encodeID(t time.Time, r uint64) string {
	ms := uint64(t.UnixMilli())
	v := ms<<15 | r&(1<<15-1) // the 65th bit stays 0: ms fits in 49 bits for 17,000 years
	var b [13]byte
	for i := 12; i >= 0; i-- {
		b[i] = idAlphabet[v&31]
		v >>= 5
	}
	return string(b[:])
}
