package history

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
)

// Export writes every job to w as JSON Lines, one job per line with every
// field, oldest first (by created_at, then id), through a buffer. It reads
// the file in short transactions (as Each does) and encodes outside them;
// jobs added meanwhile are included when they sort after the point
// reached.
func (s *Store) Export(w io.Writer) error {
	return s.ExportContext(context.Background(), w)
}

// ExportContext is Export, stopped with ctx's error once ctx ends: the
// output then holds the oldest jobs, each line whole.
func (s *Store) ExportContext(ctx context.Context, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	wk, err := newWalk(Query{})
	if err != nil {
		return err
	}
	wk.desc = false // oldest first
	err = s.walkEach(ctx, wk, func(j Job) error {
		line, err := j.MarshalJSON()
		if err != nil {
			return err
		}
		if _, err := bw.Write(append(line, '\n')); err != nil {
			return fmt.Errorf("writing export: %w", err)
		}
		return nil
	})
	// Stopped, the lines written so far go out whole.
	if ferr := bw.Flush(); err == nil && ferr != nil {
		err = fmt.Errorf("writing export: %w", ferr)
	}
	return err
}

// ImportResult counts what Import did with each record.
type ImportResult struct {
	Added     int // new jobs
	Updated   int // stored jobs replaced by a newer record
	Unchanged int // records already stored, or older than the stored job
}

// importChunk bounds what an import holds at once: this many lines, or
// importChunkBytes, whichever comes first; each chunk of the second pass is
// written in one transaction, short enough that other processes get a turn.
// The writing pass holds about three chunks (one read ahead, one written,
// one's words on their way to a run), each several times its text once
// decoded: at 8 MB of text a chunk, records of long prompts brought the
// heap to the import's memory limit, and the runtime spent a third of its
// time returning pages to the system and faulting them back (150,000
// records of 5 KB: 31–33 s, against 9.6–9.7 s at 2 MB). Records of 1 KB
// now make chunks of about 2,000 lines, in the same time as 4,096.
const (
	importChunk      = 4096
	importChunkBytes = 2 << 20
	// importBatchWords bounds the word index changes one transaction
	// writes (a chunk of 1 KB records has about 120,000): bbolt holds
	// every changed page of a transaction in memory, and a record can
	// have thousands of words.
	importBatchWords = 1_000_000
)

// chunking is how an import cuts its input: lines a chunk (at most
// importChunkBytes) and, when writing, word index changes a transaction.
type chunking struct {
	lines     int
	words     int  // 0: the checking pass, which writes nothing
	bulkWords int  // words a transaction of the index's merge writes (tests)
	dieEarly  bool // end the import after its jobs, as if killed (tests)
	noRuns    bool // fail to write the index's runs, as a full disk would (tests)
}

// importChunking is the chunking of s's imports: the constants above,
// unless a test set s.chunks smaller.
func (s *Store) importChunking() chunking {
	ck := chunking{lines: importChunk, words: importBatchWords}
	if s.chunks.lines > 0 {
		ck.lines = s.chunks.lines
	}
	if s.chunks.words > 0 {
		ck.words = s.chunks.words
	}
	return ck
}

// Import merges JSON Lines of jobs (as written by Export) into the store;
// see ImportContext.
func (s *Store) Import(r io.Reader) (ImportResult, error) {
	return s.ImportContext(context.Background(), r, ImportOptions{})
}

// ImportWith is ImportContext, never stopped.
func (s *Store) ImportWith(r io.Reader, o ImportOptions) (ImportResult, error) {
	return s.ImportContext(context.Background(), r, o)
}

// ImportOptions are what a caller of ImportContext may add.
type ImportOptions struct {
	// Check, when set, may refuse a record: the import fails on its line.
	Check func(*Job) error
	// Progress, when set, is told how far the import has come after each
	// chunk of each pass, on the caller's goroutine.
	Progress func(ImportProgress)
}

// ImportProgress is how far an import has come.
type ImportProgress struct {
	Checked int // lines the first pass has read and checked
	Total   int // records to write: 0 until the first pass ends
	Written int // records the second pass has written
	// Sorted counts the records put in order before the second pass, when
	// the file's were not oldest first.
	Sorted int
	// Once the records are written, their words go into the search
	// index: Indexed of IndexTotal (word, job) pairs are in.
	Indexed, IndexTotal int
}

