package cli

import (
	"context"
	"fmt"
	"path/filepath"
	"strconv"
	"time"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/download"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/internal/inert"
	"github.com/soratui/soratui/jobs"
)

// Demo timings: a demo job waits in the queue a few seconds, then runs;
// the demo reads its status every demoPoll.
const (
	demoQueueTime = 4 * time.Second
	demoRunTime   = 10 * time.Second
	demoPoll      = time.Second
)

// demoSpeed is SORATUI_DEMO_SPEED, a factor (1 to 1000) that makes the
// demo's jobs and polling that much faster, so that tests of the demo
// need not wait through its timings; 1 when unset or invalid.
func (a *app) demoSpeed() time.Duration {
	n, err := strconv.Atoi(a.env.getenv("SORATUI_DEMO_SPEED"))
	if err != nil || n < 1 || n > 1000 {
		return 1
	}
	return time.Duration(n)
}

// demoAddr is where the demo's simulator serves when the port is free, so
// the result links of earlier demo runs still open.
const demoAddr = "127.0.0.1:47474"

// minPollInterval keeps a mistyped interval from hammering the API.
const minPollInterval = 50 * time.Millisecond

// historyPath is the history file: --db, else the demo file in demo mode,
// else SORATUI_DB, else the XDG default.
func (a *app) historyPath() (string, error) {
	if a.global.dbPath != "" {
		return a.global.dbPath, nil
	}
	if a.global.demo {
		p, err := history.DefaultPath(func(k string) string {
			if k == "SORATUI_DB" {
				return ""
			}
			return a.env.getenv(k)
		})
		if err != nil {
			return "", err
		}
		return filepath.Join(filepath.Dir(p), "demo.db"), nil
	}
	return history.DefaultPath(a.env.getenv)
}

// openStore is the run's history file, opened on first use.
func (a *app) openStore() (*history.Store, error) { return a.res.store() }

// newStore opens the history file; resources calls it at most once.
func (a *app) newStore() (*history.Store, error) {
	path, err := a.historyPath()
	if err != nil {
		return nil, err
	}
	bar := a.patientBar()
	s, err := history.Open(path, history.Options{Now: a.env.Now, Timeout: a.env.LockTimeout, Indexing: func(w history.IndexWork) {
		if w.Done == 0 {
			fmt.Fprintln(a.env.Stderr, indexNotice(w))
		}
		bar.draw("Indexing jobs", int64(w.Done), int64(w.Total))
	}})
	bar.end()
	if err != nil {
		return nil, err
	}
	a.res.onClose(func() { s.Close() })
	return s, nil
}

// indexNotice says why the history file's search index is being built
// before the command goes on.
func indexNotice(w history.IndexWork) string {
	jobs := count(w.Total, "job")
	if w.Recovery {
		return fmt.Sprintf("Adding %s of an import that stopped early to the search index (once)…", jobs)
	}
	return fmt.Sprintf("Building the search index of %s written by an older soratui (once)…", jobs)
}

// apiBase is the API to talk to: the demo simulator, APIDOT_BASE_URL, or
// APIDot itself.
func (a *app) apiBase() string {
	if a.global.demo {
		return a.demoServer().URL
	}
	if u := a.env.getenv("APIDOT_BASE_URL"); u != "" {
		return u
	}
	return apidot.DefaultBaseURL
}

// demoServer is the run's in-process simulator, started on first use.
func (a *app) demoServer() *apidottest.Server { return a.res.sim() }

// newDemoServer starts the simulator; resources calls it at most once.
func (a *app) newDemoServer() *apidottest.Server {
	sim := apidottest.NewServer(apidottest.Options{
		QueueTime: demoQueueTime / a.demoSpeed(),
		RunTime:   demoRunTime / a.demoSpeed(),
		Stateless: true,
		Listen:    demoAddr,
	})
	a.res.onClose(sim.Close)
	return sim
}

// apiClient returns a client with the user's key; it fails, saying how to
// set a key, when there is none.
func (a *app) apiClient(ctx context.Context) (*apidot.Client, error) {
	k, err := a.requireKey(ctx)
	if err != nil {
		return nil, err
	}
	return a.clientFor(k.Value), nil
}

// clientFor is an API client that authenticates with key.
func (a *app) clientFor(key string) *apidot.Client {
	return apidot.NewClient(key,
		apidot.WithBaseURL(a.apiBase()),
		apidot.WithUserAgent("soratui/"+a.env.Version),
	)
}

