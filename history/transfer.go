package history

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
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
	bw := bufio.NewWriterSize(w, 64<<10)
	wk, err := newWalk(Query{})
	if err != nil {
		return err
	}
	wk.desc = false // oldest first
	err = s.walkEach(context.Background(), wk, func(j Job) error {
		line, err := j.MarshalJSON()
		if err != nil {
			return err
		}
		if _, err := bw.Write(append(line, '\n')); err != nil {
			return fmt.Errorf("writing export: %w", err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing export: %w", err)
	}
	return nil
}

// ImportResult counts what Import did with each record.
type ImportResult struct {
	Added     int // new jobs
	Updated   int // stored jobs replaced by a newer record
	Unchanged int // records already stored, or older than the stored job
}

// importBatch is how many records Import writes per transaction: large
// enough to be fast, small enough that other processes get a turn.
const importBatch = 10000

// Import merges JSON Lines of jobs (as written by Export) into the store.
//
// Every line is checked before anything is written: the first bad one
// (invalid JSON, unknown status, bad or missing created_at) fails the
// import with a *LineError naming its line, wrapping ErrInvalid, and the
// store is left unchanged. Blank lines are skipped.
//
// Records are matched to stored jobs by task id, else by id; of a matched
// pair the one with the later updated_at is kept (under the stored job's
// id), but a record never replaces a job that has a task id with one that
// has none. A record without id gets a local id derived from its content,
// so importing the same file twice adds nothing. Records keep their own
// created_at, which orders them in lists.
//
// Valid records are written in batches of a few thousand per transaction;
// if writing fails midway (a full disk), the batches already written stay.
func (s *Store) Import(r io.Reader) (ImportResult, error) {
	recs, err := readRecords(r)
	if err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	for start := 0; start < len(recs); start += importBatch {
		end := min(start+importBatch, len(recs))
		var batch ImportResult
		err := s.update(func(tx *writeTx) error {
			batch = ImportResult{}
			for i := start; i < end; i++ {
				if err := importOne(tx, recs[i], &batch); err != nil {
					return err
				}
			}
			return addCount(tx, batch.Added)
		})
		if err != nil {
			return res, fmt.Errorf("importing (after %d of %d records): %w", start, len(recs), err)
		}
		res.Added += batch.Added
		res.Updated += batch.Updated
		res.Unchanged += batch.Unchanged
	}
	return res, nil
}

// importRecord is one record of a file: the job and the hash that derives
// its id when it has none.
type importRecord struct {
	job  Job
	hash [sha256.Size]byte
}

// readRecords decodes and checks every line of r, spreading the decoding
// over the CPUs, and returns the records in file order or the first bad
// line's error.
func readRecords(r io.Reader) ([]*importRecord, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading import: %w", err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // a BOM some editors add
	lines := bytes.Split(data, []byte("\n"))
	recs := make([]*importRecord, len(lines))
	const chunk = 256
	var (
		next    atomic.Int64
		wg      sync.WaitGroup
		mu      sync.Mutex
		firstAt = len(lines)
		first   error
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
					rec, err := decodeRecord(line)
					if err != nil {
						mu.Lock()
						if i < firstAt {
							firstAt, first = i, err
						}
						mu.Unlock()
						break // later lines of this chunk cannot come first
					}
					recs[i] = rec
				}
			}
		})
	}
	wg.Wait()
	if first != nil {
		return nil, &LineError{Line: firstAt + 1, Err: first}
	}
	return slices.DeleteFunc(recs, func(r *importRecord) bool { return r == nil }), nil
}

func decodeRecord(line []byte) (*importRecord, error) {
	rec := new(importRecord)
	j := &rec.job
	if err := json.Unmarshal(line, j); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if j.UpdatedAt.IsZero() {
		j.UpdatedAt = j.CreatedAt
	}
	j.normalize()
	check := *j
	if check.ID == "" {
		check.ID = "placeholder"
	}
	if err := check.validate(); err != nil {
		return nil, err
	}
	rec.hash = sha256.Sum256(line)
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
			return mergeRecord(tx, &existing, j, res)
		}
	}
	jobs := tx.Bucket(bucketJobs)
	if j.ID != "" {
		v := jobs.Get([]byte(j.ID))
		if v == nil {
			res.Added++
			return putJob(tx, j, nil)
		}
		existing, err := decodeJob(j.ID, v)
		if err != nil {
			return err
		}
		if existing.TaskID == "" || j.TaskID == "" {
			return mergeRecord(tx, &existing, j, res)
		}
		// Two tasks under one id: different jobs (from different
		// machines); keep both.
	}
	for n := uint64(0); ; n++ {
		id := encodeID(j.CreatedAt, binary.BigEndian.Uint64(rec.hash[:8])+n)
		v := jobs.Get([]byte(id))
		if v == nil {
			j.ID = id
			res.Added++
			return putJob(tx, j, nil)
		}
		existing, err := decodeJob(id, v)
		if err != nil {
			return err
		}
		if sameOrigin(&existing, j) {
			return mergeRecord(tx, &existing, j, res)
		}
	}
}

// mergeRecord keeps whichever of the stored job and the record was updated
// last, under the stored job's id, but never trades a task id for none.
func mergeRecord(tx *writeTx, existing, rec *Job, res *ImportResult) error {
	if !rec.UpdatedAt.After(existing.UpdatedAt) || existing.TaskID != "" && rec.TaskID == "" {
		res.Unchanged++
		return nil
	}
	rec.ID = existing.ID
	res.Updated++
	return putJob(tx, rec, existing)
}

// sameOrigin reports whether a stored job and an id-less record describe
// the same submission: what was asked for, and when, is fixed at creation.
func sameOrigin(a, b *Job) bool {
	return a.CreatedAt.Equal(b.CreatedAt) && a.Model == b.Model && a.Prompt == b.Prompt &&
		a.ImageURL == b.ImageURL && a.GroupID == b.GroupID &&
		(a.TaskID == "" || b.TaskID == "" || a.TaskID == b.TaskID)
}