// ImportContext merges JSON Lines of jobs (as written by Export) into the
// store, all or nothing, in memory bounded whatever the file's size.
//
// A first pass reads and checks every line: the first bad one (invalid
// JSON, unknown status, bad or missing created_at, a field out of its
// limits, or a record o.Check refuses) fails the import with a *LineError
// naming its line and field, wrapping ErrInvalid, and nothing is written.
// Blank lines are skipped. A second pass reads the input again (a seekable
// reader is rewound; anything else, such as stdin, was copied to a
// temporary file during the first pass) and writes it in chunks of a few
// thousand records per transaction, oldest first: a file whose records
// are not is sorted between the two passes (importsort.go). The records'
// words then go into the search index, word by word (bulkindex.go); until
// they are in, searches read the imported jobs too, so they find them all
// along. If the import dies before, the next Open after two minutes
// indexes them (pending.go).
//
// Records are matched to stored jobs by task id, else by id; of a matched
// pair the one with the later updated_at is kept (under the stored job's
// id), but a record never replaces a job that has a task id with one that
// has none. A record without id gets a local id derived from its content,
// so importing the same file twice adds nothing. Records keep their own
// created_at, which orders them in lists.
//
// Once ctx ends, the import stops with its error: before the writing pass,
// having written nothing; during it, once the chunk being written is in,
// with the counts so far and their words indexed. Importing the file again
// finishes it.
func (s *Store) ImportContext(ctx context.Context, r io.Reader, o ImportOptions) (ImportResult, error) {
	src, err := newReplay(r)
	if err != nil {
		return ImportResult{}, err
	}
	defer src.close()
	ck := s.importChunking()
	check, report := o.Check, o.Progress
	if report == nil {
		report = func(ImportProgress) {}
	}
	var at ImportProgress
	var order orderCheck
	err = eachChunk(src.first(), check, chunking{lines: ck.lines}, func(b *batch) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		order.see(b.recs)
		at.Checked, at.Total = b.lines, b.before+len(b.recs)
		report(ImportProgress{Checked: at.Checked})
		return nil
	})
	if err != nil {
		return ImportResult{}, err
	}
	report(at)
	again, err := src.ordered(ctx, order.shuffled, check, ck.lines, func(n int) {
		at.Sorted = n
		report(at)
	})
	if err != nil {
		return ImportResult{}, err
	}
	bi := newBulkIndex(s)
	defer bi.close()
	var res ImportResult
	err = pipeChunks(again, check, ck, func(b *batch) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		got, err := s.importChunk(bi, b)
		if err != nil {
			return err
		}
		res.Added += got.Added
		res.Updated += got.Updated
		res.Unchanged += got.Unchanged
		at.Written = b.before + len(b.recs)
		report(at)
		return nil
	})
	if bi.owned && !bi.lost && !s.chunks.dieEarly {
		// After a failure too: the chunks written are indexed now rather
		// than by a recovery.
		ierr := bi.finish(func(done, total int) {
			at.Indexed, at.IndexTotal = done, total
			report(at)
		})
		if ierr != nil && !bi.lost {
			// The runs failed (a full temporary folder, say): the stored
			// records give the words instead.
			ierr = s.indexPending(bi.owner, func(int) {})
		}
		if err == nil && ierr != nil {
			err = fmt.Errorf("indexing the imported jobs' words: %w", ierr)
		}
	}
	return res, err
}

// importChunk writes the records of one chunk in one transaction, its
// words in the index too unless bi, owning the import's mark, takes them.
func (s *Store) importChunk(bi *bulkIndex, b *batch) (ImportResult, error) {
	var got ImportResult
	bulk := false
	err := s.update(func(tx *writeTx) error {
		got = ImportResult{}
		// Imported jobs are mostly finished ones that stay as they
		// are: full pages make the file a tenth smaller, with as much
		// less to write, and a job rewritten later only splits its page.
		tx.Bucket(bucketJobs).FillPercent = 1
		var err error
		if bulk, err = bi.claim(tx, b.before == 0); err != nil {
			return err
		}
		for _, rec := range b.recs {
			if err := importOne(tx, rec, &got); err != nil {
				return err
			}
		}
		if !bulk {
			if err := b.words.apply(tx, b.recs); err != nil {
				return err
			}
		}
		return addCount(tx, got.Added)
	})
	if err == nil && bulk {
		bi.queue <- spilled{b.words, b.recs}
	}
	if err != nil {
		return got, fmt.Errorf("importing (after %d records): %w", b.before, err)
	}
	return got, nil
}

// eachChunk reads r's lines in chunks of ck.lines, decodes and checks each
// chunk (over the CPUs; for writing, ck.words > 0, also preparing its
// writing, see prepareWrite, in batches of at most ck.words words) and
// hands it to fn; it stops at the first bad line with a *LineError.
func eachChunk(r io.Reader, check func(*Job) error, ck chunking, fn func(*batch) error) error {
	forWrite := ck.words > 0
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxImportLine)
	// The chunk's lines are copied end to end into one buffer, which the
	// next chunk reuses: records keep none of their line's bytes, and a
	// copy per line was a tenth of what an import allocates.
	var (
		text  []byte   // the chunk's lines
		ends  []int    // where each ends in text
		lines [][]byte // the lines, for decoding
	)
	first, done := 1, 0
	var planner wordPlanner
	flush := func() error {
		lines = lines[:0]
		start := 0
		for _, end := range ends {
			lines = append(lines, text[start:end:end])
			start = end
		}
		recs, err := decodeLines(lines, first, check, forWrite)
		if err != nil {
			return err
		}
		parts := [][]*importRecord{recs}
		if forWrite {
			parts = splitByWords(recs, ck.words)
		}
		for _, part := range parts {
			b := &batch{recs: part, before: done, lines: first - 1 + len(lines)}
			if forWrite {
				b.words = planner.plan(part)
			}
			if err := fn(b); err != nil {
				return err
			}
			done += len(part)
		}
		first += len(lines)
		text, ends = text[:0], ends[:0]
		return nil
	}
	for sc.Scan() {
		line := sc.Bytes()
		if first == 1 && len(ends) == 0 {
			line = bytes.TrimPrefix(line, []byte("\xef\xbb\xbf")) // a BOM some editors add
		}
		text = append(text, line...)
		ends = append(ends, len(text))
		if len(ends) == ck.lines || len(text) >= importChunkBytes {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return &LineError{Line: first + len(ends), Err: fmt.Errorf("%w: longer than %d KB", ErrInvalid, MaxImportLine>>10)}
		}
		return fmt.Errorf("reading import: %w", err)
	}
	return flush()
}

