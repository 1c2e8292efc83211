package jobs

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/history/historytest"
)

// serverModel is the simulator's view of one task, on a fake clock: queued
// for queue, then running for run with progress counting to 99 (or to
// 100 with to100), then finished; stallAt freezes the progress there
// forever.
type serverModel struct {
	queue, run time.Duration
	noProgress bool
	to100      bool
	stallAt    int
}

func (m serverModel) status(since time.Duration) apidot.Task {
	t := apidot.Task{ID: "task-1"}
	p := 0
	switch {
	case since < m.queue:
		t.Status = apidot.StatusNotStarted
	case m.stallAt > 0 || since < m.queue+m.run:
		t.Status = apidot.StatusRunning
		top := 99
		if m.to100 {
			top = 100
		}
		p = int(time.Duration(top) * (since - m.queue) / m.run)
		if m.stallAt > 0 && p > m.stallAt {
			p = m.stallAt
		}
	default:
		t.Status = apidot.StatusFinished
		p = 100
	}
	if !m.noProgress {
		t.Progress = &p
	}
	return t
}

var t0 = time.Date(2026, 4, 19, 21, 0, 0, 0, time.UTC)

// acceptedJob is a job the server accepted at t0.
func acceptedJob() history.Job {
	j := history.Job{Model: apidot.ModelStandard, Duration: 4, TaskID: "task-1", CreatedAt: t0}
	j.SetStatus(history.StatusSubmitting, "", t0)
	apply(&j, apidot.Task{Status: apidot.StatusNotStarted}, t0)
	j.UpdatedAt = t0
	return j
}

// run is one job followed on a fake clock.
type run struct {
	reads int
	delay time.Duration // from the server's finish to the read that saw it
	waits []time.Duration
	slow  bool // flagged slow at the last read
}

// follow plays the tracker's loop against m on a fake clock, starting
// offset after the job was accepted, for at most limit.
func follow(s Scheduler, m serverModel, offset, limit time.Duration) run {
	const latency = 2 * time.Millisecond
	if a, ok := s.(Adaptive); ok && a.Rand == nil {
		// A fixed draw of the jitter: the bounds below hold for this
		// replay, not for luck.
		a.Rand = rand.New(rand.NewPCG(1, uint64(offset)))
		s = a
	}
	now := t0.Add(offset)
	p := Poll{Job: acceptedJob()}
	var r run
	for !p.Job.Status.Terminal() && now.Sub(t0) < limit {
		p.Now = now
		w := s.Next(p)
		r.waits = append(r.waits, w)
		now = now.Add(w + latency)
		task := m.status(now.Sub(t0))
		r.reads++
		p.Reads++
		if apply(&p.Job, task, now) {
			p.Job.UpdatedAt = now
		}
		p.Samples = appendSample(p.Samples, Sample{At: now, Status: mapStatus(task), Progress: progressOf(task)})
		if a, ok := s.(Adaptive); ok {
			r.slow = a.Slow(Poll{Job: p.Job, Samples: p.Samples, Reads: p.Reads, Now: now})
		}
	}
	r.delay = now.Sub(t0.Add(m.queue + m.run))
	return r
}

// offsets spread the start of polling over one 5-second interval, so the
// fixed schedule's phase against the finish varies as it does for real.
func offsets() []time.Duration {
	var out []time.Duration
	for o := time.Duration(0); o < 5*time.Second; o += 250 * time.Millisecond {
		out = append(out, o)
	}
	return out
}

func TestAdaptiveNoticesA30SecondJobWithinASecondAndFewerReads(t *testing.T) {
	t.Parallel()
	for _, m := range []serverModel{
		{queue: 10 * time.Second, run: 20 * time.Second},
		{queue: 10 * time.Second, run: 20 * time.Second, to100: true},
		{queue: 2 * time.Second, run: 28 * time.Second},
		{queue: 20 * time.Second, run: 10 * time.Second},
	} {
		t.Run(fmt.Sprintf("queue=%v,run=%v,to100=%v", m.queue, m.run, m.to100), func(t *testing.T) {
			var delays []time.Duration
			for range 10 { // the queued interval is jittered
				for _, o := range offsets() {
					a := follow(Adaptive{}, m, o, time.Hour)
					f := follow(Fixed{Interval: 5 * time.Second}, m, o, time.Hour)
					if a.reads > 6 || a.reads > f.reads {
						t.Errorf("offset %v: %d reads (fixed 5s: %d), want at most 6; waits %v", o, a.reads, f.reads, a.waits)
					}
					// A queue read can land just before a short run and
					// the next just after it: a little over a second at
					// worst, rarely.
					if a.delay < 0 || a.delay > 1500*time.Millisecond {
						t.Errorf("offset %v: noticed %v after the finish; waits %v", o, a.delay, a.waits)
					}
					delays = append(delays, a.delay)
				}
			}
			slices.Sort(delays)
			if med := delays[len(delays)/2]; med > 500*time.Millisecond {
				t.Errorf("median delay %v, want at most 500ms", med)
			}
			if p90 := delays[len(delays)*9/10]; p90 > time.Second {
				t.Errorf("90th percentile delay %v, want at most 1s", p90)
			}
		})
	}
}

