package history

import (
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Query selects jobs for List. The zero Query lists every job, newest first.
//
// Paging: pass the Cursor of the last job of a page as After to get the next
// (older) page, or the Cursor of the first job of a page as Before to get the
// previous (newer) one. Results are newest first either way.
type Query struct {
	// Statuses keeps jobs in any of these statuses; empty keeps all.
	Statuses []Status
	// Model keeps jobs of this API model name; empty keeps all.
	Model string
	// Search keeps jobs whose prompt, id or task id contains this text,
	// ignoring case.
	Search string
	// CreatedBefore, when set, keeps jobs created strictly before it.
	CreatedBefore time.Time
	// After keeps jobs older than this position (the next page).
	After *Cursor
	// Before keeps jobs newer than this position (the previous page);
	// with Limit, the Limit jobs closest to it.
	Before *Cursor
	// Limit caps the number of jobs returned; 0 or less means no cap.
	Limit int
}

// List returns the jobs that match q, newest first by created_at, then by
// id. It walks an index that matches q's filters (order, status, model, or
// both), so a page costs about the same at any history size; only Search
// reads jobs that it then skips.
func (s *Store) List(q Query) ([]Job, error) {
	for _, st := range q.Statuses {
		if !st.Valid() {
			return nil, fmt.Errorf("%w: invalid status %q", ErrInvalid, st)
		}
	}
	var out []Job
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		out, err = list(tx, q)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ListStamped is List with the Stamp of the same moment, read in one
// transaction: the jobs are exactly those of that stamp.
func (s *Store) ListStamped(q Query) ([]Job, Stamp, error) {
	for _, st := range q.Statuses {
		if !st.Valid() {
			return nil, Stamp{}, fmt.Errorf("%w: invalid status %q", ErrInvalid, st)
		}
	}
	var out []Job
	var stamp Stamp
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		stamp = stampOf(tx)
		out, err = list(tx, q)
		return err
	})
	if err != nil {
		return nil, Stamp{}, err
	}
	return out, stamp, nil
}

// Unfinished returns every job that is not terminal (submitting,
// unconfirmed, not_started, running), newest first. It reads only the
// status index entries of those statuses, never the whole history.
func (s *Store) Unfinished() ([]Job, error) {
	return s.List(Query{Statuses: unfinishedStatuses})
}

func list(tx *bolt.Tx, q Query) ([]Job, error) {
	var hi, lo []byte
	if q.After != nil {
		hi = cursorPosition(*q.After)
	}
	if !q.CreatedBefore.IsZero() {
		// Every position with this time or later sorts at or after
		// the bare 8-byte time.
		cb := position(q.CreatedBefore, "")
		if hi == nil || string(cb) < string(hi) {
			hi = cb
		}
	}
	if q.Before != nil {
		lo = cursorPosition(*q.Before)
	}
	// Walking up from Before finds the jobs just newer than it; the page
	// is reversed at the end.
	desc := q.Before == nil

	statuses := slices.Clone(q.Statuses)
	slices.Sort(statuses)
	statuses = slices.Compact(statuses)
	var bucket []byte
	var prefixes [][]byte
	switch {
	case len(statuses) > 0 && q.Model != "":
		bucket = bucketModelStatus
		for _, st := range statuses {
			prefixes = append(prefixes, fieldPrefix(q.Model, string(st)))
		}
	case len(statuses) > 0:
		bucket = bucketStatus
		for _, st := range statuses {
			prefixes = append(prefixes, fieldPrefix(string(st)))
		}
	case q.Model != "":
		bucket, prefixes = bucketModel, [][]byte{fieldPrefix(q.Model)}
	default:
		bucket, prefixes = bucketCreated, [][]byte{nil}
	}
	b := tx.Bucket(bucket)
	m := &mergeIter{desc: desc}
	for _, p := range prefixes {
		m.its = append(m.its, newIndexIter(b, p, lo, hi, desc))
	}

	search := strings.ToLower(q.Search)
	jobs := tx.Bucket(bucketJobs)
	var out []Job
	for pos := m.next(); pos != nil; pos = m.next() {
		id := idFromPosition(pos)
		v := jobs.Get([]byte(id))
		if v == nil {
			return nil, fmt.Errorf("index entry for missing job %s", id)
		}
		j, err := decodeJob(id, v)
		if err != nil {
			return nil, err
		}
		if search != "" && !matches(&j, search) {
			continue
		}
		out = append(out, j)
		if q.Limit > 0 && len(out) == q.Limit {
			break
		}
	}
	if !desc {
		slices.Reverse(out)
	}
	return out, nil
}

// matches reports whether the job's prompt, id or task id contains the
// lowercase text.
func matches(j *Job, lower string) bool {
	return strings.Contains(strings.ToLower(j.Prompt), lower) ||
		strings.Contains(strings.ToLower(j.ID), lower) ||
		strings.Contains(strings.ToLower(j.TaskID), lower)
}
