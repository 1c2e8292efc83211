package history

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"
)

// The word index maps each word to the jobs that have it, as posting
// lists: every job gets a document number (doc) when it is first stored,
// and each word keeps the ascending docs of its jobs delta-encoded, in
// blocks of about maxBlockBytes. The index of a 1 KB record costs a couple
// of bytes per word instead of a key per word.
//
// Jobs mostly arrive in doc order, so writes append to each word's last
// block, its tail. The tails live apart (bucket word_tails, word → first
// doc, 8 bytes big-endian, then the varint gaps from each doc to the
// next): the few thousand words a batch touches then share a few pages,
// instead of one page each among all the full blocks, which a write then
// neither reads nor rewrites. A full tail is sealed into bucket
// word_blocks (key word 0 first-doc, value the gaps after the first) and
// a new tail starts. Every doc of a word's tail is above those of its
// sealed blocks, and a word with sealed blocks always has a tail.
//
// A word in more than commonDocs jobs is common: a search never reads
// postings that long (it walks the jobs instead, see rareKeys), so its
// blocks are dropped and its tail becomes commonTail for good, and jobs
// written later no longer touch it. Deleting jobs does not make it rare
// again: searches for it keep walking, which finds the same jobs.
//
// Buckets docs (doc → position, to list the jobs a search finds in order)
// and doc_of (id → doc, to find a job's postings when it changes or goes)
// complete the index.

// maxBlockBytes caps a block's encoded gaps: a full tail is sealed, and a
// sealed block that grows past it is cut.
const maxBlockBytes = 1024

// commonDocs is how many jobs a word may have before it is common; it is
// rareKeys, the most a search reads.
const commonDocs = rareKeys

// commonTail is the tail of a common word: a first doc no job gets (docs
// count up from 1) and no gaps.
var commonTail = []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// isCommon reports whether tv is the tail of a common word.
func isCommon(tv []byte) bool { return bytes.Equal(tv, commonTail) }

// docOp adds doc to a word's postings, or removes it.
type docOp struct {
	doc uint64
	del bool
}

// sortOps puts ops in doc order, keeping the order of ops on one doc (the
// last wins); they mostly come sorted already.
func sortOps(ops []docOp) {
	byDoc := func(a, b docOp) int { return cmp.Compare(a.doc, b.doc) }
	if !slices.IsSortedFunc(ops, byDoc) {
		slices.SortStableFunc(ops, byDoc)
	}
}

// blockKey is the key of word's block that starts at doc.
func blockKey(dst []byte, word string, doc uint64) []byte {
	dst = append(append(dst[:0], word...), sep)
	return binary.BigEndian.AppendUint64(dst, doc)
}

// blockPrefix is what the keys of word's blocks start with: word 0.
func blockPrefix(word string) []byte { return append([]byte(word), sep) }

// blockDoc is the first doc of the block with key k (of prefix length n).
func blockDoc(k []byte, n int) (uint64, bool) {
	if len(k) != n+8 {
		return 0, false
	}
	return binary.BigEndian.Uint64(k[n:]), true
}

// decodeBlock appends to dst the docs of a block starting at first.
func decodeBlock(dst []uint64, first uint64, v []byte) []uint64 {
	dst = append(dst, first)
	for d := first; len(v) > 0; {
		gap, n := binary.Uvarint(v)
		if n <= 0 {
			break // a damaged block: keep what it gave
		}
		d += gap
		dst = append(dst, d)
		v = v[n:]
	}
	return dst
}

// blockLen is how many docs a block's value holds besides its first.
func blockLen(v []byte) int {
	n := 0
	for _, c := range v {
		if c < 0x80 {
			n++
		}
	}
	return n
}

// applySealed applies ops (sorted by doc, all below the word's tail) to
// word's sealed blocks in b.
func applySealed(b *bolt.Bucket, word string, ops []docOp) error {
	prefix := blockPrefix(word)
	var key []byte
	var docs []uint64
	for len(ops) > 0 {
		// The block that holds ops[0].doc (the last one starting at or
		// before it), if any, and where the next block starts.
		c := b.Cursor()
		key = blockKey(key, word, ops[0].doc)
		k, v := seekAtOrBefore(c, key)
		var old []byte
		first, ok := blockDoc(k, len(prefix))
		if ok && bytes.HasPrefix(k, prefix) {
			old = bytes.Clone(k)
			k, _ = c.Next()
		} else {
			k, _ = c.Seek(prefix)
		}
		end := uint64(1<<64 - 1)
		if next, ok := blockDoc(k, len(prefix)); ok && bytes.HasPrefix(k, prefix) {
			end = next
		}
		n := 0
		for n < len(ops) && ops[n].doc < end {
			n++
		}
		if n == 0 {
			return fmt.Errorf("word index: the blocks of %q are out of order", word)
		}
		docs = docs[:0]
		if old != nil {
			docs = decodeBlock(docs, first, v)
		}
		if err := writeBlocks(b, word, old, applyDocOps(docs, ops[:n])); err != nil {
			return err
		}
		ops = ops[n:]
	}
	return nil
}

