package jobs_test

import (
	"context"
	"errors"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/jobs"
	"github.com/soratui/soratui/jobs/jobstest"
)

func pro1080(prompt string) apidot.Request {
	return apidot.Request{Model: apidot.ModelPro, Resolution: "1080p", Prompt: prompt}
}

func TestSubmitStoresTheJobBeforeTheRequest(t *testing.T) {
	t.Parallel()
	e := jobstest.New(t, apidottest.Options{QueueTime: time.Hour})
	// An API that looks at the store while the request is "in flight".
	var seen history.Job
	api := apiFunc{
		submit: func(ctx context.Context, r apidot.Request) (apidot.Task, error) {
			js, err := e.Store.List(history.Query{})
			if err != nil || len(js) != 1 {
				t.Fatalf("store during submit: %v %v", js, err)
			}
			seen = js[0]
			return e.Client.Submit(ctx, r)
		},
		status: e.Client.Status,
	}
	tr := jobs.New(jobs.Config{Store: e.Store, API: api})
	job, err := tr.Submit(context.Background(), pro1080("a lighthouse"))
	if err != nil {
		t.Fatal(err)
	}
	if seen.Status != history.StatusSubmitting || seen.TaskID != "" || seen.Credits != 448 || seen.Resolution != "1080p" {
		t.Errorf("record during the request = %+v, want submitting with its parameters", seen)
	}
	stored, err := e.Store.Get(job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.TaskID == "" || stored.TaskID != e.Server.Tasks()[0].ID || stored.Status != history.StatusNotStarted {
		t.Errorf("stored = %+v, want the server's task id, not_started", stored)
	}
}

type apiFunc struct {
	submit func(context.Context, apidot.Request) (apidot.Task, error)
	status func(context.Context, string) (apidot.Task, error)
}

func (a apiFunc) Submit(ctx context.Context, r apidot.Request) (apidot.Task, error) {
	return a.submit(ctx, r)
}
func (a apiFunc) Status(ctx context.Context, id string) (apidot.Task, error) {
	return a.status(ctx, id)
}

func TestFollowRecordsEveryStepToFinished(t *testing.T) {
	t.Parallel()
	// The queue lasts long enough for a read at 20 ms steps to see it even
	// on a busy machine under -race.
	e := jobstest.New(t, apidottest.Options{QueueTime: 500 * time.Millisecond, RunTime: 200 * time.Millisecond, UnknownStatus: "queued"})
	rec := &jobstest.Recorder{}
	tr := e.Tracker(jobs.Config{OnEvent: rec.Add})
	job := jobstest.Submit(t, tr, "a fox")
	final, err := tr.Follow(context.Background(), job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if final.Status != history.StatusFinished || len(final.VideoURLs) != 1 || final.VideoURLs[0] != e.Server.VideoURL(final.TaskID) {
		t.Fatalf("final = %+v", final)
	}
	if final.FinishedAt == nil || final.Progress == nil || *final.Progress != 100 {
		t.Errorf("finished_at %v progress %v", final.FinishedAt, final.Progress)
	}
	var statuses []history.Status
	sawQueued := false
	for _, c := range final.StatusHistory {
		statuses = append(statuses, c.Status)
		if c.Raw == "queued" {
			sawQueued = true
			if c.Status != history.StatusNotStarted {
				t.Errorf("queued recorded as %s, want not_started", c.Status)
			}
		}
	}
	if statuses[0] != history.StatusSubmitting || statuses[len(statuses)-1] != history.StatusFinished {
		t.Errorf("history %v", statuses)
	}
	if !sawQueued {
		t.Errorf("raw queued not kept in the status history: %+v", final.StatusHistory)
	}
	events := rec.Events()
	if len(events) < 3 || events[len(events)-1].Job.Status != history.StatusFinished {
		t.Errorf("events = %d, last %+v", len(events), events[len(events)-1].Job.Status)
	}
}

func TestFollowRecordsFailure(t *testing.T) {
	t.Parallel()
	e := jobstest.New(t, apidottest.Options{RunTime: 50 * time.Millisecond})
	tr := e.Tracker(jobs.Config{})
	job := jobstest.Submit(t, tr, "a duel [fail]")
	final, err := tr.Follow(context.Background(), job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if final.Status != history.StatusFailed || final.Error == "" || len(final.VideoURLs) != 0 {
		t.Errorf("final = %s %q %v, want failed with the server's message", final.Status, final.Error, final.VideoURLs)
	}
}

func TestFaultsNeverLoseOrDuplicateAJob(t *testing.T) {
	t.Parallel()
	e := jobstest.New(t, apidottest.Options{
		QueueTime: 30 * time.Millisecond, RunTime: 150 * time.Millisecond,
		UnknownStatus: "queued", FlatFiles: true, Seed: 7,
		Faults: apidottest.Faults{ServerError: 0.25, RateLimit: 0.10, RetryAfter: 0, ErrorBody: 0.10, Drop: 0.05},
	})
	tr := e.Tracker(jobs.Config{})
	const n = 8
	ids := make([]string, 0, n)
	for i := range n {
		job, err := tr.Submit(context.Background(), apidot.Request{Model: apidot.ModelStandard, Prompt: "job " + strconv.Itoa(i)})
		if err != nil {
			t.Fatalf("submit %d: %v", i, err)
		}
		ids = append(ids, job.ID)
	}
	finals := jobstest.FollowAll(t, tr, ids)
	taskIDs := map[string]bool{}
	for _, j := range finals {
		if j.Status != history.StatusFinished || len(j.VideoURLs) != 1 {
			t.Errorf("job %s ended %s with %v", j.ID, j.Status, j.VideoURLs)
		}
		taskIDs[j.TaskID] = true
	}
	if tasks := e.Server.Tasks(); len(tasks) != n || len(taskIDs) != n {
		t.Errorf("server holds %d tasks for %d jobs (%d distinct task ids)", len(tasks), n, len(taskIDs))
	}
	accepted := 0
	for _, r := range e.Server.Requests() {
		if r.Path == "/api/generate/submit" && r.Answer == 200 {
			accepted++
		}
	}
	if accepted != n {
		t.Errorf("%d submits accepted, want %d (429s may add refused ones)", accepted, n)
	}
}

func TestAmbiguousSubmitIsUnconfirmedAndNeverResent(t *testing.T) {
	t.Parallel()
	for _, f := range []apidottest.Faults{{SubmitCreateThenDrop: 1}, {SubmitCreateThenError: 1}, {SubmitServerError: 1}} {
		e := jobstest.New(t, apidottest.Options{Faults: f})
		tr := e.Tracker(jobs.Config{})
		job, err := tr.Submit(context.Background(), apidot.Request{Model: apidot.ModelStandard, Prompt: "maybe"})
		if !apidot.IsAmbiguousSubmit(err) {
			t.Errorf("%+v: err = %v, want ambiguous", f, err)
		}
		if job.Status != history.StatusUnconfirmed || job.Error == "" || job.TaskID != "" {
			t.Errorf("%+v: job = %s %q", f, job.Status, job.Error)
		}
		if e.Server.Submits() != 1 {
			t.Errorf("%+v: %d submits, want exactly 1", f, e.Server.Submits())
		}
		if _, err := tr.Follow(context.Background(), job.ID); !errors.Is(err, jobs.ErrNoTask) {
			t.Errorf("following an unconfirmed job: %v, want ErrNoTask", err)
		}
	}
}

func TestRejectedSubmits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    apidottest.Options
		prompt  string
		submits int
		classOK func(error) bool
	}{
		{"400", apidottest.Options{}, "x [reject]", 1, apidot.IsInvalid},
		{"401", apidottest.Options{Key: "sk-another-key-99999"}, "x", 1, apidot.IsAuth},
		{"402", apidottest.Options{LimitBalance: true, Balance: 1}, "x", 1, apidot.IsInsufficientCredits},
		{"429 every time", apidottest.Options{Faults: apidottest.Faults{RateLimit: 1}}, "x", 2, apidot.IsRateLimited},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := jobstest.New(t, tt.opts)
			tr := e.Tracker(jobs.Config{SubmitRetries: 1})
			job, err := tr.Submit(context.Background(), apidot.Request{Model: apidot.ModelStandard, Prompt: tt.prompt})
			if !tt.classOK(err) {
				t.Errorf("err = %v", err)
			}
			if job.Status != history.StatusRejected || job.Error == "" {
				t.Errorf("job = %s %q, want rejected with the reason", job.Status, job.Error)
			}
			if got := e.Server.Submits(); got != tt.submits {
				t.Errorf("%d submits, want %d", got, tt.submits)
			}
			if len(e.Server.Tasks()) != 0 {
				t.Error("a task was created")
			}
		})
	}
}

