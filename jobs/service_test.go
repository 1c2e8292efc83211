package jobs_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/download"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/jobs"
	"github.com/soratui/soratui/jobs/jobstest"
)

// statusesOf lists the statuses the JobChanged events of job id went
// through, without repeats.
func statusesOf(events []jobs.Event, id string) []history.Status {
	var out []history.Status
	for _, e := range events {
		if e.Kind != jobs.JobChanged || e.Job.ID != id || e.Err != nil {
			continue
		}
		if n := len(out); n == 0 || out[n-1] != e.Job.Status {
			out = append(out, e.Job.Status)
		}
	}
	return out
}

func TestServiceSubmitEmitsEveryStepInOrder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		prompt string
		want   []history.Status
	}{
		{"finishes", "a red fox", []history.Status{history.StatusSubmitting, history.StatusNotStarted, history.StatusRunning, history.StatusFinished}},
		{"fails", "a red fox [fail]", []history.Status{history.StatusSubmitting, history.StatusNotStarted, history.StatusRunning, history.StatusFailed}},
		{"rejected", "a red fox [reject]", []history.Status{history.StatusSubmitting, history.StatusRejected}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rig := jobstest.New(t, apidottest.Options{QueueTime: 40 * time.Millisecond, RunTime: 120 * time.Millisecond})
			svc := rig.Service(t, jobs.ServiceConfig{})
			rec := jobstest.Record(t, svc)
			job, _ := svc.Submit(context.Background(), apidot.Request{Model: apidot.ModelStandard, Prompt: tt.prompt})
			out := svc.Await(context.Background(), []string{job.ID})
			if out[0].Err != nil || out[0].Job.Status != tt.want[len(tt.want)-1] {
				t.Fatalf("Await = %+v, want %s and no error", out[0], tt.want[len(tt.want)-1])
			}
			rec.WaitFor(t, "the last status as an event", func(e jobs.Event) bool {
				return e.Job.ID == job.ID && e.Job.Status == tt.want[len(tt.want)-1]
			})
			// Every recorded step is an event, in order; a busy machine
			// may poll past a step, so the record is the reference.
			stored, err := rig.Store.Get(job.ID)
			if err != nil {
				t.Fatal(err)
			}
			var recorded []history.Status
			for _, c := range stored.StatusHistory {
				recorded = append(recorded, c.Status)
			}
			got := statusesOf(rec.Events(), job.ID)
			if !equal(got, recorded) {
				t.Errorf("events went %v, the history %v", got, recorded)
			}
			if len(got) < 2 || got[0] != tt.want[0] || got[1] != tt.want[1] || got[len(got)-1] != tt.want[len(tt.want)-1] {
				t.Errorf("events went %v, want %v", got, tt.want)
			}
		})
	}
}

func equal[T comparable](a, b []T) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestServiceDeleteStopsFollowingAndSaysSo(t *testing.T) {
	t.Parallel()
	rig := jobstest.New(t, apidottest.Options{QueueTime: time.Hour})
	var forgotten []history.Job // Delete calls Forget on its own goroutine
	svc := rig.Service(t, jobs.ServiceConfig{Forget: func(j history.Job) { forgotten = append(forgotten, j) }})
	rec := jobstest.Record(t, svc)
	job := jobstest.Submit(t, svc, "a slow lighthouse")
	svc.Follow(job.ID)
	jobstest.Eventually(t, "a status read", func() bool { return rig.Server.StatusReads(job.TaskID) > 0 })

	n, err := svc.Delete(job.ID)
	if err != nil || n != 1 {
		t.Fatalf("Delete = %d, %v; want 1 removed", n, err)
	}
	if svc.Following(job.ID) {
		t.Error("the deleted job is still followed")
	}
	reads := rig.Server.StatusReads(job.TaskID)
	if out := svc.Await(context.Background(), []string{job.ID}); !errors.Is(out[0].Err, jobs.ErrDeleted) {
		t.Errorf("Await of a deleted job = %v, want ErrDeleted", out[0].Err)
	}
	svc.Follow(job.ID)
	if svc.Following(job.ID) {
		t.Error("Follow started again on a deleted job")
	}
	deleted := rec.WaitFor(t, "a deleted event", func(e jobs.Event) bool { return e.Kind == jobs.JobDeleted })
	if deleted.Job.ID != job.ID || deleted.Job.TaskID != job.TaskID {
		t.Errorf("deleted event names %+v, want the job's last record", deleted.Job)
	}
	if _, err := rig.Store.Get(job.ID); !errors.Is(err, history.ErrNotFound) {
		t.Errorf("Get after Delete = %v, want ErrNotFound", err)
	}
	if len(forgotten) != 1 || forgotten[0].TaskID != job.TaskID {
		t.Errorf("Forget saw %+v, want the deleted job once (its cached frames go)", forgotten)
	}
	if got := rig.Server.StatusReads(job.TaskID); got != reads {
		t.Errorf("%d status reads after the delete, want none", got-reads)
	}
}

