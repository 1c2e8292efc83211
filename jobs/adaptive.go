package jobs

import (
	"math"
	"math/rand/v2"
	"time"

	"github.com/soratui/soratui/history"
)

// Adaptive is the default polling schedule (SPEC §4): slow while a job is
// queued, dense around its expected end, and slow again (the job flagged
// slow) when it runs far past that end. It never gives up.
//
// The expected end comes from the job's own progress when the server
// reports it (a line fitted through the latest reads, extrapolated to
// 99 %), else from how long past jobs of the same kind took (Priors),
// else from DefaultPrior. With progress it spends few reads: a second look
// to measure the rate, a read or two before the predicted end to refine
// it, then short steps across the end.
//
// Adaptive keeps no state: everything it knows of a job comes in the
// Poll, so one value serves every job of a tracker. The global request
// cap stays in the tracker.
type Adaptive struct {
	// Priors are durations of past jobs by kind; nil uses DefaultPrior.
	Priors *Priors
	// Scale multiplies every built-in timing (intervals, steps, the
	// default prior, the slow threshold) but not the server's Retry-After;
	// 0 means 1. Tests run scaled-down jobs with it.
	Scale float64
	// MaxBackoff caps the wait after failures; default one minute.
	MaxBackoff time.Duration
	// Rand, when set, draws the jitter and the spread of first reads,
	// so a simulation replays exactly; nil uses the shared source. A
	// *rand.Rand is not safe for concurrent use: set it only where one
	// goroutine schedules.
	Rand *rand.Rand
}

// Built-in timings of Adaptive, before Scale.
const (
	// QueuedInterval is the wait between reads of a job that is queued,
	// or running without progress, while its expected end is far off.
	QueuedInterval = 12 * time.Second
	// SlowInterval is the wait between reads of a job flagged slow.
	SlowInterval = 45 * time.Second
	// SlowGrace is the least time past its expected end before a job
	// is flagged slow; a longer job gets half its expected duration.
	SlowGrace = 2 * time.Minute

	minStep      = 250 * time.Millisecond // shortest wait
	maxCloseStep = 500 * time.Millisecond // longest step across a predicted end
	confident    = 500 * time.Millisecond // end known this well: aim at it
	allowance    = 50 * time.Millisecond  // a read's own latency
	minGap       = 2 * time.Second        // second look at a running job, to measure its rate
	maxGap       = 10 * time.Second
	firstReadMax = 2 * time.Second // a resumed, stale job is read within this
	fitPoints    = 6               // latest distinct progress values fitted
)

// Next implements Scheduler.
func (a Adaptive) Next(p Poll) time.Duration {
	pl := a.plan(p)
	if p.Failures == 0 {
		return pl.wait
	}
	base := min(max(pl.wait, a.scaled(time.Second)), a.scaled(5*time.Second))
	maxWait := a.MaxBackoff
	if maxWait <= 0 {
		maxWait = a.scaled(time.Minute)
	}
	return Backoff(base, p.Failures, maxWait, p.Err)
}

// Slow reports whether the job is pending far past its expected end. The
// tracker puts it in Event.Slow.
func (a Adaptive) Slow(p Poll) bool { return a.plan(p).slow }

// ExpectedEnd is when the job should finish by what Adaptive knows, and
// whether it has an estimate (the job is pending).
func (a Adaptive) ExpectedEnd(p Poll) (time.Time, bool) {
	pl := a.plan(p)
	return pl.end, !pl.end.IsZero()
}

// IsSlow reports whether a pending job is far past the end its record and
// DefaultPrior let one expect, as Adaptive judges it without a history.
func IsSlow(j history.Job, now time.Time) bool {
	return Adaptive{}.Slow(Poll{Job: j, Now: now})
}

// plan is one scheduling decision.
type plan struct {
	wait time.Duration
	end  time.Time // expected end; zero when the job is not pending
	slow bool
}

