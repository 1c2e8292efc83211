package batch

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"sync"
	"time"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/jobs"
	"github.com/soratui/soratui/ledger"
)

// PlanLine is a shot and whether an earlier run already sent it.
type PlanLine struct {
	Shot
	// Sent holds the jobs of an earlier run of this line that were not
	// rejected; a line with any is not sent again.
	Sent []history.Job
}

// Done reports whether an earlier run sent the line.
func (p PlanLine) Done() bool { return len(p.Sent) > 0 }

// Plan is a file's lines against the history.
type Plan struct {
	// BatchID is the id of an earlier run of the same lines, else new.
	BatchID string
	Lines   []PlanLine
}

// ToSend are the lines not sent yet.
func (p Plan) ToSend() []PlanLine {
	var out []PlanLine
	for _, l := range p.Lines {
		if !l.Done() {
			out = append(out, l)
		}
	}
	return out
}

// Estimate is the catalog price of the lines not sent yet.
func (p Plan) Estimate() int {
	n := 0
	for _, l := range p.ToSend() {
		n += l.Estimate()
	}
	return n
}

// Jobs counts the jobs the lines not sent yet will make.
func (p Plan) Jobs() int {
	n := 0
	for _, l := range p.ToSend() {
		n += len(l.Requests)
	}
	return n
}

// NewPlan finds, in the history, the lines an earlier run sent. A line
// whose every earlier job was rejected counts as not sent.
func NewPlan(l ledger.Lister, shots []Shot, now time.Time) (Plan, error) {
	want := map[string]int{}
	for i, s := range shots {
		want[s.Key] = i
	}
	p := Plan{Lines: make([]PlanLine, len(shots))}
	for i, s := range shots {
		p.Lines[i].Shot = s
	}
	err := ledger.Walk(l, time.Time{}, func(j history.Job) {
		i, ok := want[j.BatchKey]
		if !ok || j.BatchKey == "" {
			return
		}
		if p.BatchID == "" {
			p.BatchID = j.BatchID
		}
		if j.Status != history.StatusRejected {
			p.Lines[i].Sent = append(p.Lines[i].Sent, j)
		}
	})
	if err != nil {
		return Plan{}, err
	}
	if p.BatchID == "" {
		p.BatchID = newBatchID(now)
	}
	return p, nil
}

// newBatchID is a short id that sorts by time: "b" and base-36 seconds,
// then random hex.
func newBatchID(now time.Time) string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return "b" + now.UTC().Format("060102-150405") + "-" + hex.EncodeToString(b[:])
}

// Submitter is what Run needs of the job service (*jobs.Service).
type Submitter interface {
	SubmitTagged(ctx context.Context, reqs []apidot.Request, tag func(*history.Job)) ([]history.Job, error)
	Await(ctx context.Context, ids []string) []jobs.Outcome
}

// Runner sends a plan's unsent lines.
type Runner struct {
	Service Submitter
	// Parallel caps how many of the batch's jobs are unfinished at once
	// (a comparison line counts each variant); at least 1.
	Parallel int
	// OnSubmitted, when set, hears each line once it is sent (or refused).
	OnSubmitted func(PlanLine, []history.Job, error)
}

// Result is what a run did.
type Result struct {
	// Jobs are the jobs sent, in line order; with wait, as they ended.
	Jobs []history.Job
	// Unsent counts lines not sent because an earlier refusal (a bad
	// key, no credits, an interrupt) stopped the run; a rerun sends them.
	Unsent int
}

// Run sends every unsent line of p, at most Parallel jobs unfinished at
// once: the next line goes when enough earlier jobs have ended. With wait
// it returns when every job sent has ended, else once the last line is
// sent (the jobs go on; `soratui watch` follows them).
func (r Runner) Run(ctx context.Context, p Plan, wait bool) (Result, error) {
	par := max(r.Parallel, 1)
	slots := make(chan struct{}, par)
	var mu sync.Mutex
	var wg sync.WaitGroup
	lines := p.ToSend()
	sent := make([][]history.Job, len(lines))
	var res Result
	var stop error
	for i, line := range lines {
		weight := min(len(line.Requests), par)
		if stop = acquire(ctx, slots, weight); stop != nil {
			res.Unsent = len(lines) - i
			break
		}
		js, err := r.Service.SubmitTagged(ctx, line.Requests, func(j *history.Job) {
			j.BatchID, j.BatchKey = p.BatchID, line.Key
		})
		if r.OnSubmitted != nil {
			r.OnSubmitted(line, js, err)
		}
		mu.Lock()
		sent[i] = js
		mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer release(slots, weight)
			outs := r.Service.Await(ctx, ids(js))
			mu.Lock()
			for k, o := range outs {
				if o.Job.ID != "" {
					sent[i][k] = o.Job
				}
			}
			mu.Unlock()
		}()
		if err != nil && stopsRun(ctx, err) {
			stop = err
			res.Unsent = len(lines) - i - 1
			break
		}
	}
	if wait || stop != nil {
		wg.Wait()
	}
	mu.Lock()
	for _, js := range sent {
		res.Jobs = append(res.Jobs, js...)
	}
	mu.Unlock()
	return res, stop
}

// stopsRun reports a refusal that every later line would meet too.
func stopsRun(ctx context.Context, err error) bool {
	return ctx.Err() != nil || apidot.IsAuth(err) || apidot.IsInsufficientCredits(err) || errors.Is(err, jobs.ErrClosed)
}

func acquire(ctx context.Context, slots chan struct{}, n int) error {
	for range n {
		select {
		case slots <- struct{}{}:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

func release(slots chan struct{}, n int) {
	for range n {
		<-slots
	}
}

func ids(js []history.Job) []string {
	out := make([]string, len(js))
	for i, j := range js {
		out[i] = j.ID
	}
	return out
}