func TestRateLimitedSubmitIsRetriedUntilItGoesThrough(t *testing.T) {
	t.Parallel()
	e := jobstest.New(t, apidottest.Options{Faults: apidottest.Faults{RateLimit: 1}})
	// The first retry waits 100 ms: time enough, even on a loaded machine,
	// for the test to lift the limit after the first refusal (with the
	// rig's 1 ms, the three retries could all pass before it did).
	tr := e.Tracker(jobs.Config{SubmitRetries: 3, SubmitBackoff: 100 * time.Millisecond})
	done := make(chan history.Job)
	go func() {
		j, _ := tr.Submit(context.Background(), apidot.Request{Model: apidot.ModelStandard, Prompt: "x"})
		done <- j
	}()
	// Let the limit lift after the first refusal.
	jobstest.Eventually(t, "the first, refused submit", func() bool { return e.Server.Submits() > 0 })
	e.Server.SetFaults(apidottest.Faults{})
	j := <-done
	if j.Status != history.StatusNotStarted || j.TaskID == "" {
		t.Errorf("job = %s, want accepted after the retry", j.Status)
	}
	if len(e.Server.Tasks()) != 1 {
		t.Errorf("%d tasks, want 1", len(e.Server.Tasks()))
	}
}

func TestGroupStopsAtTheFirstInvalidVariant(t *testing.T) {
	t.Parallel()
	e := jobstest.New(t, apidottest.Options{})
	tr := e.Tracker(jobs.Config{})
	_, err := tr.SubmitGroup(context.Background(), []apidot.Request{
		{Model: apidot.ModelStandard, Prompt: "p"},
		{Model: apidot.ModelStandard, Prompt: "p", Resolution: "1080p"},
	})
	if !apidot.IsInvalid(err) {
		t.Fatalf("err = %v", err)
	}
	if js, _ := e.Store.List(history.Query{}); len(js) != 0 || e.Server.Submits() != 0 {
		t.Errorf("stored %d, sent %d: want nothing", len(js), e.Server.Submits())
	}
}