func (a Adaptive) plan(p Poll) plan {
	now := p.Now
	if now.IsZero() {
		now = time.Now()
	}
	j := p.Job
	if j.Status.Terminal() {
		return plan{wait: a.scaled(QueuedInterval)}
	}
	acc := acceptedAt(j)
	if p.Reads == 0 && now.Sub(j.UpdatedAt) > a.scaled(QueuedInterval) {
		// Resumed after a while: the record is stale, look soon (spread
		// so that many resumed jobs do not read at once).
		pl := a.estimate(now, j, observations(p), acc, p.Reads)
		pl.wait = a.scaled(minStep) + time.Duration(a.int64N(int64(a.scaled(firstReadMax-minStep))+1))
		return pl
	}
	return a.estimate(now, j, observations(p), acc, p.Reads)
}

func (a Adaptive) estimate(now time.Time, j history.Job, obs []Sample, acc time.Time, reads int) plan {
	pts := progressPoints(obs)
	if len(pts) >= 2 {
		if l, ok := fitLine(pts); ok {
			return a.byProgress(now, acc, l)
		}
	}
	if len(pts) == 1 && pts[0].v > 0 {
		if pl, ok := a.secondLook(now, acc, pts[0], obs); ok {
			return pl
		}
	}
	return a.byPrior(now, j, obs, acc, reads)
}

// byProgress aims at the end predicted from the job's progress.
func (a Adaptive) byProgress(now, acc time.Time, l line) plan {
	r := l.end.Sub(now)
	rem := max(r, 0)
	// How well the end is known: the rate's error (progress is whole
	// percents) carried over the remaining time, the latest value's own
	// rounding, a read's latency, and at least a tenth of what remains
	// (progress need not be linear).
	u := seconds(rem.Seconds()/(l.rate*l.span.Seconds())+0.5/l.rate) + a.scaled(allowance)
	u = max(u, rem/10)
	step := min(max(u/2, a.scaled(minStep)), a.scaled(maxCloseStep))
	pl := plan{end: l.end}
	slowAt := l.end.Add(max(a.scaled(SlowGrace), l.end.Sub(acc)/2))
	switch {
	case !now.Before(slowAt):
		pl.wait, pl.slow = a.jitter(SlowInterval), true
	case r > 0 && u > a.scaled(confident) && r > 2*u:
		// A refining read well before the end.
		pl.wait = max(r-2*u, r/2)
	case r > 0:
		// Aim just before the predicted end; the steps below cross it.
		pl.wait = max(r-u/2, step)
	case -r < u:
		pl.wait = step
	default:
		// Overdue: wait as long as it is overdue, so reads thin out
		// geometrically towards the slow rate.
		pl.wait = min(max(-r, step), a.scaled(SlowInterval))
	}
	return pl
}

// secondLook schedules the read that measures the rate of a job seen
// running once. It declines when that read was made and showed no
// progress (the job stalls: the prior decides).
func (a Adaptive) secondLook(now, acc time.Time, pt point, obs []Sample) (plan, bool) {
	// The job started after it was last seen queued.
	low := acc
	for _, s := range obs {
		if s.At.Before(pt.t) && s.Status == history.StatusNotStarted {
			low = s.At
		}
	}
	elapsed := max(pt.t.Sub(low), a.scaled(minStep))
	// At least this fast: the rate if it started right after low.
	ub := time.Duration(float64(elapsed) * (100 - pt.v) / pt.v)
	gap := min(max(ub/10, a.scaled(minGap)), a.scaled(maxGap))
	// Near its end (late in a long queue) the bound itself is close.
	gap = min(gap, max(ub/2, a.scaled(minStep)))
	due := pt.t.Add(gap)
	last := obs[len(obs)-1].At
	if last.After(pt.t) && !last.Before(due) {
		return plan{}, false
	}
	return plan{wait: max(due.Sub(now), a.scaled(minStep)), end: pt.t.Add(ub)}, true
}