// appendsAfter reports whether ops only add docs after the last one of the
// block (first, v), in order: the usual change to a tail, which needs no
// decoding (see appendTail). last is the block's last doc.
func appendsAfter(first uint64, v []byte, ops []docOp) (last uint64, ok bool) {
	last = first
	for len(v) > 0 {
		gap, n := binary.Uvarint(v)
		if n <= 0 {
			return 0, false
		}
		last += gap
		v = v[n:]
	}
	prev := last
	for _, op := range ops {
		if op.del || op.doc <= prev {
			return 0, false
		}
		prev = op.doc
	}
	return last, true
}

// seekAtOrBefore moves c to the last key at or before key, returning nil
// when there is none.
func seekAtOrBefore(c *bolt.Cursor, key []byte) ([]byte, []byte) {
	k, v := c.Seek(key)
	switch {
	case bytes.Equal(k, key):
		return k, v
	case k != nil:
		return c.Prev()
	}
	// bbolt's Last never returns on a bucket whose every key was deleted
	// in this transaction: First finds that case.
	if k, _ := c.First(); k == nil {
		return nil, nil
	}
	return c.Last()
}

// applyDocOps merges ops into the sorted docs.
func applyDocOps(docs []uint64, ops []docOp) []uint64 {
	out := make([]uint64, 0, len(docs)+len(ops))
	i := 0
	for k, op := range ops {
		if k+1 < len(ops) && ops[k+1].doc == op.doc {
			continue // a later op on the same doc wins
		}
		for i < len(docs) && docs[i] < op.doc {
			out = append(out, docs[i])
			i++
		}
		if i < len(docs) && docs[i] == op.doc {
			i++
		}
		if !op.del {
			out = append(out, op.doc)
		}
	}
	return append(out, docs[i:]...)
}

// writeBlocks replaces the block with key old (nil: none) by docs, cut
// into blocks of at most maxBlockBytes of gaps.
func writeBlocks(b *bolt.Bucket, word string, old []byte, docs []uint64) error {
	var key, val []byte
	put := func(first uint64) error {
		key = blockKey(key, word, first)
		if old != nil && bytes.Equal(key, old) {
			old = nil // overwritten in place
		}
		return b.Put(key, append([]byte{}, val...))
	}
	start := 0
	for i := 1; i <= len(docs); i++ {
		if i == len(docs) || len(val) >= maxBlockBytes {
			if err := put(docs[start]); err != nil {
				return err
			}
			start, val = i, val[:0]
			continue
		}
		val = binary.AppendUvarint(val, docs[i]-docs[i-1])
	}
	if old != nil {
		return b.Delete(old)
	}
	return nil
}

// wordIndex is the word index's buckets in one transaction, and how many
// docs a word may have before it is common (commonDocs; tests set others).
type wordIndex struct {
	blocks, tails *bolt.Bucket
	common        int
}

func wordIndexOf(tx bucketer) wordIndex {
	return wordIndex{blocks: tx.Bucket(bucketWordBlocks), tails: tx.Bucket(bucketWordTails), common: commonDocs}
}

// apply applies ops (sorted by doc; of several ops on one doc the last
// wins) to word's postings.
func (ix wordIndex) apply(word string, ops []docOp) error {
	tv := bytes.Clone(ix.tails.Get([]byte(word)))
	if isCommon(tv) {
		return nil
	}
	if len(tv) < 8 {
		// A word not in the index (see the invariant above).
		return ix.putTail(word, applyDocOps(nil, ops))
	}
	first := binary.BigEndian.Uint64(tv)
	k, _ := slices.BinarySearchFunc(ops, first, func(op docOp, d uint64) int { return cmp.Compare(op.doc, d) })
	if k > 0 {
		if err := applySealed(ix.blocks, word, ops[:k]); err != nil {
			return err
		}
	}
	if ops = ops[k:]; len(ops) == 0 {
		return nil
	}
	if last, ok := appendsAfter(first, tv[8:], ops); ok {
		return ix.appendTail(word, tv, last, ops)
	}
	docs := applyDocOps(decodeBlock(nil, first, tv[8:]), ops)
	if len(docs) == 0 {
		return ix.unseal(word)
	}
	return ix.putTail(word, docs)
}

