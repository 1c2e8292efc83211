package history

import (
	"context"
	"fmt"
	"slices"
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
	// ignoring case, where a word starts (see words.go for the rule).
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
// both), so a page costs about the same at any history size; a Search
// walks the word index when the text has a word few jobs start (see
// words.go), else the jobs, skipping those that do not match.
//
// A long walk reads the file in several short transactions (see
// chunkBudget), so other processes can write in between; a job written
// meanwhile is included when it sorts after the point reached.
func (s *Store) List(q Query) ([]Job, error) {
	return s.ListContext(context.Background(), q)
}

// ListContext is List, stopped early with ctx's error when ctx ends: a
// search superseded by the next keystroke costs no more than one short
// transaction. Interfaces run it off their event loop and cancel ctx when
// the search text changes.
func (s *Store) ListContext(ctx context.Context, q Query) ([]Job, error) {
	out, _, err := s.listStamped(ctx, q)
	return out, err
}

// ListStamped is List with the Stamp read in its first transaction: when
// the jobs span several transactions, a write in between makes the file's
// stamp differ from the one returned, so a caller that compares stamps
// reloads rather than miss a change.
func (s *Store) ListStamped(q Query) ([]Job, Stamp, error) {
	return s.listStamped(context.Background(), q)
}

func (s *Store) listStamped(ctx context.Context, q Query) ([]Job, Stamp, error) {
	w, err := newWalk(q)
	if err != nil {
		return nil, Stamp{}, err
	}
	var out []Job
	var stamp Stamp
	p := pacer{since: time.Now()}
	for first := true; !w.done; first = false {
		p.pause()
		err := s.viewMapped(!first, func(tx *bolt.Tx) error {
			if first {
				stamp = stampOf(tx)
			}
			var err error
			out, err = w.step(ctx, tx, out)
			return err
		})
		if err != nil {
			return nil, Stamp{}, err
		}
	}
	if !w.desc {
		slices.Reverse(out)
	}
	return out, stamp, nil
}

// Each calls fn with every job that matches q, newest first, as List
// would return them, but holds at most one transaction's jobs in memory
// and calls fn outside any transaction, so a slow fn never keeps the file
// locked. It stops at fn's first error and returns it. q.Before is not
// supported (ErrInvalid): page forwards with q.After.
func (s *Store) Each(ctx context.Context, q Query, fn func(Job) error) error {
	if q.Before != nil {
		return fmt.Errorf("%w: Each walks newest first; page with After, not Before", ErrInvalid)
	}
	w, err := newWalk(q)
	if err != nil {
		return err
	}
	return s.walkEach(ctx, w, fn)
}

// walkEach runs w to its end, handing each job to fn outside the
// transactions.
func (s *Store) walkEach(ctx context.Context, w *walk, fn func(Job) error) error {
	var batch []Job
	p := pacer{since: time.Now()}
	for first := true; !w.done; first = false {
		p.pause()
		err := s.viewMapped(!first, func(tx *bolt.Tx) error {
			var err error
			batch, err = w.step(ctx, tx, batch[:0])
			return err
		})
		if err != nil {
			return err
		}
		for _, j := range batch {
			if err := fn(j); err != nil {
				return err
			}
		}
	}
	return nil
}

// Unfinished returns every job that is not terminal (submitting,
// unconfirmed, not_started, running), newest first. It reads only the
// status index entries of those statuses, never the whole history.
func (s *Store) Unfinished() ([]Job, error) {
	return s.List(Query{Statuses: unfinishedStatuses})
}
