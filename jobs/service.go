package jobs

import (
	"context"
	"errors"
	"sync"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/download"
	"github.com/soratui/soratui/history"
)

// ErrDeleted means the job was deleted while it was followed (through the
// service, or by another process), so following it stopped.
var ErrDeleted = errors.New("the job was deleted")

// ServiceConfig builds a Service.
type ServiceConfig struct {
	// Tracker configures the tracker the service submits and follows
	// with. Its OnEvent is replaced: consume events with Subscribe.
	Tracker Config
	// Downloader is the template of every download (client, retries,
	// progress interval); its Progress is replaced by events.
	Downloader download.Downloader
	// VideosDir is where a video goes when a download names no file
	// (download.DefaultPath); empty means a download must name one.
	VideosDir string
	// AutoDownload saves every job that finishes while the service
	// follows it to its default path under VideosDir, or to AutoDest's
	// path when that is set.
	AutoDownload bool
	// AutoDest, when set, names the file an automatic download of a
	// job goes to (a variant-named file, say).
	AutoDest func(history.Job) string
	// Forget, when set, removes what is kept apart from the history for a
	// job that leaves it (its cached preview frames), so both the command
	// line and the interface clean up the same way.
	Forget func(history.Job)
}

// Service is the one route for a job, shared by the CLI and the terminal
// interface: it submits (one job or a comparison group), follows
// (Resume, Follow, Await), downloads (Download, StartDownload) and deletes
// (Delete), and reports all of it as one stream of Events (Subscribe,
// Listen). Work it starts in the background ends with Close. It is safe
// for concurrent use.
type Service struct {
	tracker *Tracker
	store   *history.Store
	dl      download.Downloader
	videos  string
	auto    bool
	autoTo  func(history.Job) string
	forget  func(history.Job)
	events  hub

	ctx    context.Context // ends with Close: background work stops
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu          sync.Mutex
	closed      bool
	follows     map[string]*following
	deleted     map[string]bool
	downloading map[string]context.CancelFunc // stops a download
}

// following is one background follow of a job; done closes when it ends,
// after which job and err are its outcome.
type following struct {
	cancel  context.CancelFunc
	done    chan struct{}
	deleted bool // set (under Service.mu) before cancel by Delete
	out     Outcome
}

// ErrClosed means the service was closed, so it starts no more work.
var ErrClosed = errors.New("the job service is closed")

// Outcome is how a followed job ended.
type Outcome struct {
	// Job is the last record: terminal unless Err is set.
	Job history.Job
	// Err says why following stopped early: the context ended, the key
	// was refused, ErrNoTask, or ErrDeleted.
	Err error
	// DownloadErr says why the automatic download (AutoDownload) of a
	// finished job failed; the failure was also an event.
	DownloadErr error
}

// NewService returns a Service; Close it to stop its background work.
func NewService(cfg ServiceConfig) *Service {
	s := &Service{
		store:       cfg.Tracker.Store,
		dl:          cfg.Downloader,
		videos:      cfg.VideosDir,
		auto:        cfg.AutoDownload,
		autoTo:      cfg.AutoDest,
		forget:      cfg.Forget,
		follows:     map[string]*following{},
		deleted:     map[string]bool{},
		downloading: map[string]context.CancelFunc{},
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	tc := cfg.Tracker
	tc.OnEvent = s.events.publish
	s.tracker = New(tc)
	return s
}

// Subscribe returns a subscription to every event published from now on.
// It ends when ctx ends (Next reports false at once) or when it or the
// service is closed (Next drains what is queued first). Publishing never
// waits for a consumer.
func (s *Service) Subscribe(ctx context.Context) *Subscription {
	return s.events.subscribe(ctx)
}

// Listen calls fn with every event from now on, in order, on one
// goroutine of its own, until stop is called; stop returns once fn has
// seen every event published before it. The CLI prints progress this way.
func (s *Service) Listen(fn func(Event)) (stop func()) {
	sub := s.Subscribe(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			e, ok := sub.Next()
			if !ok {
				return
			}
			fn(e)
		}
	}()
	return func() {
		sub.Close()
		<-done
	}
}

// Store is the history the service records jobs in.
func (s *Service) Store() *history.Store { return s.store }

// Submit records r, sends it and records the outcome (see
// Tracker.Submit); every change is a JobChanged event. It does not
// follow the job: call Follow or Await.
func (s *Service) Submit(ctx context.Context, r apidot.Request) (history.Job, error) {
	return s.tracker.Submit(ctx, r)
}

// SubmitGroup submits reqs as one comparison group (see
// Tracker.SubmitGroup); every change is a JobChanged event.
func (s *Service) SubmitGroup(ctx context.Context, reqs []apidot.Request) ([]history.Job, error) {
	return s.tracker.SubmitGroup(ctx, reqs)
}

// SubmitTagged submits reqs as one group with tag applied to each record
// before it is stored (see Tracker.SubmitTagged).
func (s *Service) SubmitTagged(ctx context.Context, reqs []apidot.Request, tag func(*history.Job)) ([]history.Job, error) {
	return s.tracker.SubmitTagged(ctx, reqs, tag)
}

// Check reads one job's status now (see Tracker.Check), for a hint such
// as a webhook callback.
func (s *Service) Check(ctx context.Context, id string) (history.Job, bool, error) {
	return s.tracker.Check(ctx, id)
}

