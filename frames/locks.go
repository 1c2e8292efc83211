package frames

import (
	"context"
	"sync"
)

// jobLocks lets one extraction run per job at a time; others for the same
// job wait (and then find the cache filled), other jobs go ahead.
type jobLocks struct {
	mu   sync.Mutex
	held map[string]*jobSlot
}

type jobSlot struct {
	ch      chan struct{}
	waiters int
}

// lock waits for id's slot or for ctx; unlock releases it.
func (l *jobLocks) lock(ctx context.Context, id string) (unlock func(), err error) {
	l.mu.Lock()
	if l.held == nil {
		l.held = map[string]*jobSlot{}
	}
	s := l.held[id]
	if s == nil {
		s = &jobSlot{ch: make(chan struct{}, 1)}
		l.held[id] = s
	}
	s.waiters++
	l.mu.Unlock()

	select {
	case s.ch <- struct{}{}:
		return func() { <-s.ch; l.release(id, s) }, nil
	case <-ctx.Done():
		l.release(id, s)
		return nil, ctx.Err()
	}
}

func (l *jobLocks) release(id string, s *jobSlot) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s.waiters--; s.waiters == 0 {
		delete(l.held, id)
	}
}
