package history

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/soratui/soratui/internal/xdg"
	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Options tune a Store; the zero value is ready to use.
type Options struct {
	// Timeout is how long an operation waits for another process's lock
	// on the file before failing with ErrLocked; 0 means 5 seconds.
	Timeout time.Duration
	// Now is the clock for CreatedAt and UpdatedAt; nil means time.Now.
	Now func() time.Time
	// Indexing, when set, follows the search index work Open does before
	// it returns, which takes a while in a large file: the jobs of an
	// import that died before it indexed them (pending.go), or every job
	// of a file an older soratui wrote. It is called before the first
	// batch, with Done 0, and after each batch until Done is Total.
	Indexing func(IndexWork)

	// beforeRecovery, when set, runs between Open's look at a stale
	// import mark and its claim of it (tests: another process's Open
	// coming in between).
	beforeRecovery func()
}

// IndexWork is how far Open's index work is (Options.Indexing).
type IndexWork struct {
	// Recovery is true for the jobs of an import that died, false for a
	// file of an older schema.
	Recovery    bool
	Done, Total int
}

// DefaultTimeout is the lock wait used when Options.Timeout is zero.
const DefaultTimeout = 5 * time.Second

// Bucket and key names of the file layout (schema version 4).
var (
	bucketMeta        = []byte("meta")
	bucketJobs        = []byte("jobs")            // id → job record (see codec.go)
	bucketCreated     = []byte("by_created")      // pos → nil
	bucketStatus      = []byte("by_status")       // status 0 pos → nil
	bucketModel       = []byte("by_model")        // model 0 pos → nil
	bucketModelStatus = []byte("by_model_status") // model 0 status 0 pos → nil
	bucketTask        = []byte("by_task")         // task id → id
	bucketWordBlocks  = []byte("word_blocks")     // word 0 doc → later docs' gaps (postings.go)
	bucketWordTails   = []byte("word_tails")      // word → first doc, later docs' gaps
	bucketDocs        = []byte("docs")            // doc → pos
	bucketDocOf       = []byte("doc_of")          // id → doc

	allBuckets = [][]byte{bucketMeta, bucketJobs, bucketCreated, bucketStatus, bucketModel, bucketModelStatus,
		bucketTask, bucketWordBlocks, bucketWordTails, bucketDocs, bucketDocOf, bucketTouched}

	// The word indexes of schemas 2 (a key per word and job) and 3 (the
	// blocks and tails in one bucket), dropped by migrateWords.
	oldWordBuckets = [][]byte{[]byte("by_word"), []byte("word_docs")}

	keySchema = []byte("schema")
	keySeq    = []byte("seq")   // bumped by every write transaction
	keyCount  = []byte("count") // number of jobs
)

// fillPercent is how full bbolt fills a page it splits (its default is 0.5).
const fillPercent = 0.9

// Store is the history file. It holds no lock between calls: every method
// locks the file for one transaction and lets go again, so several soratui
// processes can share the file. Between reads it keeps the file open and
// mapped (see mappedReader), until Close. A Store is safe for
// concurrent use by several goroutines.
type Store struct {
	path    string
	timeout time.Duration
	now     func() time.Time

	// mu queues this process's own operations, which would otherwise
	// wait on each other's file locks in 50 ms steps.
	mu     sync.RWMutex
	closed atomic.Bool
	// stamp is the last Stamp read, kept while the file is unchanged.
	stamp stampCache
	// reader keeps the file mapped between reads.
	reader mappedReader
	// indexing is Options.Indexing.
	indexing func(IndexWork)
	// chunks, when set, replaces importChunk, importBatchWords and
	// bulkWords (for tests).
	chunks chunking
}

// DefaultPath returns where the history file lives: $SORATUI_DB if set,
// else $XDG_DATA_HOME/soratui/history.db, else
// ~/.local/share/soratui/history.db. getenv is usually os.Getenv.
func DefaultPath(getenv func(string) string) (string, error) {
	if p := getenv("SORATUI_DB"); p != "" {
		return p, nil
	}
	p, err := xdg.File(getenv, "XDG_DATA_HOME", filepath.Join(".local", "share"), "history.db")
	if err != nil {
		return "", fmt.Errorf("finding the history file: %w", err)
	}
	return p, nil
}

