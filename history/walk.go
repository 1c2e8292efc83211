package history

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// chunkBudget is how long one read transaction may walk the file before it
// lets go, so that a writer in another process (which needs the exclusive
// lock) waits at most about this long for any reader.
const chunkBudget = 25 * time.Millisecond

// chunkGap is how long a walk leaves the file unlocked between two
// transactions: a writer that polls every lockPoll gets in.
const chunkGap = 3 * time.Millisecond

// chunkJobs caps the jobs one transaction hands over, which bounds the
// memory of Each whatever the history's size.
const chunkJobs = 1000

// walk is a List in progress: the query, and the bounds that shrink as
// chunks are read, so the next transaction resumes after the last
// position seen.
type walk struct {
	search   string
	statuses []Status
	model    string
	desc     bool
	lo, hi   []byte // exclusive position bounds; nil: open
	bucket   []byte // the index walked when the word index is not used
	prefixes [][]byte
	left     int // jobs still wanted; 0: no cap
	done     bool
}

func newWalk(q Query) (*walk, error) {
	for _, st := range q.Statuses {
		if !st.Valid() {
			return nil, fmt.Errorf("%w: invalid status %q", ErrInvalid, st)
		}
	}
	w := &walk{search: strings.ToLower(q.Search), model: q.Model, left: max(q.Limit, 0)}
	if q.After != nil {
		w.hi = cursorPosition(*q.After)
	}
	if !q.CreatedBefore.IsZero() {
		// Every position with this time or later sorts at or after
		// the bare 8-byte time.
		cb := position(q.CreatedBefore, "")
		if w.hi == nil || string(cb) < string(w.hi) {
			w.hi = cb
		}
	}
	if q.Before != nil {
		w.lo = cursorPosition(*q.Before)
	}
	// Walking up from Before finds the jobs just newer than it; the page
	// is reversed at the end.
	w.desc = q.Before == nil
	w.statuses = slices.Clone(q.Statuses)
	slices.Sort(w.statuses)
	w.statuses = slices.Compact(w.statuses)
	switch {
	case len(w.statuses) > 0 && q.Model != "":
		w.bucket = bucketModelStatus
		for _, st := range w.statuses {
			w.prefixes = append(w.prefixes, fieldPrefix(q.Model, string(st)))
		}
	case len(w.statuses) > 0:
		w.bucket = bucketStatus
		for _, st := range w.statuses {
			w.prefixes = append(w.prefixes, fieldPrefix(string(st)))
		}
	case q.Model != "":
		w.bucket, w.prefixes = bucketModel, [][]byte{fieldPrefix(q.Model)}
	default:
		w.bucket, w.prefixes = bucketCreated, [][]byte{nil}
	}
	return w, nil
}

// iter opens the walk's index cursors inside tx: the jobs the word index
// finds when the search text has a rare word (then the status and model
// filters are checked on each job: filter is true), else the filters' own
// index.
func (w *walk) iter(tx *bolt.Tx) (it posIter, filter bool) {
	if w.search != "" {
		if poss, ok := wordPlan(tx, w.search); ok {
			return newPosList(poss, w.lo, w.hi, w.desc), true
		}
	}
	m := &mergeIter{desc: w.desc}
	b := tx.Bucket(w.bucket)
	for _, p := range w.prefixes {
		m.its = append(m.its, newIndexIter(b, p, w.lo, w.hi, w.desc))
	}
	return m, false
}

// posIter hands out positions in the walk's order; nil when done.
type posIter interface{ next() []byte }

// posList is a posIter over positions found beforehand.
type posList [][]byte

// newPosList keeps the positions of poss (ascending) strictly between lo
// and hi (nil: open), in the walk's order.
func newPosList(poss [][]byte, lo, hi []byte, desc bool) *posList {
	if lo != nil {
		i, found := slices.BinarySearchFunc(poss, lo, bytes.Compare)
		if found {
			i++
		}
		poss = poss[i:]
	}
	if hi != nil {
		i, _ := slices.BinarySearchFunc(poss, hi, bytes.Compare)
		poss = poss[:i]
	}
	if desc {
		slices.Reverse(poss)
	}
	l := posList(poss)
	return &l
}

func (l *posList) next() []byte {
	if len(*l) == 0 {
		return nil
	}
	pos := (*l)[0]
	*l = (*l)[1:]
	return pos
}

// step reads matching jobs in tx, appending them to out, until the walk
// ends, chunkJobs are read or chunkBudget is spent; the walk's bounds then
// record where the next step resumes. It fails with ctx's error once ctx
// ends.
func (w *walk) step(ctx context.Context, tx *bolt.Tx, out []Job) ([]Job, error) {
	if err := ctx.Err(); err != nil {
		return out, err
	}
	m, filter := w.iter(tx)
	jobs := tx.Bucket(bucketJobs)
	start := time.Now()
	for n, read := 1, 0; ; n++ {
		if n%32 == 0 {
			if err := ctx.Err(); err != nil {
				return out, err
			}
			if time.Since(start) > chunkBudget {
				return out, nil
			}
		}
		pos := m.next()
		if pos == nil {
			w.done = true
			return out, nil
		}
		if w.desc {
			w.hi = pos
		} else {
			w.lo = pos
		}
		id := idFromPosition(pos)
		v := jobs.Get([]byte(id))
		if v == nil {
			return out, fmt.Errorf("index entry for missing job %s", id)
		}
		j, err := decodeJob(id, v)
		if err != nil {
			return out, err
		}
		if filter && !w.keep(&j) || w.search != "" && !matches(&j, w.search) {
			continue
		}
		out = append(out, j)
		read++
		if w.left > 0 {
			if w.left--; w.left == 0 {
				w.done = true
				return out, nil
			}
		}
		if read == chunkJobs {
			return out, nil
		}
	}
}

// keep checks the status and model filters on a job found through the
// word index.
func (w *walk) keep(j *Job) bool {
	if w.model != "" && j.Model != w.model {
		return false
	}
	if len(w.statuses) > 0 && !slices.Contains(w.statuses, j.Status) {
		return false
	}
	return true
}

// pacer leaves the file unlocked for chunkGap once a walk has held it for
// about chunkBudget, which costs a long walk a tenth of its speed and
// lets a writer in another process wait no more than a moment.
type pacer struct{ since time.Time }

func (p *pacer) pause() {
	if time.Since(p.since) >= chunkBudget {
		time.Sleep(chunkGap)
		p.since = time.Now()
	}
}