func TestGroupSharesAGroupID(t *testing.T) {
	t.Parallel()
	e := jobstest.New(t, apidottest.Options{})
	tr := e.Tracker(jobs.Config{})
	vs, _ := apidot.ParseVariants("standard,pro-1080p")
	base := apidot.Request{Prompt: "city at night", Duration: 4}
	js, err := tr.SubmitGroup(context.Background(), []apidot.Request{vs[0].Apply(base), vs[1].Apply(base)})
	if err != nil {
		t.Fatal(err)
	}
	if len(js) != 2 || js[0].GroupID == "" || js[0].GroupID != js[1].GroupID {
		t.Fatalf("group ids %q %q", js[0].GroupID, js[1].GroupID)
	}
	if js[0].Model != apidot.ModelStandard || js[1].Model != apidot.ModelPro || js[1].Resolution != "1080p" || js[0].Resolution != "" {
		t.Errorf("models %s/%s %s/%s", js[0].Model, js[0].Resolution, js[1].Model, js[1].Resolution)
	}
	if js[0].Credits+js[1].Credits != 48+448 {
		t.Errorf("credits %d + %d, want 48 + 448", js[0].Credits, js[1].Credits)
	}
}

func TestRecoverMarksOrphanedSubmitsUnconfirmed(t *testing.T) {
	t.Parallel()
	e := jobstest.New(t, apidottest.Options{})
	now := time.Now()
	orphan := &history.Job{Model: apidot.ModelStandard, Prompt: "orphan", Duration: 4, Status: history.StatusSubmitting,
		CreatedAt: now, StatusHistory: []history.StatusChange{{Status: history.StatusSubmitting, Note: "pid 999999999", At: now}}}
	live := &history.Job{Model: apidot.ModelStandard, Prompt: "in flight", Duration: 4, Status: history.StatusSubmitting,
		CreatedAt: now, StatusHistory: []history.StatusChange{{Status: history.StatusSubmitting, Note: "pid " + strconv.Itoa(os.Getppid()), At: now}}}
	for _, j := range []*history.Job{orphan, live} {
		if err := e.Store.Create(j); err != nil {
			t.Fatal(err)
		}
	}
	changed, err := e.Tracker(jobs.Config{}).Recover()
	if err != nil {
		t.Fatal(err)
	}
	if len(changed) != 1 || changed[0].ID != orphan.ID {
		t.Fatalf("changed %v, want only the orphan", changed)
	}
	got, _ := e.Store.Get(orphan.ID)
	if got.Status != history.StatusUnconfirmed || got.Error == "" {
		t.Errorf("orphan = %s %q", got.Status, got.Error)
	}
	if got, _ := e.Store.Get(live.ID); got.Status != history.StatusSubmitting {
		t.Errorf("a submit of a live process became %s", got.Status)
	}
	if e.Server.Submits() != 0 {
		t.Error("recovery sent a submit")
	}
}

func TestFixedBacksOffAndHonoursRetryAfter(t *testing.T) {
	t.Parallel()
	f := jobs.Fixed{Interval: time.Second, MaxBackoff: 10 * time.Second}
	if got := f.Next(jobs.Poll{}); got != time.Second {
		t.Errorf("no failure: %v", got)
	}
	for n := 1; n <= 6; n++ {
		got := f.Next(jobs.Poll{Failures: n, Err: errors.New("x")})
		if got > 12*time.Second || got < 800*time.Millisecond {
			t.Errorf("failure %d: %v out of bounds", n, got)
		}
		if n >= 5 && got < 8*time.Second {
			t.Errorf("failure %d: %v, want near the 10s cap", n, got)
		}
	}
	ra := &apidot.APIError{Code: 429, RetryAfter: 30 * time.Second}
	if got := f.Next(jobs.Poll{Failures: 1, Err: ra}); got != 30*time.Second {
		t.Errorf("Retry-After 30s gave %v", got)
	}
}