// byPrior places reads around the end that past jobs of the kind suggest:
// sparse before their window, dense across it, a little denser than fixed
// polling after it, spending about the reads fixed polling would on a job
// ending at the window's far side. Without past jobs of the kind, DefaultPrior is only a
// guess: it reads a queued job every QueuedInterval and a running one a
// little more often than fixed polling (and flags a slow job by the
// guess).
func (a Adaptive) byPrior(now time.Time, j history.Job, obs []Sample, acc time.Time, reads int) plan {
	base, sp := acc, a.scaledSpread(DefaultPrior())
	pr, learned := a.Priors.For(j)
	if learned = learned && pr.Total.Median > 0; learned {
		sp = pr.Total
		if run, ok := runStart(obs); ok && pr.Run.Median > 0 && run.Add(pr.Run.Median).After(acc.Add(sp.Median)) {
			// A long queue: count from the start of the run instead.
			base, sp = run, pr.Run
		}
	}
	pad := max(sp.Median*3/100, a.scaled(300*time.Millisecond))
	lo := base.Add(min(sp.Low, sp.Median-pad))
	hi := base.Add(max(sp.High, sp.Median+pad))
	fixed := a.scaled(DefaultInterval)
	pl := plan{end: base.Add(sp.Median)}
	slowAt := hi.Add(max(a.scaled(SlowGrace), hi.Sub(acc)/2))
	switch {
	case !now.Before(slowAt):
		pl.wait, pl.slow = a.jitter(SlowInterval), true
	case !learned && !seenRunning(obs):
		// Queued: progress, if the server reports it, comes once the
		// job runs and aims the reads better than any guess.
		pl.wait = a.jitter(QueuedInterval)
	case !learned || now.After(hi):
		// Running with no progress and nothing learned, or past the
		// window: on a grid from acceptance as fixed polling, a fifth
		// finer while the sparse reads of the queue (or before the
		// window) leave fewer reads made than fixed polling's.
		grid := fixed
		if float64(reads+1) < float64(now.Sub(acc))/float64(fixed) {
			grid = fixed * 4 / 5
		}
		next := acc.Add((now.Sub(acc)/grid + 1) * grid)
		pl.wait = max(next.Sub(now), a.scaled(minStep))
	case now.Before(lo):
		wait := a.jitter(QueuedInterval)
		if runningWithoutProgress(obs) {
			// No progress will come to aim by: far from the window,
			// go a quarter of the way at a time, so twenty long jobs
			// cost a few reads a minute, not a hundred.
			wait = max(wait, lo.Sub(now)/4)
		}
		pl.wait = max(min(wait, lo.Sub(now)), a.scaled(minStep))
	default:
		pl.wait = a.windowStep(base, lo, hi)
	}
	return pl
}

// windowStep is the wait between reads inside a prior's window: the reads
// fixed polling would make up to the window's end, less those made before
// the window, spread evenly across it.
func (a Adaptive) windowStep(base, lo, hi time.Time) time.Duration {
	fixed := a.scaled(DefaultInterval)
	budget := float64(hi.Sub(base)) / float64(fixed)
	before := float64(lo.Sub(base))/float64(a.scaled(QueuedInterval)) + 1
	left := budget - before
	if left < 1 {
		return fixed
	}
	// Jobs that end before the window's far side leave reads unspent:
	// a third more density is paid for.
	step := time.Duration(float64(hi.Sub(lo)) / left * 3 / 4)
	return min(max(step, a.scaled(minStep)), fixed)
}

// runningWithoutProgress reports a job seen running with no progress: the
// server does not report it.
func runningWithoutProgress(obs []Sample) bool {
	for _, s := range obs {
		if s.Status == history.StatusRunning && s.Progress < 0 {
			return true
		}
	}
	return false
}

// seenRunning reports whether a read saw the job running.
func seenRunning(obs []Sample) bool {
	_, ok := runStart(obs)
	return ok
}

// runStart estimates when the job started running: between the last read
// that saw it queued and the first that saw it running.
func runStart(obs []Sample) (time.Time, bool) {
	var queued time.Time
	for _, s := range obs {
		switch s.Status {
		case history.StatusNotStarted:
			queued = s.At
		case history.StatusRunning:
			if queued.IsZero() {
				return s.At, true
			}
			return queued.Add(s.At.Sub(queued) / 2), true
		}
	}
	return time.Time{}, false
}