func TestAdaptiveOnLongJobsReadsFarLessThanFixed(t *testing.T) {
	t.Parallel()
	for _, m := range []serverModel{
		{queue: time.Minute, run: 3 * time.Minute},
		{queue: time.Minute, run: 3 * time.Minute, to100: true},
		{queue: 30 * time.Minute, run: 4 * time.Minute},
	} {
		a := follow(Adaptive{}, m, 0, 2*time.Hour)
		f := follow(Fixed{Interval: 5 * time.Second}, m, 0, 2*time.Hour)
		if a.reads*3 > f.reads {
			t.Errorf("%+v: %d reads, fixed 5s %d: want under a third", m, a.reads, f.reads)
		}
		if a.delay > 1500*time.Millisecond {
			t.Errorf("%+v: delay %v", m, a.delay)
		}
	}
}

// pastJobs are n finished jobs that each took took from acceptance.
func pastJobs(n int, took time.Duration) []history.Job {
	var out []history.Job
	start := t0.Add(-24 * time.Hour)
	for i := range n {
		at := start.Add(time.Duration(i) * time.Hour)
		j := history.Job{Model: apidot.ModelStandard, Duration: 4, CreatedAt: at}
		j.SetStatus(history.StatusSubmitting, "", at)
		j.SetStatus(history.StatusNotStarted, "", at.Add(100*time.Millisecond))
		j.SetStatus(history.StatusFinished, "", at.Add(100*time.Millisecond+took+time.Duration(i%5)*100*time.Millisecond))
		out = append(out, j)
	}
	return out
}

func TestAdaptiveWithoutProgressUsesHistory(t *testing.T) {
	t.Parallel()
	m := serverModel{queue: 10 * time.Second, run: 20 * time.Second, noProgress: true}
	withPriors := Adaptive{Priors: NewPriors(pastJobs(20, 30*time.Second))}
	for _, o := range offsets() {
		r := follow(withPriors, m, o, time.Hour)
		if r.reads > 6 || r.delay > time.Second {
			t.Errorf("with priors, offset %v: %d reads, delay %v; waits %v", o, r.reads, r.delay, r.waits)
		}
		// Without history it knows only that Sora takes minutes: it
		// reads sparsely, never more than fixed polling.
		if r := follow(Adaptive{}, m, o, time.Hour); r.reads > 6 || r.delay > 15*time.Second {
			t.Errorf("without priors, offset %v: %d reads, delay %v", o, r.reads, r.delay)
		}
	}
	// A Sora-length job and no history at all: fewer reads in the
	// queue, spent on a finer grid while it runs, so noticed no later
	// than fixed polling would, for no more reads.
	long := serverModel{queue: time.Minute, run: 4*time.Minute + 2*time.Second, noProgress: true}
	r := follow(Adaptive{}, long, 0, time.Hour)
	f := follow(Fixed{Interval: 5 * time.Second}, long, 0, time.Hour)
	if r.reads > f.reads || r.delay > f.delay {
		t.Errorf("5 min job without progress or history: %d reads, delay %v; fixed %d reads, delay %v", r.reads, r.delay, f.reads, f.delay)
	}
}

func TestAdaptiveNeverGivesUpAndFlagsAStalledJobSlow(t *testing.T) {
	t.Parallel()
	for _, m := range []serverModel{
		{queue: 10 * time.Second, run: 20 * time.Second, stallAt: 60},
		{queue: 10 * time.Hour, run: time.Minute}, // queued for ever
		{queue: 10 * time.Hour, run: time.Minute, noProgress: true},
	} {
		r := follow(Adaptive{}, m, 0, 3*time.Hour)
		if r.reads < 3*60 || r.reads > 3*60*60/30 {
			t.Errorf("%+v: %d reads in 3 hours, want about one every 45s", m, r.reads)
		}
		for i, w := range r.waits {
			if w < minStep {
				t.Fatalf("%+v: wait %d is %v", m, i, w)
			}
		}
		for _, w := range r.waits[len(r.waits)-20:] {
			if w < 40*time.Second || w > 50*time.Second {
				t.Errorf("%+v: late wait %v, want the slow rate (45s ±10%%)", m, w)
			}
		}
		if !r.slow {
			t.Errorf("%+v: not flagged slow after 3 hours", m)
		}
	}
}

