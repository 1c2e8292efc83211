package history

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"
)

// Environment of the helper processes of the tests of another process on
// the same file (holdLock, TestLongScanLetsAnotherProcessWrite).
const (
	helperEnv   = "SORATUI_HISTORY_TEST_HELPER"
	helperDBEnv = "SORATUI_HISTORY_TEST_DB"
	helperIDEnv = "SORATUI_HISTORY_TEST_JOB"
)

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "hold":
		os.Exit(holdLockHelper())
	case "scan":
		os.Exit(scanHelper())
	}
	os.Exit(m.Run())
}

// holdLockHelper runs in a child process: it updates a job and, inside the
// transaction, says "held" on stdout and waits for stdin to close.
func holdLockHelper() int {
	s, err := Open(os.Getenv(helperDBEnv), Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 1
	}
	_, err = s.Update(os.Getenv(helperIDEnv), func(j *Job) error {
		j.Prompt = "changed by helper"
		if _, err := fmt.Println("held"); err != nil {
			return err
		}
		_, err := io.Copy(io.Discard, bufio.NewReader(os.Stdin))
		return err
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		return 1
	}
	return 0
}

// testClock is a clock that moves one second per reading, so every created
// job has its own created_at.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

var testEpoch = time.Date(2025, 10, 1, 12, 0, 0, 0, time.UTC)

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// openTestStore opens a store on a new file in t.TempDir(), with a stepping
// clock starting at testEpoch.
func openTestStore(tb testing.TB) *Store {
	tb.Helper()
	return openTestStoreAt(tb, filepath.Join(tb.TempDir(), "history.db"), Options{})
}

func openTestStoreAt(tb testing.TB, path string, opts Options) *Store {
	tb.Helper()
	if opts.Now == nil {
		opts.Now = (&testClock{t: testEpoch}).Now
	}
	s, err := Open(path, opts)
	if err != nil {
		tb.Fatalf("Open(%s): %v", path, err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// mustCreate stores jobs in one transaction and returns them as stored.
func mustCreate(tb testing.TB, s *Store, js ...*Job) []*Job {
	tb.Helper()
	if err := s.CreateGroup(js); err != nil {
		tb.Fatalf("CreateGroup: %v", err)
	}
	return js
}

func job(model, prompt string, status Status) *Job {
	return &Job{Model: model, Prompt: prompt, Status: status, Duration: 4, AspectRatio: "16:9"}
}

func ids(js []Job) []string {
	out := make([]string, len(js))
	for i, j := range js {
		out[i] = j.ID
	}
	return out
}

func ptrIDs(js []*Job) []string {
	out := make([]string, len(js))
	for i, j := range js {
		out[i] = j.ID
	}
	return out
}

// newestFirst returns the ids of js sorted the way List orders them.
func newestFirst(js []*Job) []string {
	sorted := slices.Clone(js)
	slices.SortFunc(sorted, func(a, b *Job) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		switch {
		case a.ID > b.ID:
			return -1
		case a.ID < b.ID:
			return 1
		}
		return 0
	})
	return ptrIDs(sorted)
}

func mustList(tb testing.TB, s *Store, q Query) []Job {
	tb.Helper()
	js, err := s.List(q)
	if err != nil {
		tb.Fatalf("List(%+v): %v", q, err)
	}
	return js
}

func intp(v int) *int { return &v }

// holdLock starts a helper process that updates job id of the history file
// at path and holds the file's lock inside that transaction; it returns
// once the lock is held. release lets the helper commit (the prompt becomes
// "changed by helper") and waits for it to end.
func holdLock(t *testing.T, path, id string) (pid int, release func()) {
	t.Helper()
	cmd, stdin, stdout := startHelper(t, "hold", helperDBEnv+"="+path, helperIDEnv+"="+id)
	if line, err := stdout.ReadString('\n'); err != nil || line != "held\n" {
		t.Fatalf("helper said %q, %v", line, err)
	}
	return cmd.Process.Pid, func() {
		t.Helper()
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			t.Fatalf("helper: %v", err)
		}
	}
}

// startHelper runs this test binary as a helper process in mode (see
// TestMain) with env added, and returns it with its stdin and stdout; the
// process is killed at the end of the test if still running.
func startHelper(t *testing.T, mode string, env ...string) (*exec.Cmd, io.WriteCloser, *bufio.Reader) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(append(os.Environ(), helperEnv+"="+mode), env...)
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return cmd, stdin, bufio.NewReader(stdout)
}

// writeJobLines writes n jobs as JSON Lines, as Export would: created one
// second apart, oldest first, with mixed models and statuses.
func writeJobLines(tb testing.TB, w io.Writer, n int) {
	tb.Helper()
	bw := bufio.NewWriter(w)
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		created := start.Add(time.Duration(i) * time.Second)
		j := Job{
			ID:          encodeID(created, uint64(i)),
			TaskID:      fmt.Sprintf("task-%07d", i),
			Model:       []string{std, pro}[i%2],
			Status:      allStatuses[i%len(allStatuses)],
			Prompt:      fmt.Sprintf("prompt %d", i),
			Duration:    4,
			AspectRatio: "16:9",
			Credits:     30,
			CreatedAt:   created,
			UpdatedAt:   created.Add(time.Minute),
			StatusHistory: []StatusChange{
				{Status: StatusSubmitting, At: created},
				{Status: allStatuses[i%len(allStatuses)], At: created.Add(time.Minute)},
			},
		}
		line, err := j.MarshalJSON()
		if err != nil {
			tb.Fatal(err)
		}
		bw.Write(line)
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		tb.Fatal(err)
	}
}

// testChunk is the import chunk of the tests that cross chunk boundaries:
// small, so that they do so with few records.
const testChunk = 64