// observations are the job's reads: those its record keeps from before
// this process (status changes, the latest progress), then p.Samples.
func observations(p Poll) []Sample {
	j := p.Job
	var first time.Time
	if len(p.Samples) > 0 {
		first = p.Samples[0].At
	}
	var out []Sample
	add := func(s Sample) {
		if !first.IsZero() && !s.At.Before(first) {
			return
		}
		if n := len(out); n > 0 && !s.At.After(out[n-1].At) {
			return
		}
		out = append(out, s)
	}
	for _, c := range j.StatusHistory {
		if c.Status != history.StatusNotStarted && c.Status != history.StatusRunning {
			continue
		}
		prog := -1
		if c.Progress != nil {
			prog = *c.Progress
		}
		add(Sample{At: c.At, Status: c.Status, Progress: prog})
	}
	if !j.Status.Terminal() && j.Progress != nil {
		add(Sample{At: j.UpdatedAt, Status: j.Status, Progress: *j.Progress})
	}
	return append(out, p.Samples...)
}

// point is one progress reading: percent v at time t.
type point struct {
	t time.Time
	v float64
}

// progressPoints are the readings a line can be fitted through: the
// latest run of reads that saw the job running with a progress, from its
// last decrease on, each value at the first read that showed it (a
// repeated value says nothing about the rate, and a stall must not drag
// the prediction along), at most fitPoints of them.
func progressPoints(obs []Sample) []point {
	var pts []point
	for _, s := range obs {
		if s.Status != history.StatusRunning || s.Progress < 0 {
			pts = pts[:0]
			continue
		}
		v := float64(s.Progress)
		if n := len(pts); n > 0 {
			switch last := pts[n-1].v; {
			case v == last:
				continue
			case v < last:
				pts = pts[:0]
			}
		}
		pts = append(pts, point{t: s.At, v: v})
	}
	if len(pts) > fitPoints {
		pts = pts[len(pts)-fitPoints:]
	}
	return pts
}

// line is a least-squares fit of progress over time.
type line struct {
	end  time.Time     // where it reaches endPercent
	rate float64       // percent per second
	span time.Duration // time covered by the points
}

// maxPredict bounds an extrapolation from a very slow rate.
const maxPredict = 24 * time.Hour

// endPercent is where the fitted line is taken to end: servers that
// report progress tend to show 99 % until the result is ready, and one
// percent of a long job is seconds, so aiming at 100 % would read late.
// A server that does count to 100 costs a step or two more.
const endPercent = 99

func fitLine(pts []point) (line, bool) {
	t0 := pts[0].t
	n := float64(len(pts))
	var sx, sy float64
	for _, p := range pts {
		sx += p.t.Sub(t0).Seconds()
		sy += p.v
	}
	mx, my := sx/n, sy/n
	var sxx, sxy float64
	for _, p := range pts {
		dx := p.t.Sub(t0).Seconds() - mx
		sxx += dx * dx
		sxy += dx * (p.v - my)
	}
	if sxx <= 0 {
		return line{}, false
	}
	slope := sxy / sxx
	if slope <= 0 || math.IsNaN(slope) || math.IsInf(slope, 0) {
		return line{}, false
	}
	xEnd := mx + (endPercent-my)/slope
	xEnd = min(xEnd, maxPredict.Seconds())
	return line{end: t0.Add(seconds(xEnd)), rate: slope, span: pts[len(pts)-1].t.Sub(t0)}, true
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

func (a Adaptive) scaled(d time.Duration) time.Duration {
	if a.Scale <= 0 || a.Scale == 1 {
		return d
	}
	return time.Duration(float64(d) * a.Scale)
}

func (a Adaptive) scaledSpread(s Spread) Spread {
	return Spread{Low: a.scaled(s.Low), Median: a.scaled(s.Median), High: a.scaled(s.High)}
}

// jitter is d scaled, ±10 %, so that jobs started together drift apart.
func (a Adaptive) jitter(d time.Duration) time.Duration {
	return time.Duration(float64(a.scaled(d)) * (0.9 + 0.2*a.float64()))
}

// float64 is a random number in [0, 1) from a.Rand or the shared source.
func (a Adaptive) float64() float64 {
	if a.Rand != nil {
		return a.Rand.Float64()
	}
	return rand.Float64()
}

// int64N is a random number in [0, n) from a.Rand or the shared source.
func (a Adaptive) int64N(n int64) int64 {
	if a.Rand != nil {
		return a.Rand.Int64N(n)
	}
	return rand.Int64N(n)
}
