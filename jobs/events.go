package jobs

import (
	"context"
	"sync"

	"github.com/soratui/soratui/history"
)

// EventKind says what an Event reports.
type EventKind int

// The kinds of Event. The zero kind is JobChanged, so a Tracker's events
// need no kind.
const (
	// JobChanged: Job is the new record of a submitted or followed job;
	// with Err set, a status read failed and the job is still followed.
	JobChanged EventKind = iota
	// JobDeleted: Job (its last record) was removed from the history and
	// is followed no more.
	JobDeleted
	// DownloadProgress: Done of Total bytes (Total -1 when unknown) of
	// Job's video have arrived.
	DownloadProgress
	// DownloadFinished: Job's video is saved; Job.LocalPath says where.
	DownloadFinished
	// DownloadFailed: Job's video was not saved, for the reason in Err;
	// the job itself is unchanged (still finished).
	DownloadFailed
	// RecordWaiting: the server accepted Job's task (Job.TaskID) but the
	// history stays locked (Err, a *history.LockError naming the holder);
	// recording it is retried until it lands or the context ends.
	RecordWaiting
)

// String names the kind for logs and test failures.
func (k EventKind) String() string {
	switch k {
	case JobChanged:
		return "changed"
	case JobDeleted:
		return "deleted"
	case DownloadProgress:
		return "download-progress"
	case DownloadFinished:
		return "download-finished"
	case DownloadFailed:
		return "download-failed"
	case RecordWaiting:
		return "record-waiting"
	}
	return "unknown"
}

// Event reports what happened to one job: a change recorded by the
// tracker, its deletion, or the progress and end of its download.
type Event struct {
	Kind EventKind
	Job  history.Job
	// Err is a failed status read (JobChanged; the job is still
	// followed) or why a download failed (DownloadFailed).
	Err error
	// Slow says the job is pending far past its expected end (see
	// IsSlow); it is still followed, at a low rate.
	Slow bool
	// Done and Total count the bytes of a download (DownloadProgress);
	// Total is -1 when the server does not say.
	Done, Total int64
}

// hub hands every published event to every open subscription. Publishing
// never blocks: each subscription queues what its consumer has not taken.
type hub struct {
	mu     sync.Mutex
	subs   map[*Subscription]struct{}
	closed bool // no new subscription receives anything
}

func (h *hub) publish(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		s.push(e)
	}
}

func (h *hub) subscribe(ctx context.Context) *Subscription {
	s := &Subscription{ctx: ctx, hub: h, ready: make(chan struct{}, 1)}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		s.closed = true
		return s
	}
	if h.subs == nil {
		h.subs = map[*Subscription]struct{}{}
	}
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	// A consumer that goes away takes its queue with it.
	stop := context.AfterFunc(ctx, s.Close)
	s.mu.Lock()
	s.stop = stop
	s.mu.Unlock()
	return s
}

func (h *hub) remove(s *Subscription) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs, s)
}

// closeAll ends every subscription; their queued events stay readable.
func (h *hub) closeAll() {
	h.mu.Lock()
	h.closed = true
	subs := make([]*Subscription, 0, len(h.subs))
	for s := range h.subs {
		subs = append(subs, s)
	}
	h.mu.Unlock()
	for _, s := range subs {
		s.Close()
	}
}

// Subscription is one consumer's view of a Service's event stream: every
// event published after Subscribe, in order, none lost. Progress events of
// one download that the consumer has not taken yet are folded into the
// latest, so a slow consumer's queue stays short. It is safe for
// concurrent use.
type Subscription struct {
	ctx   context.Context
	hub   *hub
	stop  func() bool
	ready chan struct{} // a token when the queue may have grown

	mu     sync.Mutex
	queue  []Event
	closed bool
}

func (s *Subscription) push(e Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	if n := len(s.queue); n > 0 && e.Kind == DownloadProgress {
		if last := s.queue[n-1]; last.Kind == DownloadProgress && last.Job.ID == e.Job.ID {
			s.queue[n-1] = e
			return
		}
	}
	s.queue = append(s.queue, e)
	select {
	case s.ready <- struct{}{}:
	default:
	}
}

// Next waits for the next event. It reports false once the subscription
// is closed and its queue is empty, or at once when the context given to
// Subscribe ends (the consumer is gone). In Bubble Tea, a tea.Cmd that
// calls Next and returns the event as a message, reissued after each,
// consumes the stream and returns when the program's context ends.
func (s *Subscription) Next() (Event, bool) {
	for {
		s.mu.Lock()
		switch {
		case s.ctx.Err() != nil:
			s.mu.Unlock()
			return Event{}, false
		case len(s.queue) > 0:
			e := s.queue[0]
			s.queue[0] = Event{}
			s.queue = s.queue[1:]
			s.mu.Unlock()
			return e, true
		case s.closed:
			s.mu.Unlock()
			return Event{}, false
		}
		s.mu.Unlock()
		select {
		case <-s.ready:
		case <-s.ctx.Done():
		}
	}
}

// Close stops the subscription receiving events; Next still returns the
// ones already queued, then reports false. Closing twice is harmless.
func (s *Subscription) Close() {
	s.hub.remove(s)
	s.mu.Lock()
	s.closed = true
	stop := s.stop
	s.mu.Unlock()
	if stop != nil {
		stop()
	}
	select {
	case s.ready <- struct{}{}:
	default:
	}
}
