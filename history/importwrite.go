package history

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"io"
	"slices"
)

// The writing pass of an import holds the file's write lock, so what can be
// done without it is done beforehand on the reading side, for the next
// chunk while this one is written: decoding, and the words of each record
// grouped by word (wordPlanner). Those groups go to the index at the end
// (bulkindex.go), or with their chunk (chunkWords.apply) when another
// import owns the index's mark (pending.go).

// batch is one chunk of an import.
type batch struct {
	recs   []*importRecord
	before int        // records in earlier chunks
	lines  int        // lines read, this chunk's included
	words  chunkWords // for writing: the records' word index keys, by word
}

// importRecord is one record of a file: the job, and for the writing pass
// what prepareWrite finds and whether the record was added as planned.
type importRecord struct {
	job    Job
	hash   [sha256.Size]byte // its line's, for a record without id (see idSeed)
	planID string            // the local id the record is expected to get
	record []byte            // the job under planID as stored (encodeJob), until put
	words  []string          // the words of the job under planID (rawWords: unsorted, may repeat)
	doc    uint64            // its doc in the word index, when added as planned
	added  bool              // added as planned
	// line is the record's line, trimmed, in the buffer of its chunk,
	// which the next chunk reuses: set by passes that do not write, and
	// valid only during their callback.
	line []byte
}

// prepareWrite finds, off the write lock, what writing rec will need. A
// record is expected to be added under its own id, or under the first id
// derived from its content when it has none (see importOne).
func (rec *importRecord) prepareWrite(line []byte) {
	rec.planID = rec.job.ID
	if rec.planID == "" {
		rec.hash = sha256.Sum256(line)
		rec.planID = encodeID(rec.job.CreatedAt, rec.idSeed())
	}
	rec.words = rawWords(make([]string, 0, 96), rec.job.Prompt, rec.job.TaskID, rec.planID)
	planned := rec.job
	planned.ID = rec.planID
	rec.record = encodeJob(&planned)
}

// idSeed is where the ids derived for rec start. A record without id
// takes its line's hash, so that importing the line again derives the same
// id and finds the job. A record whose id a job of another task has already
// taken derives from its id and task: importing it again finds its job by
// the task instead.
func (rec *importRecord) idSeed() uint64 {
	h := rec.hash
	if rec.job.ID != "" {
		h = sha256.Sum256([]byte(rec.job.ID + "\x00" + rec.job.TaskID))
	}
	return binary.BigEndian.Uint64(h[:8])
}

// put writes the record as the job's new version (old: the stored job it
// replaces, or nil). A record added under planID leaves its words to
// chunkWords.apply; any other is indexed as putJob does.
func (rec *importRecord) put(tx *writeTx, old *Job) error {
	j := &rec.job
	if old != nil || j.ID != rec.planID {
		return putJob(tx, j, old)
	}
	doc, err := putJobWords(tx, j, rec.record, nil, nil)
	rec.doc, rec.added, rec.record = doc, err == nil, nil
	return err
}

// splitByWords cuts recs into runs of at most max words in all (each run
// at least one record).
func splitByWords(recs []*importRecord, max int) [][]*importRecord {
	var parts [][]*importRecord
	start, n := 0, 0
	for i, rec := range recs {
		if n+len(rec.words) > max && i > start {
			parts = append(parts, recs[start:i])
			start, n = i, 0
		}
		n += len(rec.words)
	}
	return append(parts, recs[start:])
}

// chunkWords are the distinct words of a chunk's records, sorted, each
// with the records (indexes into the chunk) that have it, in order.
type chunkWords struct {
	words []string
	recs  [][]int32
}

// wordPlanner groups the words of a chunk's records by word (plan); its
// scratch space serves chunk after chunk of one import, on one goroutine.
type wordPlanner struct {
	at                        map[string]int32 // word → its number in words
	words                     []string
	lastRec, count, occ, ends []int32
	order                     []int32
}

// plan groups the words of recs by word, each record once a word. A
// chunk has a few hundred thousand word occurrences over some twenty
// thousand words, so the records of every word go into one array, counted
// first, instead of a slice that grows for each word.
func (p *wordPlanner) plan(recs []*importRecord) chunkWords {
	total := 0
	for _, rec := range recs {
		total += len(rec.words)
	}
	if p.at == nil {
		p.at = make(map[string]int32, total/16)
	}
	defer clear(p.at)
	words, lastRec, count := p.words[:0], p.lastRec[:0], p.count[:0]
	occ := p.occ[:0] // the records' distinct words, record by record
	ends := p.ends[:0]
	for i, rec := range recs {
		for _, w := range rec.words {
			k, ok := p.at[w]
			if !ok {
				k = int32(len(words))
				p.at[w] = k
				words = append(words, w)
				lastRec = append(lastRec, -1)
				count = append(count, 0)
			}
			if lastRec[k] != int32(i) {
				lastRec[k] = int32(i)
				count[k]++
				occ = append(occ, k)
			}
		}
		ends = append(ends, int32(len(occ)))
		rec.words = nil
	}
	order := p.order[:0]
	for i := range words {
		order = append(order, int32(i))
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(words[a], words[b]) })
	// Each word's records fill a stretch of one array, in word order.
	next := lastRec // reused: where the word's next record goes
	sorted := chunkWords{words: make([]string, len(order)), recs: make([][]int32, len(order))}
	flat := make([]int32, len(occ))
	at32 := int32(0)
	for i, k := range order {
		sorted.words[i] = words[k]
		sorted.recs[i] = flat[at32 : at32+count[k] : at32+count[k]]
		next[k] = at32
		at32 += count[k]
	}
	from := int32(0)
	for i, end := range ends {
		for _, k := range occ[from:end] {
			flat[next[k]] = int32(i)
			next[k]++
		}
		from = end
	}
	clear(words) // the scratch keeps no strings alive
	p.words, p.lastRec, p.count, p.occ, p.ends, p.order = words, lastRec, count, occ, ends, order
	return sorted
}

// apply adds the records added as planned to their words' postings. It
// runs before the transaction's other word changes (writeTx.applyWords):
// those can only follow these, as no change before a record's addition can
// concern its doc.
func (cw chunkWords) apply(tx *writeTx, recs []*importRecord) error {
	ix := wordIndexOf(tx)
	var ops []docOp
	for i, w := range cw.words {
		ops = ops[:0]
		for _, r := range cw.recs[i] {
			if recs[r].added {
				ops = append(ops, docOp{doc: recs[r].doc})
			}
		}
		if len(ops) == 0 {
			continue
		}
		sortOps(ops)
		if err := ix.apply(w, ops); err != nil {
			return err
		}
	}
	return nil
}

// errStopped ends the reading side of pipeChunks after the writing side
// failed.
var errStopped = errors.New("import stopped")

// pipeChunks is eachChunk (for writing) with the reading and preparing of
// the next chunk done on another goroutine while fn writes this one.
func pipeChunks(r io.Reader, check func(*Job) error, ck chunking, fn func(*batch) error) error {
	ready := make(chan *batch) // one chunk written, one ready: memory stays bounded
	stop := make(chan struct{})
	var readErr error
	go func() {
		defer close(ready)
		readErr = eachChunk(r, check, ck, func(b *batch) error {
			select {
			case ready <- b:
				return nil
			case <-stop:
				return errStopped
			}
		})
	}()
	var err error
	for b := range ready {
		if err == nil {
			if err = fn(b); err != nil {
				close(stop)
			}
		}
	}
	if err != nil {
		return err
	}
	return readErr
}
