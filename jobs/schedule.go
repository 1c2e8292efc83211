package jobs

import (
	"math/rand/v2"
	"time"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
)

// Poll is what a Scheduler knows about one followed job when it picks the
// wait before the next status read.
type Poll struct {
	Job history.Job
	// Reads is how many status reads were made for the job by this
	// process; Failures how many of the latest ones failed in a row.
	Reads    int
	Failures int
	// Err is the latest failure, nil after a success.
	Err error
	// Now is when the tracker asks; zero means time.Now().
	Now time.Time
	// Samples are this process's latest successful reads of the job,
	// oldest first (at most MaxSamples), so a scheduler can extrapolate
	// progress over time.
	Samples []Sample
}

// Sample is what one successful status read said, and when.
type Sample struct {
	At     time.Time
	Status history.Status
	// Progress is the server's percentage, or -1 when it gave none.
	Progress int
}

// MaxSamples is how many recent reads a Poll keeps.
const MaxSamples = 32

// Scheduler decides how long to wait before the next status read of a job.
// The tracker asks it after every read; swapping it changes the polling
// strategy without touching the tracker.
type Scheduler interface {
	Next(p Poll) time.Duration
}

// Fixed polls at one interval, backing off exponentially (with jitter) on
// consecutive failures and honouring Retry-After.
type Fixed struct {
	Interval time.Duration
	// MaxBackoff caps the wait after failures; default one minute.
	MaxBackoff time.Duration
}

// DefaultInterval is the fixed polling interval when none is set.
const DefaultInterval = 5 * time.Second

// Next implements Scheduler.
func (f Fixed) Next(p Poll) time.Duration {
	base := f.Interval
	if base <= 0 {
		base = DefaultInterval
	}
	if p.Failures == 0 {
		return base
	}
	return Backoff(base, p.Failures, f.MaxBackoff, p.Err)
}

// Backoff is the wait after n failures in a row: base doubled per failure,
// capped at maxWait (one minute when zero), with ±20 % jitter, and never
// shorter than the server's Retry-After.
func Backoff(base time.Duration, n int, maxWait time.Duration, err error) time.Duration {
	if maxWait <= 0 {
		maxWait = time.Minute
	}
	d := base
	for i := 1; i < n && d < maxWait; i++ {
		d *= 2
	}
	d = min(d, maxWait)
	d = time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
	if ra := apidot.RetryAfter(err); ra > d {
		d = ra
	}
	return d
}
