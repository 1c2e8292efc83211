//go:build unix

package history

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Reads keep the file mapped while nothing changes it, and see every change
// another writer makes between them, whether it rewrites pages in place,
// grows the file or replaces it.
func TestKeptMapSeesOtherWriters(t *testing.T) {
	tests := []struct {
		name   string
		change func(t *testing.T, path string, other *Store, j *Job)
		remap  bool // the change must make the reader map the file afresh
		want   int  // jobs listed afterwards
	}{
		{"update in place", func(t *testing.T, _ string, other *Store, j *Job) {
			if _, err := other.Update(j.ID, func(j *Job) error { j.Prompt = "changed elsewhere"; return nil }); err != nil {
				t.Fatal(err)
			}
		}, false, 1},
		{"file grows", func(t *testing.T, _ string, other *Store, _ *Job) {
			var buf bytes.Buffer
			writeJobLines(t, &buf, 1000)
			if _, err := other.Import(&buf); err != nil {
				t.Fatal(err)
			}
		}, true, 1001},
		{"file replaced", func(t *testing.T, path string, _ *Store, _ *Job) {
			fresh := filepath.Join(t.TempDir(), "new.db")
			mustCreate(t, openTestStoreAt(t, fresh, Options{}), job("m", "one", StatusRunning), job("m", "two", StatusRunning))
			if err := os.Rename(fresh, path); err != nil {
				t.Fatal(err)
			}
		}, true, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "history.db")
			s := openTestStoreAt(t, path, Options{})
			s.reader.longRead = time.Hour // however slow the machine
			j := mustCreate(t, s, &Job{Prompt: "original"})[0]
			mustList(t, s, Query{})
			mapped := s.reader.db
			if mustList(t, s, Query{}); mapped == nil || s.reader.db != mapped {
				t.Fatal("a second read of an unchanged file mapped it again")
			}

			tt.change(t, path, openTestStoreAt(t, path, Options{}), j)
			js := mustList(t, s, Query{})
			if len(js) != tt.want {
				t.Fatalf("listed %d jobs after the change, want %d", len(js), tt.want)
			}
			if remapped := s.reader.db != mapped; tt.remap && !remapped {
				t.Error("the reader kept its old map of a changed file")
			}
			if tt.name == "update in place" {
				if got, err := s.Get(j.ID); err != nil || got.Prompt != "changed elsewhere" {
					t.Errorf("Get = %q, %v; want the other writer's prompt", got.Prompt, err)
				}
			}
		})
	}
}

// Between reads the kept map holds no lock: right after a read, another
// descriptor takes the file's exclusive lock at the first try, and another
// store writes.
func TestKeptMapLetsOthersWrite(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	s := openTestStoreAt(t, path, Options{})
	s.reader.longRead = time.Hour
	other := openTestStoreAt(t, path, Options{})
	mustCreate(t, s, job("m", "first", StatusRunning))
	for i := range 20 {
		mustList(t, s, Query{Search: "first"})
		if s.reader.db == nil {
			t.Fatal("the read left no map to keep")
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		f.Close() // lets go of the lock too
		if err != nil {
			t.Fatalf("read %d: the file stays locked after it: %v", i, err)
		}
		if err := other.Create(job("m", "second", StatusRunning)); err != nil {
			t.Fatalf("write after read %d: %v", i, err)
		}
	}
}

// A long read (a scan), or a walk that goes on past its first
// transaction, lets go of the map, so its pages leave the process's
// resident memory; Close lets go of a kept one.
func TestMapLetGoAfterLongReadsAndClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var buf bytes.Buffer
	writeJobLines(t, &buf, 2*chunkJobs+10)
	if _, err := s.Import(&buf); err != nil {
		t.Fatal(err)
	}
	page := func() { mustList(t, s, Query{Limit: 10}) }
	for _, step := range []struct {
		name     string
		longRead time.Duration
		do       func()
		want     int
	}{
		{"a short read", time.Hour, page, 1},
		{"a long read", time.Nanosecond, page, 0},
		{"a short read again", time.Hour, page, 1},
		{"a walk of three transactions", time.Hour, func() {
			n := 0
			if err := s.Each(context.Background(), Query{}, func(Job) error { n++; return nil }); err != nil || n != 2*chunkJobs+10 {
				t.Fatalf("Each walked %d jobs, %v", n, err)
			}
		}, 0},
		{"a list of three transactions", time.Hour, func() { mustList(t, s, Query{}) }, 0},
		{"Close", time.Hour, func() {
			page()
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
		}, 0},
	} {
		s.reader.longRead = step.longRead
		step.do()
		if n := openFiles(t, path); n != step.want {
			t.Errorf("after %s: %d open files of the history, want %d", step.name, n, step.want)
		}
	}
}

// openFiles counts this process's descriptors open on path.
func openFiles(t *testing.T, path string) int {
	t.Helper()
	want, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, fd := range fds {
		if info, err := os.Stat(filepath.Join("/proc/self/fd", fd.Name())); err == nil && os.SameFile(info, want) {
			n++
		}
	}
	return n
}

// Reads from many goroutines share the kept map while another store
// writes and grows the file; each read sees at least what the one before
// it saw (run with -race).
func TestKeptMapConcurrentReadsAndWrites(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	s := openTestStoreAt(t, path, Options{})
	other := openTestStoreAt(t, path, Options{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			seen := 0
			for range 50 {
				js, err := s.List(Query{})
				if err != nil {
					t.Error(err)
					return
				}
				if len(js) < seen {
					t.Errorf("a read saw %d jobs after one saw %d", len(js), seen)
				}
				seen = len(js)
			}
		})
	}
	var buf bytes.Buffer
	writeJobLines(t, &buf, 2000)
	lines := bytes.SplitAfter(buf.Bytes(), []byte("\n"))
	for i := 0; i < 2000; i += 200 {
		if _, err := other.Import(bytes.NewReader(bytes.Join(lines[i:i+200], nil))); err != nil {
			t.Fatal(err)
		}
	}
	wg.Wait()
	if js := mustList(t, s, Query{}); len(js) != 2000 {
		t.Errorf("listed %d jobs at the end, want 2000", len(js))
	}
}