// Open prepares the history file at path and returns a Store for it. It
// creates missing folders with mode 0700 and the file with mode 0600
// (tightening an existing file to 0600), creates the buckets and records
// the schema version, and indexes the jobs of an import that died before
// it indexed them (see pending.go). It refuses a file written by a newer
// soratui with an error wrapping ErrNewerSchema. The file is closed again
// before Open returns.
func Open(path string, opts Options) (*Store, error) {
	if path == "" {
		return nil, errors.New("history: empty file path")
	}
	s := &Store{path: path, timeout: opts.Timeout, now: opts.Now, indexing: opts.Indexing}
	if s.timeout <= 0 {
		s.timeout = DefaultTimeout
	}
	if s.now == nil {
		s.now = time.Now
	}
	if err := mkdirPrivate(filepath.Dir(path)); err != nil {
		return nil, fmt.Errorf("creating the folder of history file %s: %w", path, err)
	}
	size, err := createPrivate(path)
	if err != nil {
		return nil, fmt.Errorf("creating history file %s: %w", path, err)
	}
	if size > 0 {
		// The usual case: a shared lock is enough to see that the file
		// is ready, and does not wait for another process's reader.
		ready, orphaned := false, false
		err := s.view(func(tx *bolt.Tx) error {
			var err error
			ready, err = checkSchema(tx, path)
			m, found := readPending(tx.Bucket(bucketMeta))
			orphaned = ready && found && m.stale(s.now())
			return err
		})
		if err == nil && orphaned {
			if opts.beforeRecovery != nil {
				opts.beforeRecovery()
			}
			err = s.recoverPending()
		}
		if err != nil || ready {
			return errOr(s, err)
		}
	}
	migrate := false
	err = s.update(func(tx *writeTx) error {
		if _, err := checkSchema(tx, path); err != nil {
			return err
		}
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		if meta.Get(keySchema) == nil {
			return meta.Put(keySchema, u64(SchemaVersion))
		}
		migrate = readU64(meta.Get(keySchema)) < SchemaVersion
		return nil
	})
	if err == nil && migrate {
		err = s.migrateWords()
	}
	return errOr(s, err)
}

func errOr(s *Store, err error) (*Store, error) {
	if err != nil {
		return nil, err
	}
	return s, nil
}

// checkSchema reports whether the file has every bucket and the current
// schema version, and fails if its schema is newer than this package's.
func checkSchema(tx bucketer, path string) (bool, error) {
	meta := tx.Bucket(bucketMeta)
	if meta == nil {
		return false, nil
	}
	v := meta.Get(keySchema)
	if v == nil {
		return false, nil
	}
	if len(v) != 8 {
		return false, fmt.Errorf("history file %s: corrupt schema version", path)
	}
	if ver := binary.BigEndian.Uint64(v); ver > SchemaVersion {
		return false, fmt.Errorf("%w: %s has schema version %d, this soratui reads up to %d; upgrade soratui",
			ErrNewerSchema, path, ver, SchemaVersion)
	} else if ver < SchemaVersion {
		return false, nil
	}
	for _, name := range allBuckets {
		if tx.Bucket(name) == nil {
			return false, nil
		}
	}
	return true, nil
}

// mkdirPrivate creates dir and its missing parents with mode 0700. Folders
// that already exist are left alone: they may be shared ones like /tmp.
func mkdirPrivate(dir string) error {
	var missing []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil {
			break
		} else if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		missing = append(missing, d)
		if filepath.Dir(d) == d {
			break
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	// The umask may have removed bits from 0700; set it exactly.
	for _, d := range missing {
		if err := os.Chmod(d, 0o700); err != nil {
			return err
		}
	}
	return nil
}

// createPrivate makes sure the file exists with mode 0600 and returns its
// size. An existing file's mode is tightened when this user owns it.
func createPrivate(path string) (int64, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		defer f.Close()
		return 0, f.Chmod(0o600)
	}
	if !errors.Is(err, fs.ErrExist) {
		return 0, err
	}
	info, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	if !info.Mode().IsRegular() {
		return 0, fmt.Errorf("not a regular file")
	}
	if info.Mode().Perm()&0o077 != 0 {
		// Best effort: a file owned by someone else keeps its mode.
		_ = os.Chmod(path, info.Mode().Perm()&0o700|0o600)
	}
	return info.Size(), nil
}

// Path returns the history file's path.
func (s *Store) Path() string { return s.path }

// Close marks the Store closed and lets go of the file's map; later calls
// fail with an error wrapping os.ErrClosed.
func (s *Store) Close() error {
	s.closed.Store(true)
	return s.reader.close()
}

// openDB opens the bbolt file for one transaction (through openFile when
// set), turning a lock timeout into a *LockError.
func (s *Store) openDB(readOnly bool, openFile func(string, int, os.FileMode) (*os.File, error)) (*bolt.DB, error) {
	var db *bolt.DB
	err := s.retryLock(func() (bool, error) {
		// One attempt per Open (a timeout of 1 ns), retried every
		// lockPoll: bbolt's own retry sleeps 50 ms, longer than a reader
		// lets go of the file between chunks (see chunkGap).
		var err error
		db, err = bolt.Open(s.path, 0o600, &bolt.Options{Timeout: time.Nanosecond, ReadOnly: readOnly, OpenFile: openFile})
		if errors.Is(err, berrors.ErrTimeout) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("opening history file %s: %w", s.path, err)
		}
		return true, nil
	})
	return db, err
}

