package history

import (
	"fmt"
	"os"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// mappedReader keeps one read-only bbolt handle, and so the file's memory
// map, from one read to the next: a fresh map costs a page fault for every
// page a read touches (~30 µs each on a virtual machine), which made an
// indexed search of 100,000 jobs four times the cost of one of 10. Between
// reads it holds no lock, so other processes write as freely as before;
// each read takes the shared lock again on the kept file and reuses the map
// only while the file is the one mapped, at the size mapped.
type mappedReader struct {
	mu    sync.Mutex
	db    *bolt.DB
	file  *os.File // db's file, whose lock the reads take and release
	ident fileIdent
	users int  // reads in progress; they share one shared lock
	drop  bool // a read in progress was long: unmap when the last ends
	// longRead, when set, replaces keepMapped (for tests).
	longRead time.Duration
}

// fileIdent tells whether the path still names the file mapped, unchanged
// in size (bbolt never shrinks a file, and grows it before writing past
// its end). Where identOf cannot tell (not on Unix), every read maps the
// file afresh.
type fileIdent struct {
	dev, ino uint64
	size     int64
}

// keepMapped is how long a read may take and still leave the map in place:
// a longer one (a scan) may have touched much of the file, whose pages
// would otherwise stay in the process's resident memory.
const keepMapped = 5 * time.Millisecond

// long reports whether a read that took d was long (see keepMapped).
func (r *mappedReader) long(d time.Duration) bool {
	if r.longRead > 0 {
		return d > r.longRead
	}
	return d > keepMapped
}

// acquire returns the handle with the file's shared lock held, mapping the
// file afresh when it changed; release ends the read.
func (r *mappedReader) acquire(s *Store) (*bolt.DB, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.users > 0 {
		r.users++
		return r.db, nil
	}
	if r.db != nil {
		same, err := r.relock(s)
		if err != nil {
			return nil, err
		}
		if same {
			r.users = 1
			return r.db, nil
		}
		r.closeLocked()
	}
	var file *os.File
	db, err := s.openDB(true, func(name string, flag int, perm os.FileMode) (*os.File, error) {
		f, err := os.OpenFile(name, flag, perm)
		file = f
		return f, err
	})
	if err != nil {
		return nil, err
	}
	// Without the file's identity a later read cannot tell whether it is
	// the same file: file stays nil, and release closes the handle.
	r.db, r.file, r.ident = db, nil, fileIdent{}
	if info, err := file.Stat(); err == nil {
		if ident, ok := identOf(info); ok {
			r.file, r.ident = file, ident
		}
	}
	r.users = 1
	return db, nil
}

// relock takes the shared lock on the kept file, waiting as openDB does,
// and reports whether the path still names that file at the size mapped;
// if not, the lock is let go again.
func (r *mappedReader) relock(s *Store) (bool, error) {
	err := s.retryLock(func() (bool, error) { return tryLockShared(r.file) })
	if err != nil {
		return false, err
	}
	info, err := os.Stat(s.path)
	if err == nil {
		if id, ok := identOf(info); ok && id == r.ident {
			return true, nil
		}
	}
	unlockFile(r.file)
	return false, nil
}

// release ends a read; long asks to let go of the map afterwards. When
// the last read in progress ends, the lock is let go, and the map too if
// any of those reads asked, or if the file's identity is unknown.
func (r *mappedReader) release(long bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.drop = r.drop || long
	if r.users--; r.users > 0 {
		return
	}
	if r.drop || r.file == nil {
		r.closeLocked()
		return
	}
	unlockFile(r.file)
}

// close unmaps the file; reads still in progress keep it until they end.
func (r *mappedReader) close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.users > 0 {
		r.drop = true
		return nil
	}
	return r.closeLocked()
}

func (r *mappedReader) closeLocked() error {
	var err error
	if r.db != nil {
		err = r.db.Close()
	}
	r.db, r.file, r.ident, r.drop = nil, nil, fileIdent{}, false
	if err != nil {
		return fmt.Errorf("closing history file: %w", err)
	}
	return nil
}