// appendTail adds the docs of ops (see appendsAfter) to word's tail tv,
// sealing it each time it fills. A word that is past ix.common docs when a
// block is sealed becomes common.
func (ix wordIndex) appendTail(word string, tv []byte, last uint64, ops []docOp) error {
	sealed := false
	for _, op := range ops {
		if len(tv)-8 >= maxBlockBytes {
			if err := ix.blocks.Put(blockKey(nil, word, binary.BigEndian.Uint64(tv)), tv[8:]); err != nil {
				return err
			}
			tv = binary.BigEndian.AppendUint64(make([]byte, 0, 8+maxBlockBytes+16), op.doc)
			sealed = true
		} else {
			tv = binary.AppendUvarint(tv, op.doc-last)
		}
		last = op.doc
	}
	if sealed && ix.sealedDocs(word)+1+blockLen(tv[8:]) > ix.common {
		return ix.makeCommon(word)
	}
	return ix.tails.Put([]byte(word), tv)
}

// sealedDocs counts the docs of word's sealed blocks: a few, as a word
// with more is common.
func (ix wordIndex) sealedDocs(word string) int {
	prefix := blockPrefix(word)
	n := 0
	c := ix.blocks.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		n += 1 + blockLen(v)
	}
	return n
}

// makeCommon drops word's postings for good (see commonDocs).
func (ix wordIndex) makeCommon(word string) error {
	if err := deletePrefix(ix.blocks, blockPrefix(word)); err != nil {
		return err
	}
	return ix.tails.Put([]byte(word), commonTail)
}

// deletePrefix deletes the keys of b that start with prefix (nil: all).
func deletePrefix(b *bolt.Bucket, prefix []byte) error {
	var keys [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}

// putTail makes docs word's last blocks: full ones sealed, the rest its
// tail; no docs, no tail.
func (ix wordIndex) putTail(word string, docs []uint64) error {
	if len(docs) == 0 {
		return nil
	}
	tv := binary.BigEndian.AppendUint64(nil, docs[0])
	return ix.appendTail(word, tv, docs[0], toAdds(docs[1:]))
}

func toAdds(docs []uint64) []docOp {
	ops := make([]docOp, len(docs))
	for i, d := range docs {
		ops[i].doc = d
	}
	return ops
}

// unseal replaces word's emptied tail by its last sealed block, if any.
func (ix wordIndex) unseal(word string) error {
	c := ix.blocks.Cursor()
	prefix := blockPrefix(word)
	k, v := seekAtOrBefore(c, blockKey(nil, word, 1<<64-1))
	first, ok := blockDoc(k, len(prefix))
	if !ok || !bytes.HasPrefix(k, prefix) {
		return ix.tails.Delete([]byte(word))
	}
	tv := append(binary.BigEndian.AppendUint64(nil, first), v...)
	if err := ix.blocks.Delete(k); err != nil {
		return err
	}
	return ix.tails.Put([]byte(word), tv)
}

// prefixDocs returns the docs of the jobs with a word that starts with
// prefix, sorted and distinct, or ok false when they are more than limit.
func (ix wordIndex) prefixDocs(prefix []byte, limit int) (docs []uint64, ok bool) {
	n := 0
	add := func(first uint64, gaps []byte) bool {
		if n += 1 + blockLen(gaps); n > limit {
			return false
		}
		docs = decodeBlock(docs, first, gaps)
		return true
	}
	c := ix.blocks.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if first, isBlock := blockDoc(k, bytes.IndexByte(k, sep)+1); isBlock && !add(first, v) {
			return nil, false
		}
	}
	c = ix.tails.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if isCommon(v) {
			return nil, false
		}
		if len(v) >= 8 && !add(binary.BigEndian.Uint64(v), v[8:]) {
			return nil, false
		}
	}
	slices.Sort(docs)
	return slices.Compact(docs), true
}