// pollInterval is --poll-interval, else SORATUI_POLL_INTERVAL, else 0
// (the default schedule).
func (a *app) pollInterval() (time.Duration, error) {
	d := a.global.pollEvery
	if d == 0 {
		if v := a.env.getenv("SORATUI_POLL_INTERVAL"); v != "" {
			var err error
			if d, err = time.ParseDuration(v); err != nil {
				return 0, usageErrorf("SORATUI_POLL_INTERVAL=%q is not a duration such as 5s or 1m", v)
			}
		}
	}
	if d != 0 && d < minPollInterval {
		return 0, usageErrorf("poll interval %s is too short: use %s or more", d, minPollInterval)
	}
	return d, nil
}

// service builds the job service for a command: the one route by which
// commands submit, follow, download and delete. With autoDownload every
// job that finishes while followed is saved to the Videos folder. It is
// closed with the app, before the history it writes to.
func (a *app) service(ctx context.Context, autoDownload bool) (*jobs.Service, error) {
	if _, err := a.pollInterval(); err != nil {
		return nil, err
	}
	store, err := a.openStore()
	if err != nil {
		return nil, err
	}
	client, err := a.apiClient(ctx)
	if err != nil {
		return nil, err
	}
	return a.serviceWith(store, client, autoDownload)
}

// localService is a job service for what needs no API key: downloading
// and deleting. It submits and follows nothing.
func (a *app) localService() (*jobs.Service, error) {
	store, err := a.openStore()
	if err != nil {
		return nil, err
	}
	return a.serviceWith(store, nil, false)
}

// serviceWith builds a job service on store and client with the polling
// schedule the flags ask for, fetching results with resultClient; client
// may be nil for a service that only downloads and deletes.
func (a *app) serviceWith(store *history.Store, client jobs.API, autoDownload bool) (*jobs.Service, error) {
	cfg, err := a.trackerConfig(store, client)
	if err != nil {
		return nil, err
	}
	videos, err := a.videosDir()
	if err != nil && autoDownload {
		return nil, err
	}
	auto := a.autoSettings()
	svc := jobs.NewService(jobs.ServiceConfig{
		Tracker:      cfg,
		Downloader:   download.Downloader{Client: a.resultClient(), MaxSize: auto.MaxDownload, Backoff: a.env.DownloadBackoff},
		VideosDir:    videos,
		AutoDownload: autoDownload,
		AutoDest:     auto.dest,
		Forget:       a.frameForgetter(),
	})
	a.res.onClose(svc.Close)
	return svc, nil
}

// trackerWith builds a tracker on store and client with the polling
// schedule the flags ask for.
func (a *app) trackerWith(store *history.Store, client jobs.API, onEvent func(jobs.Event)) (*jobs.Tracker, error) {
	cfg, err := a.trackerConfig(store, client)
	if err != nil {
		return nil, err
	}
	cfg.OnEvent = onEvent
	return jobs.New(cfg), nil
}

// trackerConfig is the tracker of store and client with the polling
// schedule the flags ask for.
func (a *app) trackerConfig(store *history.Store, client jobs.API) (jobs.Config, error) {
	interval, err := a.pollInterval()
	if err != nil {
		return jobs.Config{}, err
	}
	var sched jobs.Scheduler = jobs.Fixed{Interval: interval}
	switch {
	case interval != 0:
	case a.global.demo:
		// Demo jobs take seconds; a steady second keeps the bars moving.
		sched = jobs.Fixed{Interval: max(demoPoll/a.demoSpeed(), minPollInterval)}
	default:
		// Priors only sharpen the schedule: without them it uses
		// DefaultPrior.
		priors, _ := jobs.LoadPriors(store)
		sched = jobs.Adaptive{Priors: priors}
	}
	return jobs.Config{Store: store, API: client, Scheduler: sched, Now: a.env.Now}, nil
}

// describeJob is one line about a job for progress output.
func describeJob(j history.Job) string {
	s := inert.Line(fmt.Sprintf("%s %s", j.ID, j.Status))
	if j.Progress != nil && !j.Status.Terminal() {
		s += fmt.Sprintf(" %d%%", *j.Progress)
	}
	if j.Error != "" {
		s += ": " + inert.Line(j.Error)
	}
	return s
}
