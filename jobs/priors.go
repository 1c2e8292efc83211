package jobs

import (
	"slices"
	"time"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
)

// Spread is how long jobs of one kind took: the median and a low and high
// quantile around it.
type Spread struct {
	Low, Median, High time.Duration
}

// DefaultPrior is how long a Sora job takes from acceptance to result when
// the history has none of its kind: commonly 2 to 6 minutes.
func DefaultPrior() Spread {
	return Spread{Low: 2 * time.Minute, Median: 4 * time.Minute, High: 6 * time.Minute}
}

// Prior is what past finished jobs of one kind say about a new one.
type Prior struct {
	// N is how many jobs it comes from.
	N int
	// Total runs from acceptance (the first status after submitting) to
	// the recorded finish.
	Total Spread
	// Run runs from the first read that saw the job running to the
	// finish; zero when no past job was seen running.
	Run Spread
}

// Kind groups jobs that take about as long: the same model, duration and
// resolution.
type Kind struct {
	Model      string
	Duration   int
	Resolution string
}

// KindOf is the kind of j.
func KindOf(j history.Job) Kind {
	return Kind{Model: j.Model, Duration: j.Duration, Resolution: j.Resolution}
}

// Priors are durations of past finished jobs by kind. A nil *Priors knows
// nothing. It is read-only once made, so trackers may share it.
type Priors struct {
	byKind map[Kind]Prior
}

// priorJobs is how many of the newest finished jobs per model LoadPriors
// reads: enough for stable quantiles, few enough to load in milliseconds.
const priorJobs = 200

// LoadPriors reads the newest finished jobs of each model from the store,
// once, through its indexes.
func LoadPriors(store *history.Store) (*Priors, error) {
	var all []history.Job
	for _, m := range []string{apidot.ModelStandard, apidot.ModelPro} {
		js, err := store.List(history.Query{Statuses: []history.Status{history.StatusFinished}, Model: m, Limit: priorJobs})
		if err != nil {
			return nil, err
		}
		all = append(all, js...)
	}
	return NewPriors(all), nil
}

// maxPlausible drops durations no Sora job takes (clock jumps, imports
// of odd records).
const maxPlausible = 24 * time.Hour

// NewPriors computes priors from finished jobs; other jobs are ignored.
func NewPriors(js []history.Job) *Priors {
	total := map[Kind][]time.Duration{}
	run := map[Kind][]time.Duration{}
	for _, j := range js {
		if j.Status != history.StatusFinished || j.FinishedAt == nil {
			continue
		}
		k := KindOf(j)
		if d := j.FinishedAt.Sub(acceptedAt(j)); d > 0 && d < maxPlausible {
			total[k] = append(total[k], d)
		}
		if at, ok := firstRunning(j); ok {
			if d := j.FinishedAt.Sub(at); d > 0 && d < maxPlausible {
				run[k] = append(run[k], d)
			}
		}
	}
	p := &Priors{byKind: map[Kind]Prior{}}
	for k, ds := range total {
		p.byKind[k] = Prior{N: len(ds), Total: spreadOf(ds), Run: spreadOf(run[k])}
	}
	return p
}

// For returns the prior for jobs of j's kind, if the history had any.
func (p *Priors) For(j history.Job) (Prior, bool) {
	if p == nil {
		return Prior{}, false
	}
	pr, ok := p.byKind[KindOf(j)]
	return pr, ok
}

// spreadOf is the 20th, 50th and 80th percentile (nearest rank).
func spreadOf(ds []time.Duration) Spread {
	if len(ds) == 0 {
		return Spread{}
	}
	ds = slices.Clone(ds)
	slices.Sort(ds)
	q := func(f float64) time.Duration { return ds[int(f*float64(len(ds)-1)+0.5)] }
	return Spread{Low: q(0.2), Median: q(0.5), High: q(0.8)}
}

// acceptedAt is when the server accepted the job: its first status after
// submitting, else its creation.
func acceptedAt(j history.Job) time.Time {
	for _, c := range j.StatusHistory {
		if c.Status != history.StatusSubmitting && c.Status != history.StatusUnconfirmed {
			return c.At
		}
	}
	return j.CreatedAt
}

// firstRunning is when a read first saw the job running.
func firstRunning(j history.Job) (time.Time, bool) {
	for _, c := range j.StatusHistory {
		if c.Status == history.StatusRunning {
			return c.At, true
		}
	}
	return time.Time{}, false
}