// Unfinished marks orphaned submits unconfirmed (see Tracker.Recover)
// and returns every unfinished job that has a task id: the jobs Resume
// follows. It follows none of them.
func (s *Service) Unfinished() ([]history.Job, error) {
	if _, err := s.tracker.Recover(); err != nil {
		return nil, err
	}
	unfinished, err := s.store.Unfinished()
	if err != nil {
		return nil, err
	}
	var out []history.Job
	for _, j := range unfinished {
		if j.TaskID != "" {
			out = append(out, j)
		}
	}
	return out, nil
}

// Resume follows in the background every job Unfinished returns, and
// returns them as stored when it started.
func (s *Service) Resume() ([]history.Job, error) {
	js, err := s.Unfinished()
	for _, j := range js {
		s.Follow(j.ID)
	}
	return js, err
}

// Follow follows the job with local id id in the background until it is
// finished or failed, unless the service already does or deleted it.
// Changes are JobChanged events; with AutoDownload a finished job is then
// downloaded. Following ends early with Close, Delete, a refused key, or
// a job without task id.
func (s *Service) Follow(id string) {
	s.follow(id)
}

// Following reports whether the service follows the job now.
func (s *Service) Following(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.follows[id]
	return ok
}

// follow starts a follow of id, or returns the one under way; nil when
// the job was deleted through the service.
func (s *Service) follow(id string) *following {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.follows[id]; f != nil {
		return f
	}
	if s.deleted[id] {
		return nil
	}
	ctx, cancel := context.WithCancel(s.ctx)
	f := &following{cancel: cancel, done: make(chan struct{})}
	if s.closed {
		cancel()
		f.out = Outcome{Job: history.Job{ID: id}, Err: ErrClosed}
		close(f.done)
		return f
	}
	s.follows[id] = f
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer cancel()
		out := s.run(ctx, id)
		s.mu.Lock()
		if f.deleted {
			out.Err = ErrDeleted
		}
		f.out = out
		delete(s.follows, id)
		s.mu.Unlock()
		close(f.done)
	}()
	return f
}

// run follows one job to its end and, with AutoDownload, saves its video.
func (s *Service) run(ctx context.Context, id string) Outcome {
	job, err := s.tracker.Follow(ctx, id)
	out := Outcome{Job: job, Err: err}
	if err == nil && s.auto && job.Status == history.StatusFinished && job.LocalPath == "" {
		var o DownloadOptions
		if s.autoTo != nil {
			o.Dest = s.autoTo(job)
		}
		saved, derr := s.Download(ctx, id, o)
		if unrec := (*download.UnrecordedError)(nil); errors.As(derr, &unrec) {
			saved.LocalPath = unrec.Path
		}
		if saved.ID != "" {
			out.Job = saved
		}
		out.DownloadErr = derr
	}
	return out
}

// Await follows the jobs with these local ids (those not followed yet
// start now) and waits until each has ended, or ctx ends. It returns one
// Outcome per id, in order. A job that has no task id (rejected,
// unconfirmed) ends at once as it is, with no error.
func (s *Service) Await(ctx context.Context, ids []string) []Outcome {
	out := make([]Outcome, len(ids))
	for i, id := range ids {
		f := s.follow(id)
		if f == nil {
			out[i] = Outcome{Job: history.Job{ID: id}, Err: ErrDeleted}
			continue
		}
		select {
		case <-f.done:
			out[i] = f.out
			if errors.Is(out[i].Err, ErrNoTask) {
				out[i].Err = nil
			}
		case <-ctx.Done():
			j, _ := s.store.Get(id)
			out[i] = Outcome{Job: j, Err: ctx.Err()}
		}
	}
	return out
}

// Delete stops following (and downloading) the jobs with these local ids,
// removes them from
// the history in one transaction, and publishes a JobDeleted event for
// each one removed. It returns how many it removed; ids not stored are
// skipped. Saved video files stay.
func (s *Service) Delete(ids ...string) (int, error) {
	var gone []history.Job
	var stopped []*following
	for _, id := range ids {
		if j, err := s.store.Get(id); err == nil {
			gone = append(gone, j)
		}
	}
	s.mu.Lock()
	for _, id := range ids {
		s.deleted[id] = true
		if stop := s.downloading[id]; stop != nil {
			stop()
		}
		if f := s.follows[id]; f != nil {
			f.deleted = true
			f.cancel()
			stopped = append(stopped, f)
		}
	}
	s.mu.Unlock()
	// A follow writes no more once it has returned.
	for _, f := range stopped {
		<-f.done
	}
	n, err := s.store.Delete(ids...)
	if err != nil {
		s.mu.Lock()
		for _, id := range ids {
			delete(s.deleted, id)
		}
		s.mu.Unlock()
		return 0, err
	}
	for _, j := range gone {
		if s.forget != nil {
			s.forget(j)
		}
		s.events.publish(Event{Kind: JobDeleted, Job: j})
	}
	return n, nil
}

// Close stops every follow and download the service started, waits for
// them to return, and closes every subscription (queued events stay
// readable). The jobs stay in the history; a later Resume picks them up.
func (s *Service) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
	s.events.closeAll()
}

// startWork counts one more background goroutine, unless the service is
// closed.
func (s *Service) startWork() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.wg.Add(1)
	return true
}