// decodeLines decodes and checks lines (the first being line number first),
// spreading the work over the CPUs, and returns the records in order or the
// first bad line's error.
func decodeLines(lines [][]byte, first int, check func(*Job) error, forWrite bool) ([]*importRecord, error) {
	recs := make([]*importRecord, len(lines))
	const chunk = 256
	var (
		next    atomic.Int64
		wg      sync.WaitGroup
		mu      sync.Mutex
		firstAt = len(lines)
		bad     error
	)
	for range min(runtime.GOMAXPROCS(0), len(lines)/chunk+1) {
		wg.Go(func() {
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= len(lines) {
					return
				}
				for i := lo; i < min(lo+chunk, len(lines)); i++ {
					line := bytes.TrimSpace(lines[i])
					if len(line) == 0 {
						continue
					}
					rec, err := decodeRecord(line, check)
					if err != nil {
						mu.Lock()
						if i < firstAt {
							firstAt, bad = i, err
						}
						mu.Unlock()
						break // later lines of this chunk cannot come first
					}
					if forWrite {
						rec.prepareWrite(line)
					} else {
						rec.line = line
					}
					recs[i] = rec
				}
			}
		})
	}
	wg.Wait()
	if bad != nil {
		return nil, &LineError{Line: first + firstAt, Err: bad}
	}
	return slices.DeleteFunc(recs, func(r *importRecord) bool { return r == nil }), nil
}

func decodeRecord(line []byte, check func(*Job) error) (*importRecord, error) {
	rec := new(importRecord)
	j := &rec.job
	if err := unmarshalJob(line, j); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if j.UpdatedAt.IsZero() {
		j.UpdatedAt = j.CreatedAt
	}
	j.normalize()
	c := *j
	if c.ID == "" {
		c.ID = "placeholder"
	}
	if err := c.validate(); err != nil {
		return nil, err
	}
	if err := checkImported(j); err != nil {
		return nil, err
	}
	if check != nil {
		if err := check(j); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
		}
	}
	return rec, nil
}

// importOne merges one record into the store and counts the outcome.
func importOne(tx *writeTx, rec *importRecord, res *ImportResult) error {
	j := &rec.job
	if j.TaskID != "" {
		if id := tx.Bucket(bucketTask).Get([]byte(j.TaskID)); id != nil {
			existing, err := getJob(tx, string(id))
			if err != nil {
				return err
			}
			return mergeRecord(tx, &existing, rec, res)
		}
	}
	jobs := tx.Bucket(bucketJobs)
	if j.ID != "" {
		v := jobs.Get([]byte(j.ID))
		if v == nil {
			res.Added++
			return rec.put(tx, nil)
		}
		existing, err := decodeJob(j.ID, v)
		if err != nil {
			return err
		}
		if existing.TaskID == "" || j.TaskID == "" {
			return mergeRecord(tx, &existing, rec, res)
		}
		// Two tasks under one id: different jobs (from different
		// machines); keep both.
	}
	seed := rec.idSeed()
	for n := uint64(0); ; n++ {
		id := encodeID(j.CreatedAt, seed+n)
		v := jobs.Get([]byte(id))
		if v == nil {
			j.ID = id
			res.Added++
			return rec.put(tx, nil)
		}
		existing, err := decodeJob(id, v)
		if err != nil {
			return err
		}
		if sameOrigin(&existing, j) {
			return mergeRecord(tx, &existing, rec, res)
		}
	}
}

// mergeRecord keeps whichever of the stored job and the record was updated
// last, under the stored job's id, but never trades a task id for none.
func mergeRecord(tx *writeTx, existing *Job, rec *importRecord, res *ImportResult) error {
	j := &rec.job
	if !j.UpdatedAt.After(existing.UpdatedAt) || existing.TaskID != "" && j.TaskID == "" {
		res.Unchanged++
		return nil
	}
	j.ID = existing.ID
	res.Updated++
	return rec.put(tx, existing)
}

// sameOrigin reports whether a stored job and an id-less record describe
// the same submission: what was asked for, and when, is fixed at creation.
func sameOrigin(a, b *Job) bool {
	return a.CreatedAt.Equal(b.CreatedAt) && a.Model == b.Model && a.Prompt == b.Prompt &&
		a.ImageURL == b.ImageURL && a.GroupID == b.GroupID &&
		(a.TaskID == "" || b.TaskID == "" || a.TaskID == b.TaskID)
}
