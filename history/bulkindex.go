package history

import (
	"bufio"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// An import's words go into the index after its jobs, word by word, each
// word once with all its new docs: a word's list is then rewritten once,
// not once a chunk, and words too common for the index are dropped without
// their lists ever being written. At 1,000,000 jobs the import takes half
// the time it took when each chunk updated the index.
//
// While the jobs are written, each chunk's words (wordPlanner, with the docs
// the chunk's records got) go to a run in a temporary file, sorted by
// word; the runs are then merged, and the words written in transactions of
// bounded size. The mark at keyPending (pending.go) covers the import's
// docs until the last transaction removes it.

// bulkIndex is one import's words on their way to the index.
type bulkIndex struct {
	s     *Store
	owner uint64
	owned bool // the import made the mark
	lost  bool // the mark went to another owner, who indexes the rest

	file  *os.File
	runs  []section // each chunk's words, in chunk (so doc) order
	end   int64
	buf   []byte
	pairs int // (word, doc) pairs in the runs
	// seen counts the docs spilled of words found often in a chunk: past
	// commonDocs, a run says only that the word is common.
	seen map[string]int

	// The runs are written on their own goroutine, off the writing one.
	queue    chan spilled
	spillErr chan error
}

type spilled struct {
	words chunkWords
	recs  []*importRecord
}

type section struct{ off, size int64 }

// bulkWords caps the words, and bulkDocs their docs, one transaction of
// the merge writes; tests set smaller ones (Store.chunks).
const (
	bulkWords = 20_000
	bulkDocs  = 400_000
)

// newBulkIndex starts an import's words on their way. Without a temporary
// file (no temporary folder, or a full one) the import indexes each chunk
// as it writes it, as when it finds another import's mark.
func newBulkIndex(s *Store) *bulkIndex {
	f, err := scratchFile("soratui-import-words-*")
	if err != nil {
		return &bulkIndex{s: s, lost: true}
	}
	bi := &bulkIndex{s: s, owner: newOwner(), file: f, seen: map[string]int{},
		queue: make(chan spilled, 1), spillErr: make(chan error, 1)}
	go func(queue <-chan spilled) {
		var err error
		for sp := range queue {
			if err == nil {
				err = bi.spill(sp.words, sp.recs)
			}
		}
		bi.spillErr <- err
	}(bi.queue)
	return bi
}

// wait ends the runs' goroutine and returns its error.
func (bi *bulkIndex) wait() error {
	if bi.queue == nil {
		return nil
	}
	close(bi.queue)
	bi.queue = nil
	return <-bi.spillErr
}

func (bi *bulkIndex) close() {
	bi.wait()
	if bi.file != nil {
		closeScratch(bi.file)
	}
}

// claim is called first in every transaction of the import: ok is false
// once the mark is no longer this import's, and the import then indexes
// its chunks itself.
func (bi *bulkIndex) claim(tx *writeTx, first bool) (bool, error) {
	if bi.lost {
		return false, nil
	}
	ok, err := tx.claim(bi.owner, bi.s.now(), first, false)
	switch {
	case err != nil:
	case ok:
		bi.owned = true
	default:
		bi.lost = true
	}
	return ok, err
}

// spill writes the run of a written chunk: its words, each with the docs
// of the records added as planned (the others are indexed as they are
// written).
func (bi *bulkIndex) spill(cw chunkWords, recs []*importRecord) error {
	if bi.s.chunks.noRuns {
		return errors.New("import: writing the word index's temporary file: no space left on device")
	}
	w := bufio.NewWriterSize(io.NewOffsetWriter(bi.file, bi.end), 64<<10)
	start := bi.end
	for i, word := range cw.words {
		b := binary.AppendUvarint(bi.buf[:0], uint64(len(word)))
		b = append(b, word...)
		n := 0
		for _, r := range cw.recs[i] {
			if recs[r].added {
				n++
			}
		}
		if n == 0 {
			continue
		}
		bi.pairs += n
		if n >= 4 {
			total, ok := bi.seen[word]
			if !ok {
				word = strings.Clone(word) // not the chunk's prompt it points into
			}
			bi.seen[word] = total + n
			if total > commonDocs {
				b = binary.AppendUvarint(binary.AppendUvarint(b, 0), uint64(n))
				if err := bi.put(w, b); err != nil {
					return err
				}
				continue
			}
		}
		b = binary.AppendUvarint(b, uint64(n))
		last := uint64(0)
		for _, r := range cw.recs[i] {
			if rec := recs[r]; rec.added {
				b = binary.AppendUvarint(b, rec.doc-last)
				last = rec.doc
			}
		}
		if err := bi.put(w, b); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("import: writing the word index's temporary file: %w", err)
	}
	bi.runs = append(bi.runs, section{start, bi.end - start})
	return nil
}

// put writes an entry of a run.
func (bi *bulkIndex) put(w io.Writer, b []byte) error {
	bi.buf = b
	if _, err := w.Write(b); err != nil {
		return fmt.Errorf("import: writing the word index's temporary file: %w", err)
	}
	bi.end += int64(len(b))
	return nil
}

// finish merges the runs into the index, then indexes the docs others
// changed meanwhile from their stored jobs and removes the mark. It
// reports the pairs merged, of all, after each transaction.
func (bi *bulkIndex) finish(report func(done, total int)) error {
	if err := bi.wait(); err != nil {
		return err
	}
	m, err := newRunMerge(bi.file, bi.runs)
	if err != nil {
		return err
	}
	// The runs are read and merged on another goroutine while this one
	// writes the batch before.
	batches, stop := make(chan mergeBatch, 1), make(chan struct{})
	go bi.merge(m, batches, stop)
	defer func() {
		close(stop)
		for range batches {
		}
	}()
	for b := range batches {
		if b.err != nil {
			return b.err
		}
		if err := bi.write(b.words, b.last); err != nil {
			return err
		}
		report(b.read, bi.pairs)
		if bi.lost {
			break
		}
	}
	return nil
}

// mergeBatch is the words one transaction of the merge writes.
type mergeBatch struct {
	words []mergedWord
	last  bool  // the merge's last words
	read  int   // the pairs merged with these
	err   error // reading the runs failed
}

// merge hands m's words out in batches of bounded size, the last one
// marked, until the runs end or fail, or stop closes; then it closes
// batches.
func (bi *bulkIndex) merge(m *runMerge, batches chan<- mergeBatch, stop <-chan struct{}) {
	defer close(batches)
	maxWords, maxDocs := bulkWords, bulkDocs
	if limits := bi.s.chunks; limits.bulkWords > 0 {
		maxWords, maxDocs = limits.bulkWords, limits.bulkWords*20
	}
	b := mergeBatch{words: make([]mergedWord, 0, maxWords)}
	docs := 0
	for {
		wd, ok, err := m.next(commonDocs + 1)
		if ok {
			b.words = append(b.words, wd)
			docs += len(wd.docs)
		}
		if err == nil && ok && len(b.words) < maxWords && docs < maxDocs {
			continue
		}
		b.last, b.read, b.err = !ok, m.read, err
		select {
		case batches <- b:
		case <-stop:
			return
		}
		if !ok || err != nil {
			return
		}
		b, docs = mergeBatch{words: make([]mergedWord, 0, maxWords)}, 0
	}
}

// write adds a batch of the merge's words to the index in one
// transaction; the last one also indexes the touched docs and removes
// the mark.
func (bi *bulkIndex) write(batch []mergedWord, last bool) error {
	return bi.s.update(func(tx *writeTx) error {
		if ok, err := bi.claim(tx, false); !ok || err != nil {
			return err
		}
		touched := touchedDocs(tx)
		ix := wordIndexOf(tx)
		var ops []docOp
		for _, wd := range batch {
			ops = ops[:0]
			for _, d := range wd.docs {
				if !touched[d] {
					ops = append(ops, docOp{doc: d})
				}
			}
			var err error
			switch {
			case wd.common || len(wd.docs) > ix.common: // more than the merge kept
				err = ix.makeCommon(wd.word)
			case len(ops) > 0:
				err = ix.apply(wd.word, ops)
			}
			if err != nil {
				return err
			}
		}
		if !last {
			return nil
		}
		for d := range touched {
			if err := addCurrentWords(tx, d); err != nil {
				return err
			}
		}
		return tx.setPending(nil)
	})
}

// mergedWord is a word and its docs from every run, ascending.
type mergedWord struct {
	word   string
	docs   []uint64
	common bool // a run found it common
}

// runReader reads one run: a word, then its count of docs and their gaps,
// or a count of 0 and the count of docs a common word had.
type runReader struct {
	r      *bufio.Reader
	at     int // the run's place in chunk order
	word   string
	docs   []uint64
	common int // docs not kept: the word is common
}

func (rr *runReader) read() (bool, error) {
	n, err := binary.ReadUvarint(rr.r)
	if err == io.EOF {
		return false, nil
	}
	var w []byte
	if err == nil && n <= maxWordLen {
		w = make([]byte, n)
		_, err = io.ReadFull(rr.r, w)
	}
	var count, skipped uint64
	if err == nil {
		count, err = binary.ReadUvarint(rr.r)
	}
	if err == nil && count == 0 {
		skipped, err = binary.ReadUvarint(rr.r)
	}
	rr.docs, rr.common = rr.docs[:0], int(skipped)
	for d := uint64(0); err == nil && uint64(len(rr.docs)) < count; {
		var gap uint64
		if gap, err = binary.ReadUvarint(rr.r); err == nil {
			d += gap
			rr.docs = append(rr.docs, d)
		}
	}
	if err == nil && n > maxWordLen {
		err = fmt.Errorf("a word of %d bytes", n)
	}
	if err != nil {
		return false, fmt.Errorf("import: reading the word index's temporary file: %w", err)
	}
	rr.word = string(w)
	return true, nil
}

// runMerge hands out the runs' words in order, each with the docs of every
// run, in doc order.
type runMerge struct {
	runHeap
	read int // pairs handed out or passed over
}

type runHeap []*runReader

func newRunMerge(f *os.File, runs []section) (*runMerge, error) {
	m := &runMerge{}
	for i, s := range runs {
		rr := &runReader{r: bufio.NewReaderSize(io.NewSectionReader(f, s.off, s.size), 16<<10), at: i}
		ok, err := rr.read()
		if err != nil {
			return nil, err
		}
		if ok {
			m.runHeap = append(m.runHeap, rr)
		}
	}
	heap.Init(&m.runHeap)
	return m, nil
}

// next is the next word; it keeps at most max docs (enough to tell a
// common word).
func (m *runMerge) next(max int) (mergedWord, bool, error) {
	h := &m.runHeap
	if len(*h) == 0 {
		return mergedWord{}, false, nil
	}
	wd := mergedWord{word: (*h)[0].word}
	for len(*h) > 0 && (*h)[0].word == wd.word {
		rr := (*h)[0]
		m.read += len(rr.docs) + rr.common
		wd.common = wd.common || rr.common > 0
		if room := max - len(wd.docs); room > 0 {
			wd.docs = append(wd.docs, rr.docs[:min(room, len(rr.docs))]...)
		}
		ok, err := rr.read()
		if err != nil {
			return mergedWord{}, false, err
		}
		if ok {
			heap.Fix(h, 0)
		} else {
			heap.Pop(h)
		}
	}
	return wd, true, nil
}

func (m runHeap) Len() int { return len(m) }
func (m runHeap) Less(i, j int) bool {
	if m[i].word != m[j].word {
		return m[i].word < m[j].word
	}
	return m[i].at < m[j].at
}
func (m runHeap) Swap(i, j int) { m[i], m[j] = m[j], m[i] }
func (m *runHeap) Push(x any)   { *m = append(*m, x.(*runReader)) }
func (m *runHeap) Pop() any {
	old := *m
	x := old[len(old)-1]
	*m = old[:len(old)-1]
	return x
}