func TestServiceNeverWaitsForAConsumer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		// gone ends the consumer that never reads.
		gone func(cancel context.CancelFunc, sub *jobs.Subscription)
	}{
		{"consumer cancelled", func(cancel context.CancelFunc, _ *jobs.Subscription) { cancel() }},
		{"consumer stalled", func(context.CancelFunc, *jobs.Subscription) {}},
		{"subscription closed", func(_ context.CancelFunc, sub *jobs.Subscription) { sub.Close() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rig := jobstest.New(t, apidottest.Options{RunTime: 30 * time.Millisecond})
			svc := jobs.NewService(jobs.ServiceConfig{Tracker: jobs.Config{
				Store: rig.Store, API: rig.Client, Scheduler: jobs.Fixed{Interval: 10 * time.Millisecond}, RequestsPerSecond: 1000}})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			sub := svc.Subscribe(ctx)
			tt.gone(cancel, sub)
			var ids []string
			for range 5 {
				ids = append(ids, jobstest.Submit(t, svc, "a busy day").ID)
			}
			for _, o := range svc.Await(context.Background(), ids) {
				if o.Err != nil || o.Job.Status != history.StatusFinished {
					t.Fatalf("Await = %+v, want finished", o)
				}
			}
			svc.Close() // returns: nothing waits for the consumer
			cancel()
			if e, ok := sub.Next(); ok {
				t.Errorf("Next after the consumer left = %v, want nothing", e.Kind)
			}
		})
	}
}

func TestSubscriptionDrainsWhatWasQueuedWhenClosed(t *testing.T) {
	t.Parallel()
	rig := jobstest.New(t, apidottest.Options{QueueTime: time.Hour})
	svc := rig.Service(t, jobs.ServiceConfig{})
	sub := svc.Subscribe(context.Background())
	job := jobstest.Submit(t, svc, "a queue")
	sub.Close()
	var got []history.Status
	for {
		e, ok := sub.Next()
		if !ok {
			break
		}
		got = append(got, e.Job.Status)
	}
	if want := []history.Status{history.StatusSubmitting, history.StatusNotStarted}; !equal(got, want) {
		t.Errorf("drained %v for %s, want %v", got, job.ID, want)
	}
}

func TestServiceAutoDownloadSavesFinishedJobs(t *testing.T) {
	t.Parallel()
	rig := jobstest.New(t, apidottest.Options{RunTime: 30 * time.Millisecond})
	svc := rig.Service(t, jobs.ServiceConfig{AutoDownload: true})
	rec := jobstest.Record(t, svc)
	job := jobstest.Submit(t, svc, "a saved fox")
	out := svc.Await(context.Background(), []string{job.ID})[0]
	if out.Err != nil || out.DownloadErr != nil || out.Job.LocalPath == "" {
		t.Fatalf("Await = %+v, want finished and saved", out)
	}
	if _, err := os.Stat(out.Job.LocalPath); err != nil {
		t.Errorf("saved file: %v", err)
	}
	stored, err := rig.Store.Get(job.ID)
	if err != nil || stored.LocalPath != out.Job.LocalPath {
		t.Errorf("stored local path = %q, %v; want %q", stored.LocalPath, err, out.Job.LocalPath)
	}
	rec.WaitFor(t, "a download-finished event", func(e jobs.Event) bool {
		return e.Kind == jobs.DownloadFinished && e.Job.LocalPath == out.Job.LocalPath
	})
	var kinds []jobs.EventKind
	for _, e := range rec.Events() {
		if e.Kind != jobs.JobChanged {
			kinds = append(kinds, e.Kind)
		}
	}
	if len(kinds) < 2 || kinds[0] != jobs.DownloadProgress || kinds[len(kinds)-1] != jobs.DownloadFinished {
		t.Errorf("download events %v, want progress then finished", kinds)
	}
}

