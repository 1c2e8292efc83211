package jobs

import (
	"container/heap"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
)

// A polling scenario: jobs whose length is drawn at random from a range,
// followed on a virtual clock, with or without progress from the server
// and with or without a history of similar jobs.
type pollScenario struct {
	name       string
	lo, hi     time.Duration // total run time, acceptance to result
	noProgress bool
	history    bool // priors from 200 past jobs of the same range
	together   int  // jobs ending at the same instant, sharing the rate cap
}

// pollScenarios are the scenarios of make bench.
func pollScenarios() []pollScenario {
	var out []pollScenario
	for _, r := range []struct {
		name   string
		lo, hi time.Duration
	}{{"20-90s", 20 * time.Second, 90 * time.Second}, {"2-6min", 2 * time.Minute, 6 * time.Minute}} {
		for _, prog := range []bool{true, false} {
			for _, hist := range []bool{false, true} {
				name := fmt.Sprintf("%s/progress=%v/history=%v", r.name, prog, hist)
				out = append(out, pollScenario{name: name, lo: r.lo, hi: r.hi, noProgress: !prog, history: hist})
			}
		}
	}
	return append(out, pollScenario{name: "20-ending-at-once/progress=false/history=true",
		lo: 20 * time.Second, hi: 90 * time.Second, noProgress: true, history: true, together: 20})
}

// pollResult is what one policy did in one scenario.
type pollResult struct {
	median, p90 time.Duration // notice delay: server's finish to the read that saw it
	reads       float64       // status reads per job
}

// simJobs is how many jobs a scenario follows per policy.
const simJobs = 400

// serverRate is the simulated server's limit in reads per second, beyond
// which it answers 429.
const serverRate = 10

// drawModel is one job: a random length in the scenario's range, a
// tenth to two fifths of it queued.
func (sc pollScenario) drawModel(r *rand.Rand) serverModel {
	total := sc.lo + time.Duration(r.Int64N(int64(sc.hi-sc.lo)))
	q := time.Duration(float64(total) * (0.1 + 0.3*r.Float64()))
	return serverModel{queue: q, run: total - q, noProgress: sc.noProgress}
}

// priors are what a history of 200 jobs of the scenario says, or nil.
func (sc pollScenario) priors(r *rand.Rand) *Priors {
	if !sc.history {
		return nil
	}
	var js []history.Job
	for i := range 200 {
		m := sc.drawModel(r)
		acc := t0.Add(-time.Duration(i+1) * time.Hour)
		j := acceptedJob()
		j.StatusHistory = nil
		j.SetStatus(history.StatusSubmitting, "", acc)
		j.SetStatus(history.StatusNotStarted, "", acc)
		j.SetStatus(history.StatusRunning, "", acc.Add(m.queue))
		j.SetStatus(history.StatusFinished, "", acc.Add(m.queue+m.run))
		js = append(js, j)
	}
	return NewPriors(js)
}

// simulate follows the scenario's jobs with the scheduler the policy
// builds from the priors.
func (sc pollScenario) simulate(policy func(*Priors) Scheduler, seed uint64) pollResult {
	r := rand.New(rand.NewPCG(seed, 1))
	s := policy(sc.priors(r))
	var delays []time.Duration
	reads := 0
	if sc.together > 0 {
		for range simJobs / sc.together {
			d, n := followTogether(s, sc.drawModel(r), sc.together)
			delays = append(delays, d...)
			reads += n
		}
	} else {
		for range simJobs {
			f := follow(s, sc.drawModel(r), 0, 24*time.Hour)
			delays = append(delays, f.delay)
			reads += f.reads
		}
	}
	slices.Sort(delays)
	return pollResult{
		median: delays[len(delays)/2],
		p90:    delays[len(delays)*9/10],
		reads:  float64(reads) / float64(len(delays)),
	}
}

// simRead is one job's next read in followTogether.
type simRead struct {
	due time.Time
	job int
}

type readQueue []simRead