// retryLock calls try, which reports whether it got the file's lock, every
// lockPoll until it does or fails, or until the Store's timeout, which
// fails with a *LockError naming the holder.
func (s *Store) retryLock(try func() (bool, error)) error {
	if s.closed.Load() {
		return fmt.Errorf("history file %s: %w", s.path, os.ErrClosed)
	}
	deadline := time.Now().Add(s.timeout)
	for {
		got, err := try()
		if got || err != nil {
			return err
		}
		if time.Now().After(deadline) {
			pid := lockHolder(s.path)
			return &LockError{Path: s.path, PID: pid, Name: processName(pid)}
		}
		time.Sleep(lockPoll)
	}
}

// lockPoll is how often an operation tries again for a file another
// process holds.
const lockPoll = 2 * time.Millisecond

// view runs fn in a read-only transaction under a shared lock, on the
// file's kept map (see mappedReader).
func (s *Store) view(fn func(*bolt.Tx) error) error { return s.viewMapped(false, fn) }

// viewMapped is view that, with letGo, lets go of the map afterwards
// however short the read: the later transactions of a walk do, so that a
// walk through much of the file does not leave its pages resident.
func (s *Store) viewMapped(letGo bool, fn func(*bolt.Tx) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	db, err := s.reader.acquire(s)
	if err != nil {
		return err
	}
	start := time.Now()
	err = db.View(fn)
	s.reader.release(letGo || s.reader.long(time.Since(start)))
	return err
}

// withDB opens the file for writing, runs fn on it and closes it,
// reporting a failed close only when fn succeeded; the caller holds s.mu.
func (s *Store) withDB(fn func(*bolt.DB) error) (err error) {
	db, err := s.openDB(false, nil)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := db.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("closing history file %s: %w", s.path, cerr)
		}
	}()
	return fn(db)
}

// bucketer is what reading helpers need of a transaction, read or write.
type bucketer interface {
	Bucket(name []byte) *bolt.Bucket
}

// writeTx is a write transaction with the word index changes it has
// collected; update applies them in key order when fn returns, because
// bbolt inserts out of order into one page in quadratic time, and a batch
// (an import) would otherwise spread thousands of words over few pages.
type writeTx struct {
	*bolt.Tx
	words   wordOps
	pending pendingCache
}

// update runs fn in a write transaction under an exclusive lock and bumps
// the change counter when fn succeeds.
func (s *Store) update(fn func(*writeTx) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.withDB(func(db *bolt.DB) error {
		return db.Update(func(tx *bolt.Tx) error { return runWrite(tx, fn) })
	})
}

// runWrite runs fn in tx, then applies its word index changes and bumps the
// change counter.
func runWrite(tx *bolt.Tx, fn func(*writeTx) error) error {
	// Keys mostly arrive in time order, at the end of each index;
	// fuller pages make a smaller file with fewer pages to write.
	for _, name := range allBuckets {
		if b := tx.Bucket(name); b != nil {
			b.FillPercent = fillPercent
		}
	}
	wtx := &writeTx{Tx: tx}
	if err := fn(wtx); err != nil {
		return err
	}
	if err := wtx.applyWords(); err != nil {
		return err
	}
	if meta := tx.Bucket(bucketMeta); meta != nil {
		return meta.Put(keySeq, u64(readU64(meta.Get(keySeq))+1))
	}
	return nil
}

// Stamp is a cheap marker of the file's content: it changes whenever any
// process writes to the file. Stamps are comparable with ==.
type Stamp struct {
	Seq   uint64 // write transactions so far
	Count int    // jobs stored
}

// Stamp reads the change marker, so a UI can notice that another process
// added or changed jobs without reloading them. While the file is as it
// was at the last read, it answers from that read without opening the file
// (see stampCache), so asking every second costs one stat.
func (s *Store) Stamp() (Stamp, error) {
	before, statErr := os.Stat(s.path)
	if statErr == nil {
		if st, ok := s.stamp.get(before); ok {
			return st, nil
		}
	}
	readAt := time.Now()
	var st Stamp
	err := s.view(func(tx *bolt.Tx) error {
		st = stampOf(tx)
		return nil
	})
	if err == nil && statErr == nil {
		s.stamp.put(before, readAt, st)
	}
	return st, err
}

func stampOf(tx *bolt.Tx) Stamp {
	meta := tx.Bucket(bucketMeta)
	return Stamp{Seq: readU64(meta.Get(keySeq)), Count: int(readU64(meta.Get(keyCount)))}
}
