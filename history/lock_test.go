package history

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestTwoStoresOnOneFileTakeTurns(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	a := openTestStoreAt(t, path, Options{})
	b := openTestStoreAt(t, path, Options{Now: (&testClock{t: testEpoch.Add(time.Hour)}).Now})

	ja := mustCreate(t, a, &Job{Prompt: "from a"})[0]
	stamp, _ := a.Stamp()
	jb := mustCreate(t, b, &Job{Prompt: "from b"})[0]
	if got := ids(mustList(t, a, Query{})); !slices.Equal(got, []string{jb.ID, ja.ID}) {
		t.Errorf("a lists %v, want b's job then a's", got)
	}
	if st, _ := a.Stamp(); st == stamp || st.Count != 2 {
		t.Errorf("a's stamp %+v did not notice b's write (was %+v)", st, stamp)
	}
	if _, err := b.Update(ja.ID, func(j *Job) error { j.SetStatus(StatusRunning, "", testEpoch); return nil }); err != nil {
		t.Fatal(err)
	}
	if got, _ := a.Get(ja.ID); got.Status != StatusRunning {
		t.Errorf("a sees status %s after b's update", got.Status)
	}
	if got, err := a.Unfinished(); err != nil || !slices.Equal(ids(got), []string{jb.ID, ja.ID}) {
		t.Errorf("Unfinished = %v, %v", ids(got), err)
	}
}

func TestLockHeldInThisProcess(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "history.db")
	holder := openTestStoreAt(t, path, Options{})
	waiter := openTestStoreAt(t, path, Options{Timeout: 100 * time.Millisecond})
	j := mustCreate(t, holder, &Job{})[0]

	held, release := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() {
		_, err := holder.Update(j.ID, func(*Job) error {
			close(held)
			<-release
			return nil
		})
		done <- err
	}()
	<-held
	_, err := waiter.List(Query{})
	var lerr *LockError
	if !errors.As(err, &lerr) || !errors.Is(err, ErrLocked) || lerr.Path != path {
		t.Errorf("List while locked = %v, want a LockError for %s", err, path)
	}
	if runtime.GOOS == "linux" && lerr != nil && lerr.PID != os.Getpid() {
		t.Errorf("LockError.PID = %d, want this process %d", lerr.PID, os.Getpid())
	}
	if err != nil && (!strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "another process (pid ")) {
		t.Errorf("message %q should name the file and the process holding it", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if _, err := waiter.List(Query{}); err != nil {
		t.Errorf("List after release: %v", err)
	}
}

// withOtherProcess starts a test of another process on the file: a history
// file holding one job ("original"), and a store on it that waits at most
// 100 ms for the lock, opened before any helper takes the lock (Open reads
// the file too). It skips under -short.
func withOtherProcess(t *testing.T) (path string, j *Job, hurried *Store) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a process")
	}
	path = filepath.Join(t.TempDir(), "history.db")
	j = mustCreate(t, openTestStoreAt(t, path, Options{}), &Job{Prompt: "original"})[0]
	return path, j, openTestStoreAt(t, path, Options{Timeout: 100 * time.Millisecond})
}

func TestLockHeldByAnotherProcess(t *testing.T) {
	t.Parallel()
	path, j, hurried := withOtherProcess(t)
	patient := openTestStoreAt(t, path, Options{Timeout: time.Minute})

	pid, release := holdLock(t, path, j.ID)

	// The helper is inside its transaction now.
	_, err := hurried.List(Query{})
	var lerr *LockError
	if !errors.As(err, &lerr) || !errors.Is(err, ErrLocked) {
		t.Fatalf("List while another process writes = %v, want ErrLocked", err)
	}
	if runtime.GOOS == "linux" && lerr.PID != pid {
		t.Errorf("LockError.PID = %d, want the helper's %d", lerr.PID, pid)
	}
	if want := "pid " + strconv.Itoa(lerr.PID); lerr.PID != 0 && !strings.Contains(err.Error(), want) {
		t.Errorf("message %q lacks %q", err, want)
	}

	listed := make(chan []Job, 1)
	listErr := make(chan error, 1)
	go func() {
		js, err := patient.List(Query{})
		listed <- js
		listErr <- err
	}()
	release() // lets the helper finish its transaction
	if err := <-listErr; err != nil {
		t.Fatalf("List waiting for the helper: %v", err)
	}
	if js := <-listed; len(js) != 1 || js[0].Prompt != "changed by helper" {
		t.Errorf("List after the helper = %+v, want its committed change", js)
	}
}

// While the file is as it was, Stamp answers without opening it, even when
// another process holds the lock; once that process writes, Stamp sees it.
func TestStampAnswersFromAnUnchangedFile(t *testing.T) {
	path, j, hurried := withOtherProcess(t)
	// The last write long ago, as on an idle history.
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(path, old, old); err != nil {
		t.Fatal(err)
	}
	before, err := hurried.Stamp()
	if err != nil {
		t.Fatal(err)
	}

	_, release := holdLock(t, path, j.ID)
	if st, err := hurried.Stamp(); err != nil || st != before {
		t.Errorf("Stamp while another process holds the lock = %+v, %v; want %+v from the unchanged file", st, err, before)
	}
	release()
	if st, err := hurried.Stamp(); err != nil || st.Seq <= before.Seq {
		t.Errorf("Stamp after another process wrote = %+v, %v; want a newer one than %+v", st, err, before)
	}
}