func TestServiceDownloadRefusals(t *testing.T) {
	t.Parallel()
	rig := jobstest.New(t, apidottest.Options{QueueTime: time.Hour})
	svc := rig.Service(t, jobs.ServiceConfig{})
	noFolder := jobs.NewService(jobs.ServiceConfig{Tracker: jobs.Config{Store: rig.Store, API: rig.Client}})
	t.Cleanup(noFolder.Close)
	pending := jobstest.Submit(t, svc, "not yet")
	finished := history.Job{Status: history.StatusFinished, VideoURLs: []string{"https://cdn.example/v.mp4"}}
	if err := rig.Store.Create(&finished); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		svc  *jobs.Service
		id   string
		want error
	}{
		{"not finished", svc, pending.ID, download.ErrNotFinished},
		{"no folder", noFolder, finished.ID, jobs.ErrNoVideosDir},
		{"unknown job", svc, "nope", history.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.svc.Download(context.Background(), tt.id, jobs.DownloadOptions{}); !errors.Is(err, tt.want) {
				t.Errorf("Download = %v, want %v", err, tt.want)
			}
			if err := tt.svc.StartDownload(tt.id, jobs.DownloadOptions{}); !errors.Is(err, tt.want) {
				t.Errorf("StartDownload = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestStartDownloadReportsFailureAsAnEvent(t *testing.T) {
	t.Parallel()
	rig := jobstest.New(t, apidottest.Options{RunTime: 10 * time.Millisecond})
	svc := rig.Service(t, jobs.ServiceConfig{})
	rec := jobstest.Record(t, svc)
	job := jobstest.Submit(t, svc, "an expired link")
	if out := svc.Await(context.Background(), []string{job.ID})[0]; out.Err != nil {
		t.Fatal(out.Err)
	}
	rig.Server.Expire(job.TaskID)
	if err := svc.StartDownload(job.ID, jobs.DownloadOptions{}); err != nil {
		t.Fatal(err)
	}
	failed := rec.WaitFor(t, "a download-failed event", func(e jobs.Event) bool { return e.Kind == jobs.DownloadFailed })
	if !errors.Is(failed.Err, download.ErrExpired) || failed.Job.ID != job.ID {
		t.Errorf("failed event = %+v, want the job and ErrExpired", failed)
	}
}

func TestDeleteStopsADownloadUnderWay(t *testing.T) {
	t.Parallel()
	arrived := make(chan struct{}, 1)
	hold := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "video/mp4")
		w.Header().Set("Content-Length", "1000000")
		w.Write(make([]byte, 1000))
		w.(http.Flusher).Flush()
		arrived <- struct{}{}
		<-r.Context().Done()
	}))
	defer hold.Close()
	rig := jobstest.New(t, apidottest.Options{})
	svc := rig.Service(t, jobs.ServiceConfig{Downloader: download.Downloader{Client: hold.Client()}})
	rec := jobstest.Record(t, svc)
	j := history.Job{Status: history.StatusFinished, TaskID: "task-held", VideoURLs: []string{hold.URL + "/v.mp4"}}
	if err := rig.Store.Create(&j); err != nil {
		t.Fatal(err)
	}
	if err := svc.StartDownload(j.ID, jobs.DownloadOptions{}); err != nil {
		t.Fatal(err)
	}
	<-arrived
	if _, err := svc.Delete(j.ID); err != nil {
		t.Fatal(err)
	}
	jobstest.Eventually(t, "the download to stop", func() bool { return !svc.Downloading(j.ID) })
	rec.WaitFor(t, "a deleted event", func(e jobs.Event) bool { return e.Kind == jobs.JobDeleted })
	for _, e := range rec.Events() {
		if e.Kind == jobs.DownloadFailed || e.Kind == jobs.DownloadFinished {
			t.Errorf("a %s event for a deleted job: %v", e.Kind, e.Err)
		}
	}
}

func TestSubscribingToAClosedServiceEndsAtOnce(t *testing.T) {
	t.Parallel()
	rig := jobstest.New(t, apidottest.Options{})
	svc := rig.Service(t, jobs.ServiceConfig{})
	j := history.Job{Status: history.StatusFinished, VideoURLs: []string{rig.Server.VideoURL("task-x")}}
	if err := rig.Store.Create(&j); err != nil {
		t.Fatal(err)
	}
	svc.Close()
	if _, ok := svc.Subscribe(context.Background()).Next(); ok {
		t.Error("a subscription to a closed service received an event")
	}
	if err := svc.StartDownload(j.ID, jobs.DownloadOptions{}); !errors.Is(err, jobs.ErrClosed) {
		t.Errorf("StartDownload on a closed service = %v, want ErrClosed", err)
	}
	svc.Follow(j.ID)
	if svc.Following(j.ID) {
		t.Error("a closed service follows a job")
	}
}

// Resend settles only an unconfirmed job, as rejected, and sends its
// request exactly once as a new job; any other job is refused unsent.
func TestServiceResend(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		status history.Status
		want   error
	}{
		{history.StatusUnconfirmed, nil},
		{history.StatusFinished, jobs.ErrNotResolvable},
		{history.StatusRejected, jobs.ErrNotResolvable},
	} {
		t.Run(string(tc.status), func(t *testing.T) {
			rig := jobstest.New(t, apidottest.Options{QueueTime: time.Hour})
			svc := rig.Service(t, jobs.ServiceConfig{})
			j := jobs.NewJob(apidot.Request{Model: apidot.ModelStandard, Prompt: "a lantern on a pier", Duration: 4})
			j.SetStatus(tc.status, "", time.Now())
			if err := rig.Store.Create(&j); err != nil {
				t.Fatal(err)
			}
			settled, fresh, err := svc.Resend(context.Background(), j.ID)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Resend = %v, want %v", err, tc.want)
			}
			submits := 0
			if tc.want == nil {
				submits = 1
				if settled.Status != history.StatusRejected || fresh.TaskID == "" || fresh.ID == j.ID || fresh.Prompt != j.Prompt {
					t.Errorf("settled %s, fresh %+v", settled.Status, fresh)
				}
			}
			if got := rig.Server.Submits(); got != submits {
				t.Errorf("%d submits, want %d", got, submits)
			}
		})
	}
}
