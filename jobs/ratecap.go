package jobs

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// RateCap caps the status reads of a process across all its jobs. It
// starts at a modest rate and grows while the server answers (about one
// read a second more for every second spent at the cap), and halves when
// the server says 429, so twenty jobs ending at once are read as fast as
// the server allows rather than four a second. It is safe for concurrent
// use.
type RateCap struct {
	mu       sync.Mutex
	lim      *rate.Limiter
	min, max float64
}

// Bounds of RateCap, in reads per second.
const (
	// StartRate is where a RateCap starts.
	StartRate = 4
	// MinRate is the least a run of 429s halves it to.
	MinRate = 0.5
	// MaxRate is the most it grows to, unless it starts higher.
	MaxRate = 50
)

// NewRateCap returns a cap starting at start reads a second (StartRate
// when 0 or less), between MinRate and MaxRate (or start, if higher).
func NewRateCap(start float64) *RateCap {
	if start <= 0 {
		start = StartRate
	}
	start = max(start, MinRate)
	return &RateCap{lim: rate.NewLimiter(rate.Limit(start), max(1, int(start))), min: MinRate, max: max(start, MaxRate)}
}

// Rate is the current cap in reads per second.
func (c *RateCap) Rate() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return float64(c.lim.Limit())
}

// Delay reserves a read at now and returns how long to wait before it.
// Simulations call it with a virtual clock.
func (c *RateCap) Delay(now time.Time) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lim.ReserveN(now, 1).DelayFrom(now)
}

// Wait blocks until a read may go, or ctx ends.
func (c *RateCap) Wait(ctx context.Context) error {
	d := c.Delay(time.Now())
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Answered records a read the server answered without a 429: the cap
// grows by 1/rate, so by about one read a second per second at the cap.
func (c *RateCap) Answered(now time.Time) {
	c.set(now, func(r float64) float64 { return r + 1/r })
}

// Limited records a 429: the cap halves.
func (c *RateCap) Limited(now time.Time) {
	c.set(now, func(r float64) float64 { return r / 2 })
}

func (c *RateCap) set(now time.Time, f func(float64) float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := min(max(f(float64(c.lim.Limit())), c.min), c.max)
	c.lim.SetLimitAt(now, rate.Limit(r))
	c.lim.SetBurstAt(now, max(1, int(r)))
}
