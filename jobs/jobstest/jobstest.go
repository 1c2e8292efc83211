// Package jobstest builds the job rig of tests: an APIDot simulator on real
// HTTP, a real history file, and a tracker or service between them, with
// timings fast enough for unit tests.
package jobstest

import (
	"context"
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
	return Attach(apidottest.NewTestServer(t, opts), historytest.Open(t, store...), Key)
}

// Attach is a rig on a simulator and a store made elsewhere (a command
// test's), with a client that sends key.
func Attach(s *apidottest.Server, store *history.Store, key string) *Rig {
	return &Rig{Store: store, Server: s, Client: apidot.NewClient(key, apidot.WithBaseURL(s.URL), apidot.WithHTTPClient(s.Client()))}
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
	if cfg.SubmitBackoff == 0 {
		cfg.SubmitBackoff = time.Millisecond
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