func TestAdaptiveDecisions(t *testing.T) {
	t.Parallel()
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	running := func(d time.Duration, p int) Sample {
		return Sample{At: at(d), Status: history.StatusRunning, Progress: p}
	}
	queued := func(d time.Duration) Sample {
		return Sample{At: at(d), Status: history.StatusNotStarted, Progress: 0}
	}
	tests := []struct {
		name     string
		p        Poll
		min, max time.Duration
		slow     bool
	}{
		{"just accepted: queued interval", Poll{Job: acceptedJob(), Now: t0},
			QueuedInterval * 9 / 10, QueuedInterval * 11 / 10, false},
		{"queued after a read: queued interval", Poll{Job: acceptedJob(), Now: at(12 * time.Second), Reads: 1, Samples: []Sample{queued(12 * time.Second)}},
			QueuedInterval * 9 / 10, QueuedInterval * 11 / 10, false},
		{"seen running once at 9%: a second look to measure the rate", Poll{Job: acceptedJob(), Now: at(12 * time.Second), Reads: 1,
			Samples: []Sample{running(12*time.Second, 9)}},
			10 * time.Second, 10 * time.Second, false},
		{"seen running once at 60%: a sooner second look", Poll{Job: acceptedJob(), Now: at(12 * time.Second), Reads: 1,
			Samples: []Sample{running(12*time.Second, 60)}},
			minGap, minGap, false},
		// 9% at 12s and 59% at 22s: 5%/s, 99% at 30s; 8s remain, known
		// to about a second: a refining read well before the end.
		{"rate known roughly: refine before the end", Poll{Job: acceptedJob(), Now: at(22 * time.Second), Reads: 2,
			Samples: []Sample{running(12*time.Second, 9), running(22*time.Second, 59)}},
			4 * time.Second, 7 * time.Second, false},
		// Three readings over 16s: the end (30s) is known well; aim just
		// before it.
		{"end known well: aim just before it", Poll{Job: acceptedJob(), Now: at(28 * time.Second), Reads: 3,
			Samples: []Sample{running(12*time.Second, 9), running(22*time.Second, 59), running(28*time.Second, 89)}},
			1500 * time.Millisecond, 2 * time.Second, false},
		{"at the predicted end: short step", Poll{Job: acceptedJob(), Now: at(30 * time.Second), Reads: 4,
			Samples: []Sample{running(12*time.Second, 9), running(22*time.Second, 59), running(28*time.Second, 89), running(30*time.Second, 99)}},
			minStep, maxCloseStep, false},
		{"overdue 20s: wait about as long", Poll{Job: acceptedJob(), Now: at(50 * time.Second), Reads: 5,
			Samples: []Sample{running(12*time.Second, 9), running(22*time.Second, 59), running(28*time.Second, 89), running(50*time.Second, 89)}},
			19 * time.Second, 21 * time.Second, false},
		{"stalled for ten minutes: slow", Poll{Job: acceptedJob(), Now: at(11 * time.Minute), Reads: 9,
			Samples: []Sample{running(12*time.Second, 9), running(22*time.Second, 59), running(28*time.Second, 89), running(11*time.Minute, 89)}},
			SlowInterval * 9 / 10, SlowInterval * 11 / 10, true},
		{"queued 5 min, no history: queued interval", Poll{Job: acceptedJob(), Now: at(5 * time.Minute), Reads: 20,
			Samples: []Sample{queued(5 * time.Minute)}},
			QueuedInterval * 9 / 10, QueuedInterval * 11 / 10, false},
		{"running without progress, no history, reads to spare: a finer grid", Poll{Job: acceptedJob(), Now: at(61 * time.Second), Reads: 6,
			Samples: []Sample{queued(48 * time.Second), running(61*time.Second, -1)}},
			3 * time.Second, 3 * time.Second, false},
		{"running without progress, no history, none to spare: fixed polling's grid", Poll{Job: acceptedJob(), Now: at(61 * time.Second), Reads: 12,
			Samples: []Sample{queued(48 * time.Second), running(61*time.Second, -1)}},
			4 * time.Second, 4 * time.Second, false},
		{"queued 20 min, no history: slow", Poll{Job: acceptedJob(), Now: at(20 * time.Minute), Reads: 60,
			Samples: []Sample{queued(20 * time.Minute)}},
			SlowInterval * 9 / 10, SlowInterval * 11 / 10, true},
		{"resumed after an hour: read soon", func() Poll {
			j := acceptedJob()
			return Poll{Job: j, Now: at(time.Hour)}
		}(), minStep, firstReadMax, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var a Adaptive
			for range 20 {
				got := a.Next(tt.p)
				if got < tt.min || got > tt.max {
					t.Fatalf("Next = %v, want %v to %v", got, tt.min, tt.max)
				}
			}
			if got := a.Slow(tt.p); got != tt.slow {
				t.Errorf("Slow = %v, want %v", got, tt.slow)
			}
		})
	}
}

func TestAdaptiveBacksOffAndHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	var a Adaptive
	p := Poll{Job: acceptedJob(), Now: t0, Reads: 1, Failures: 1, Err: errors.New("503")}
	prev := time.Duration(0)
	for n := 1; n <= 8; n++ {
		p.Failures = n
		got := a.Next(p)
		if got > 72*time.Second {
			t.Errorf("failure %d: %v, over the one-minute cap", n, got)
		}
		if n >= 7 && got < 48*time.Second {
			t.Errorf("failure %d: %v, want near the cap", n, got)
		}
		if n > 1 && got < prev/2 {
			t.Errorf("failure %d: %v after %v: not backing off", n, got, prev)
		}
		prev = got
	}
	p.Failures, p.Err = 1, &apidot.APIError{Code: 429, RetryAfter: 40 * time.Second}
	if got := a.Next(p); got < 40*time.Second {
		t.Errorf("Retry-After 40s gave %v", got)
	}
}

func TestAdaptiveResumesFromTheRecord(t *testing.T) {
	t.Parallel()
	// A previous process saw the job running at 9% at 12s and at 59% at
	// 22s; this one starts at 23s and knows the rate from the record.
	j := acceptedJob()
	p9, p59 := 9, 59
	j.Progress = &p9
	j.SetStatus(history.StatusRunning, "", t0.Add(12*time.Second))
	j.StatusHistory[len(j.StatusHistory)-1].Progress = &p9
	j.Progress = &p59
	j.UpdatedAt = t0.Add(22 * time.Second)
	end, ok := Adaptive{}.ExpectedEnd(Poll{Job: j, Now: t0.Add(23 * time.Second)})
	if !ok || end.Sub(t0) < 29*time.Second || end.Sub(t0) > 31*time.Second {
		t.Errorf("expected end %v after acceptance, want about 30s", end.Sub(t0))
	}
}

func TestIsSlow(t *testing.T) {
	t.Parallel()
	j := acceptedJob()
	if IsSlow(j, t0.Add(5*time.Minute)) {
		t.Error("a job queued 5 minutes is not slow yet")
	}
	if !IsSlow(j, t0.Add(time.Hour)) {
		t.Error("a job pending an hour is slow")
	}
	j.SetStatus(history.StatusFinished, "", t0.Add(time.Minute))
	if IsSlow(j, t0.Add(time.Hour)) {
		t.Error("a finished job is never slow")
	}
}

func TestAdaptiveScaleShrinksTimings(t *testing.T) {
	t.Parallel()
	a := Adaptive{Scale: 0.1}
	got := a.Next(Poll{Job: acceptedJob(), Now: t0})
	if got < QueuedInterval/10*9/10 || got > QueuedInterval/10*11/10 {
		t.Errorf("scaled queued wait %v", got)
	}
}

func TestPriors(t *testing.T) {
	t.Parallel()
	js := pastJobs(10, 30*time.Second)
	other := pastJobs(3, 3*time.Minute)
	for i := range other {
		other[i].Duration = 20
	}
	pending := acceptedJob()
	pr := NewPriors(append(append(js, other...), pending))
	got, ok := pr.For(acceptedJob())
	if !ok || got.N != 10 {
		t.Fatalf("For = %+v %v", got, ok)
	}
	if got.Total.Median < 30*time.Second || got.Total.Median > 31*time.Second || got.Total.Low > got.Total.Median || got.Total.High < got.Total.Median {
		t.Errorf("total spread %+v", got.Total)
	}
	twenty := acceptedJob()
	twenty.Duration = 20
	if got, _ := pr.For(twenty); got.N != 3 || got.Total.Median < 3*time.Minute {
		t.Errorf("20s videos: %+v", got)
	}
	pro := acceptedJob()
	pro.Model = apidot.ModelPro
	if _, ok := pr.For(pro); ok {
		t.Error("a kind with no history has a prior")
	}
	var none *Priors
	if _, ok := none.For(pro); ok {
		t.Error("nil priors know something")
	}
}

func TestLoadPriorsReadsFinishedJobsOfTheStore(t *testing.T) {
	t.Parallel()
	store := historytest.Open(t)
	for _, j := range pastJobs(5, 40*time.Second) {
		j := j
		if err := store.Create(&j); err != nil {
			t.Fatal(err)
		}
	}
	p, err := LoadPriors(store)
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := p.For(acceptedJob()); !ok || got.N != 5 || got.Total.Median < 40*time.Second {
		t.Errorf("For = %+v %v", got, ok)
	}
}
