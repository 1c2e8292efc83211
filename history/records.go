package history

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Create stores a new job. It assigns j.ID when empty (a 13-character,
// time-ordered, lowercase id), sets CreatedAt when zero, UpdatedAt and
// Schema, defaults Status to StatusSubmitting and starts StatusHistory.
// It fails with ErrExists when the id or task id is taken, and with
// ErrInvalid when the job breaks the rules in Job's field comments. j is
// changed only when Create succeeds.
func (s *Store) Create(j *Job) error {
	return s.CreateGroup([]*Job{j})
}

// CreateGroup stores several new jobs, as Create does, in one transaction:
// all of them or none.
func (s *Store) CreateGroup(js []*Job) error {
	now := s.now().UTC()
	prepared := make([]Job, len(js))
	for i, j := range js {
		p := *j
		if p.CreatedAt.IsZero() {
			p.CreatedAt = now
		}
		p.UpdatedAt = now
		if p.Status == "" {
			p.Status = StatusSubmitting
		}
		if len(p.StatusHistory) == 0 {
			p.StatusHistory = []StatusChange{{Status: p.Status, At: p.CreatedAt}}
		}
		p.normalize()
		check := p
		if check.ID == "" {
			check.ID = "placeholder"
		}
		if err := check.validate(); err != nil {
			return err
		}
		prepared[i] = p
	}
	err := s.update(func(tx *writeTx) error {
		jobs := tx.Bucket(bucketJobs)
		for i := range prepared {
			p := &prepared[i]
			if p.ID == "" {
				for p.ID = newID(p.CreatedAt); jobs.Get([]byte(p.ID)) != nil; {
					p.ID = newID(p.CreatedAt)
				}
			} else if jobs.Get([]byte(p.ID)) != nil {
				return fmt.Errorf("%w: id %s", ErrExists, p.ID)
			}
			if p.TaskID != "" && tx.Bucket(bucketTask).Get([]byte(p.TaskID)) != nil {
				return fmt.Errorf("%w: task id %s", ErrExists, p.TaskID)
			}
			if err := putJob(tx, p, nil); err != nil {
				return err
			}
		}
		return addCount(tx, len(prepared))
	})
	if err != nil {
		return err
	}
	for i, j := range js {
		*j = prepared[i]
	}
	return nil
}

// Update reads the job with local id id, lets fn change it, and writes it
// back in one transaction, keeping the indexes right and setting
// UpdatedAt. An error from fn is returned as is and nothing is written.
// fn must not change the id, block, or call methods of the Store.
func (s *Store) Update(id string, fn func(*Job) error) (Job, error) {
	var out Job
	err := s.update(func(tx *writeTx) error {
		old, err := getJob(tx, id)
		if err != nil {
			return err
		}
		j := old
		// fn may append to the slices; give it its own copies so old
		// stays what is on disk.
		j.VideoURLs = append([]string(nil), old.VideoURLs...)
		j.StatusHistory = append([]StatusChange(nil), old.StatusHistory...)
		if err := fn(&j); err != nil {
			return err
		}
		if j.ID != old.ID {
			return fmt.Errorf("%w: Update cannot change id %s to %s", ErrInvalid, old.ID, j.ID)
		}
		j.UpdatedAt = s.now().UTC()
		j.normalize()
		if err := j.validate(); err != nil {
			return err
		}
		if j.TaskID != "" && j.TaskID != old.TaskID {
			if other := tx.Bucket(bucketTask).Get([]byte(j.TaskID)); other != nil && string(other) != j.ID {
				return fmt.Errorf("%w: task id %s belongs to job %s", ErrExists, j.TaskID, other)
			}
		}
		if err := putJob(tx, &j, &old); err != nil {
			return err
		}
		out = j
		return nil
	})
	if err != nil {
		return Job{}, err
	}
	return out, nil
}

// Get returns the job with local id id, or an error wrapping ErrNotFound.
func (s *Store) Get(id string) (Job, error) {
	return s.viewJob(func(tx *bolt.Tx) (Job, error) { return getJob(tx, id) })
}

// ByTaskID returns the job with APIDot task id taskID, or an error wrapping
// ErrNotFound.
func (s *Store) ByTaskID(taskID string) (Job, error) {
	return s.viewJob(func(tx *bolt.Tx) (Job, error) { return jobByTask(tx, taskID) })
}

// viewJob returns the job that read finds in a read-only transaction.
func (s *Store) viewJob(read func(*bolt.Tx) (Job, error)) (Job, error) {
	var j Job
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		j, err = read(tx)
		return err
	})
	return j, err
}

// ShortIDs gives each id its ShortID against the ids next to it in the
// history, as git abbreviates commits, so what a list shows works as an
// argument to Find. An id not in the history keeps its full length.
func (s *Store) ShortIDs(ids []string, least int) (map[string]string, error) {
	out := make(map[string]string, len(ids))
	err := s.view(func(tx *bolt.Tx) error {
		c := tx.Bucket(bucketJobs).Cursor()
		for _, id := range ids {
			out[id] = id
			if k, _ := c.Seek([]byte(id)); string(k) != id {
				continue
			}
			next, _ := c.Next()
			c.Seek([]byte(id))
			prev, _ := c.Prev()
			out[id] = ShortID(id, least, string(next), string(prev))
		}
		return nil
	})
	return out, err
}

