// Package jobstest builds the job rig of tests: an APIDot simulator on real
// HTTP, a real history file, and a tracker or service between them, with
// timings fast enough for unit tests.
package jobstest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/history/historytest"
	"github.com/soratui/soratui/jobs"
)

// Key is the API key the rig's client sends.
const Key = "sk-jobstest-0123456789abcdef"

// Rig is a simulator, a store and a client that talks to the simulator.
type Rig struct {
	Store  *history.Store
	Server *apidottest.Server
	Client *apidot.Client
}

// New starts a simulator with opts and opens a new history file; both
// close when the test ends. A zero Options.Now in store means the real
// clock.
func New(t testing.TB, opts apidottest.Options, store ...history.Options) *Rig {
	t.Helper()
	s := apidottest.NewTestServer(t, opts)
	return &Rig{
		Store:  historytest.Open(t, store...),
		Server: s,
		Client: apidot.NewClient(Key, apidot.WithBaseURL(s.URL), apidot.WithHTTPClient(s.Client())),
	}
}

// fast fills what cfg leaves out: the rig's store and client, a 20 ms
// poll and no rate cap to speak of.
func (r *Rig) fast(cfg jobs.Config) jobs.Config {
	if cfg.Store == nil {
		cfg.Store = r.Store
	}
	if cfg.API == nil {
		cfg.API = r.Client
	}
	if cfg.Scheduler == nil {
		cfg.Scheduler = jobs.Fixed{Interval: 20 * time.Millisecond, MaxBackoff: 100 * time.Millisecond}
	}
	if cfg.RequestsPerSecond == 0 {
		cfg.RequestsPerSecond = 1000
	}
	return cfg
}

// Tracker is a tracker on the rig, with fast defaults for what cfg leaves
// out.
func (r *Rig) Tracker(cfg jobs.Config) *jobs.Tracker {
	return jobs.New(r.fast(cfg))
}

// Service is a service on the rig, with fast defaults for what cfg.Tracker
// leaves out, result files fetched from the simulator, and videos saved
// under the test's temporary folder unless cfg names a folder. It is
// closed when the test ends.
func (r *Rig) Service(t testing.TB, cfg jobs.ServiceConfig) *jobs.Service {
	t.Helper()
	cfg.Tracker = r.fast(cfg.Tracker)
	if cfg.Downloader.Client == nil {
		cfg.Downloader.Client = r.Server.Client()
	}
	if cfg.Downloader.Backoff == 0 {
		cfg.Downloader.Backoff = time.Millisecond
	}
	if cfg.VideosDir == "" {
		cfg.VideosDir = t.TempDir()
	}
	s := jobs.NewService(cfg)
	t.Cleanup(s.Close)
	return s
}

// Submit submits a standard job with prompt through tr and fails the test
// on an error.
func Submit(t testing.TB, tr interface {
	Submit(context.Context, apidot.Request) (history.Job, error)
}, prompt string) history.Job {
	t.Helper()
	j, err := tr.Submit(context.Background(), apidot.Request{Model: apidot.ModelStandard, Prompt: prompt})
	if err != nil {
		t.Fatal(err)
	}
	return j
}

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

// Recorder keeps every event a service publishes, for a test to read.
type Recorder struct {
	mu     sync.Mutex
	events []jobs.Event
	stop   func()
}

// Record starts keeping s's events until the test ends.
func Record(t testing.TB, s *jobs.Service) *Recorder {
	rec := &Recorder{}
	rec.stop = s.Listen(func(e jobs.Event) {
		rec.mu.Lock()
		rec.events = append(rec.events, e)
		rec.mu.Unlock()
	})
	t.Cleanup(rec.stop)
	return rec
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
// tests on a loaded machine reach a minute).
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting: %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}