func (q readQueue) Len() int           { return len(q) }
func (q readQueue) Less(i, j int) bool { return q[i].due.Before(q[j].due) }
func (q readQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *readQueue) Push(x any)        { *q = append(*q, x.(simRead)) }
func (q *readQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

// followTogether follows n jobs that are accepted and end together,
// through one RateCap, against a server that answers 429 past
// serverRate reads a second. It returns each job's notice delay and the
// reads they cost in all (429s included).
func followTogether(s Scheduler, m serverModel, n int) ([]time.Duration, int) {
	limit := NewRateCap(0)
	polls := make([]Poll, n)
	q := &readQueue{}
	for i := range polls {
		polls[i] = Poll{Job: acceptedJob(), Now: t0}
		heap.Push(q, simRead{due: t0.Add(s.Next(polls[i])), job: i})
	}
	var window []time.Time // the server's reads in the last second
	var delays []time.Duration
	reads := 0
	for q.Len() > 0 {
		next := heap.Pop(q).(simRead)
		p := &polls[next.job]
		at := next.due.Add(limit.Delay(next.due))
		reads++
		p.Reads++
		window = slices.DeleteFunc(window, func(t time.Time) bool { return at.Sub(t) >= time.Second })
		if len(window) >= serverRate {
			limit.Limited(at)
			p.Failures, p.Err = p.Failures+1, &apidot.APIError{Op: apidot.OpStatus, HTTPStatus: http.StatusTooManyRequests, Code: http.StatusTooManyRequests}
		} else {
			window = append(window, at)
			limit.Answered(at)
			task := m.status(at.Sub(t0))
			if apply(&p.Job, task, at) {
				p.Job.UpdatedAt = at
			}
			p.Failures, p.Err = 0, nil
			p.Samples = appendSample(p.Samples, Sample{At: at, Status: mapStatus(task), Progress: progressOf(task)})
			if p.Job.Status.Terminal() {
				delays = append(delays, at.Sub(t0.Add(m.queue+m.run)))
				continue
			}
		}
		p.Now = at
		heap.Push(q, simRead{due: at.Add(s.Next(*p)), job: next.job})
	}
	return delays, reads
}

// The policies compared: the default schedule (learning from the
// history when the scenario has one) and fixed 5-second polling.
func adaptivePolicy(p *Priors) Scheduler { return Adaptive{Priors: p} }
func fixedPolicy(*Priors) Scheduler      { return Fixed{Interval: DefaultInterval} }

func TestPollingNeverLosesToFixed(t *testing.T) {
	t.Parallel()
	for i, sc := range pollScenarios() {
		t.Run(sc.name, func(t *testing.T) {
			a := sc.simulate(adaptivePolicy, uint64(i))
			f := sc.simulate(fixedPolicy, uint64(i))
			t.Logf("adaptive: median %v, p90 %v, %.1f reads; fixed 5 s: median %v, p90 %v, %.1f reads",
				a.median, a.p90, a.reads, f.median, f.p90, f.reads)
			informed := !sc.noProgress || sc.history
			// Uninformed, adaptive reads on a grid from acceptance as
			// fine as fixed polling's or finer, so its median is lower
			// on average; a draw of jobs can still tip it by a few
			// tens of milliseconds either way.
			slack := 100 * time.Millisecond
			if informed {
				slack = 0
			}
			if a.median > f.median+slack || a.reads > f.reads {
				t.Errorf("adaptive loses to fixed 5 s")
			}
			if informed && (a.median >= f.median || a.reads >= f.reads) {
				t.Errorf("with progress or a history, adaptive should be strictly better on delay and reads")
			}
		})
	}
}

// BenchmarkPollingScenarios reports, for every scenario, the median and
// 90th percentile notice delay (ms) and the reads per job of the default
// schedule and of fixed 5-second polling, simulated on a virtual clock.
func BenchmarkPollingScenarios(b *testing.B) {
	for i, sc := range pollScenarios() {
		b.Run(sc.name, func(b *testing.B) {
			var a, f pollResult
			for b.Loop() {
				a = sc.simulate(adaptivePolicy, uint64(i))
				f = sc.simulate(fixedPolicy, uint64(i))
			}
			for _, x := range []struct {
				name string
				r    pollResult
			}{{"adaptive", a}, {"fixed5s", f}} {
				b.ReportMetric(float64(x.r.median)/float64(time.Millisecond), x.name+"-median-ms")
				b.ReportMetric(float64(x.r.p90)/float64(time.Millisecond), x.name+"-p90-ms")
				b.ReportMetric(x.r.reads, x.name+"-reads/job")
			}
		})
	}
}