// ShortID is the shortest prefix of id, at least least characters long,
// that none of neighbours starts with. Ids sort in time order, so the ids
// just before and after id are the only ones that can share its longest
// prefix: passing those two makes the prefix unique among all.
func ShortID(id string, least int, neighbours ...string) string {
	n := 0
	for _, other := range neighbours {
		shared := 0
		for shared < len(id) && shared < len(other) && id[shared] == other[shared] {
			shared++
		}
		n = max(n, shared)
	}
	return id[:min(len(id), max(least, n+1))]
}

// minPrefix is the shortest id prefix Find accepts: any unique prefix
// will do, since an ambiguous one lists the candidates.
const minPrefix = 1

// Find resolves what a person typed: an exact local id, else an exact task
// id, else a non-empty local id prefix that matches one job.
// It fails with ErrNotFound, or with an *AmbiguousError (ErrAmbiguous).
func (s *Store) Find(ref string) (Job, error) {
	var j Job
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		if j, err = getJob(tx, ref); !errors.Is(err, ErrNotFound) {
			return err
		}
		if j, err = jobByTask(tx, ref); !errors.Is(err, ErrNotFound) {
			return err
		}
		if len(ref) < minPrefix {
			return err
		}
		var ids []string
		more := false
		c := tx.Bucket(bucketJobs).Cursor()
		prefix := []byte(ref)
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			if len(ids) == maxAmbiguousIDs {
				more = true
				break
			}
			ids = append(ids, string(k))
		}
		switch {
		case len(ids) == 0:
			return err
		case len(ids) > 1 || more:
			return &AmbiguousError{Ref: ref, IDs: ids}
		}
		j, err = getJob(tx, ids[0])
		return err
	})
	if err != nil {
		return Job{}, err
	}
	return j, nil
}

// Delete removes the jobs with these local ids and their index entries in
// one transaction and returns how many it removed; ids not stored are
// skipped.
func (s *Store) Delete(ids ...string) (int, error) {
	n := 0
	err := s.update(func(tx *writeTx) error {
		n = 0
		for _, id := range ids {
			old, err := getJob(tx, id)
			if errors.Is(err, ErrNotFound) {
				continue
			} else if err != nil {
				return err
			}
			if err := deleteIndexes(tx, &old); err != nil {
				return err
			}
			if err := tx.Bucket(bucketJobs).Delete([]byte(id)); err != nil {
				return err
			}
			n++
		}
		return addCount(tx, -n)
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// getJob decodes the job with local id id.
func getJob(tx bucketer, id string) (Job, error) {
	v := tx.Bucket(bucketJobs).Get([]byte(id))
	if v == nil {
		return Job{}, fmt.Errorf("job %q: %w", id, ErrNotFound)
	}
	return decodeJob(id, v)
}

func decodeJob(id string, v []byte) (Job, error) {
	j, err := decodeJobRecord(v)
	if err != nil {
		return Job{}, fmt.Errorf("history file: job %s: %w", id, err)
	}
	return j, nil
}

func jobByTask(tx bucketer, taskID string) (Job, error) {
	id := tx.Bucket(bucketTask).Get([]byte(taskID))
	if id == nil {
		return Job{}, fmt.Errorf("task %q: %w", taskID, ErrNotFound)
	}
	return getJob(tx, string(id))
}

// putJob writes j and its index entries; old, when non-nil, is the record
// it replaces, whose entries are removed where they differ.
func putJob(tx *writeTx, j, old *Job) error {
	_, err := putJobWords(tx, j, nil, jobWords(j), old)
	return err
}

// putJobWords is putJob with j's words (jobWords) found beforehand, and
// its record (encodeJob) too unless record is nil; it returns j's doc in
// the word index.
func putJobWords(tx *writeTx, j *Job, record []byte, words []string, old *Job) (uint64, error) {
	if record == nil {
		record = encodeJob(j)
	}
	if err := tx.Bucket(bucketJobs).Put([]byte(j.ID), record); err != nil {
		return 0, err
	}
	doc, err := putWords(tx, j, words, old)
	if err != nil {
		return 0, err
	}
	newKeys := indexKeys(j)
	var oldKeys [numIndexes]indexKey
	if old != nil {
		oldKeys = indexKeys(old)
	}
	for i, k := range oldKeys {
		if k.key != nil && !bytes.Equal(k.key, newKeys[i].key) {
			if err := tx.Bucket(k.bucket).Delete(k.key); err != nil {
				return 0, err
			}
		}
	}
	for i, k := range newKeys {
		if k.key != nil && !bytes.Equal(k.key, oldKeys[i].key) {
			if err := tx.Bucket(k.bucket).Put(k.key, k.value); err != nil {
				return 0, err
			}
		}
	}
	return doc, nil
}

func deleteIndexes(tx *writeTx, j *Job) error {
	if err := deleteWords(tx, j); err != nil {
		return err
	}
	for _, k := range indexKeys(j) {
		if k.key != nil {
			if err := tx.Bucket(k.bucket).Delete(k.key); err != nil {
				return err
			}
		}
	}
	return nil
}

func addCount(tx bucketer, delta int) error {
	if delta == 0 {
		return nil
	}
	meta := tx.Bucket(bucketMeta)
	n := int64(readU64(meta.Get(keyCount))) + int64(delta)
	if n < 0 {
		n = 0
	}
	return meta.Put(keyCount, u64(uint64(n)))
}

func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func readU64(b []byte) uint64 {
	if len(b) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(b)
}
