package jobstest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/jobs"
)

// FollowAll follows the jobs with these ids through tr at once, to the
// end, and returns their final records in order; a failed follow fails
// the test.
func FollowAll(t testing.TB, tr *jobs.Tracker, ids []string) []history.Job {
	t.Helper()
	finals := make([]history.Job, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if finals[i], err = tr.Follow(context.Background(), id); err != nil {
				t.Errorf("follow %s: %v", id, err)
			}
		}()
	}
	wg.Wait()
	return finals
}

// Recorder keeps the events it is given, for a test to read; its Add is
// a tracker's OnEvent. The zero value is ready to use.
type Recorder struct {
	mu     sync.Mutex
	events []jobs.Event
}

// Record starts keeping s's events until the test ends.
func Record(t testing.TB, s *jobs.Service) *Recorder {
	rec := &Recorder{}
	t.Cleanup(s.Listen(rec.Add))
	return rec
}

// Add keeps e; several goroutines may call it.
func (r *Recorder) Add(e jobs.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

// Events returns the events kept so far, oldest first.
func (r *Recorder) Events() []jobs.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]jobs.Event(nil), r.events...)
}

// WaitFor polls until some kept event satisfies match and returns it; the
// test fails after a generous deadline (not a timing assertion: only a
// hang reaches it).
func (r *Recorder) WaitFor(t testing.TB, what string, match func(jobs.Event) bool) jobs.Event {
	t.Helper()
	var found jobs.Event
	Eventually(t, what, func() bool {
		for _, e := range r.Events() {
			if match(e) {
				found = e
				return true
			}
		}
		return false
	})
	return found
}

// Eventually polls cond until it holds; the test fails after a generous
// deadline (a guard against hanging, not a timing assertion: end-to-end
// tests on a loaded machine reach a minute). It looks every millisecond
// for the first 50 ms, since some tests must act within milliseconds of
// what they wait for (a retry window), then less and less often, up to
// every 16 ms: a wait of seconds costs a few hundred looks, not thousands.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	start := time.Now()
	deadline := start.Add(60 * time.Second)
	pause := time.Millisecond
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
		time.Sleep(pause)
		if time.Since(start) > 50*time.Millisecond {
			pause = min(2*pause, 16*time.Millisecond)
		}
	}
}
