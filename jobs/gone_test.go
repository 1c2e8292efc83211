package jobs_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/history/historytest"
	"github.com/soratui/soratui/jobs"
	"github.com/soratui/soratui/jobs/jobstest"
)

func TestATaskTheServerForgotEndsExpired(t *testing.T) {
	e := jobstest.New(t, apidottest.Options{QueueTime: time.Hour})
	tr := e.Tracker(jobs.Config{})
	job, err := tr.Submit(context.Background(), pro1080("a harbour"))
	if err != nil {
		t.Fatal(err)
	}
	e.Server.Forget(job.TaskID)
	before := e.Server.StatusReads(job.TaskID)

	final, err := tr.Follow(context.Background(), job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if final.Status != history.StatusExpired || final.Error != history.ExpiredNote {
		t.Fatalf("job ended %s (%q), want expired with the note", final.Status, final.Error)
	}
	if reads := e.Server.StatusReads(job.TaskID) - before; reads != jobs.ExpireAfter {
		t.Errorf("%d reads answered 404 before expiring, want %d", reads, jobs.ExpireAfter)
	}
	if !final.Status.Terminal() {
		t.Error("expired is not terminal")
	}
	unfinished, err := e.Store.Unfinished()
	if err != nil || len(unfinished) != 0 {
		t.Errorf("unfinished after expiry: %v %v", unfinished, err)
	}
	byStatus, err := e.Store.List(history.Query{Statuses: []history.Status{history.StatusExpired}})
	if err != nil || len(byStatus) != 1 {
		t.Errorf("status filter expired: %d jobs, %v", len(byStatus), err)
	}
}

func TestFewer404sThanExpireAfterDoNotExpire(t *testing.T) {
	e := jobstest.New(t, apidottest.Options{RunTime: 50 * time.Millisecond})
	var mu sync.Mutex
	reads := 0
	// The server answers 404 once less than ExpireAfter, then knows the task again.
	api := apiFunc{submit: e.Client.Submit, status: func(ctx context.Context, id string) (apidot.Task, error) {
		mu.Lock()
		reads++
		n := reads
		mu.Unlock()
		if n < jobs.ExpireAfter {
			return apidot.Task{}, &apidot.APIError{Op: apidot.OpStatus, HTTPStatus: 404, Code: 404}
		}
		return e.Client.Status(ctx, id)
	}}
	tr := e.Tracker(jobs.Config{API: api})
	job, err := tr.Submit(context.Background(), pro1080("a pier"))
	if err != nil {
		t.Fatal(err)
	}
	final, err := tr.Follow(context.Background(), job.ID)
	if err != nil || final.Status != history.StatusFinished {
		t.Fatalf("job ended %s, %v; want finished once the server knew it again", final.Status, err)
	}
}

func TestAJobDeletedElsewhereIsFollowedNoMore(t *testing.T) {
	e := jobstest.New(t, apidottest.Options{QueueTime: time.Hour})
	rec := &jobstest.Recorder{}
	tr := e.Tracker(jobs.Config{OnEvent: rec.Add})
	job, err := tr.Submit(context.Background(), pro1080("a pier at night"))
	if err != nil {
		t.Fatal(err)
	}
	// Another handle on the same file, as another process has.
	other := historytest.OpenAt(t, e.Store.Path())
	done := make(chan error, 1)
	go func() {
		_, err := tr.Follow(context.Background(), job.ID)
		done <- err
	}()
	jobstest.Eventually(t, "the first status read", func() bool { return e.Server.StatusReads(job.TaskID) > 0 })
	if _, err := other.Delete(job.ID); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if !errors.Is(err, jobs.ErrDeleted) {
			t.Fatalf("Follow = %v, want ErrDeleted", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the deleted job is still followed")
	}
	events := rec.Events()
	if len(events) == 0 || events[len(events)-1].Kind != jobs.JobDeleted {
		t.Errorf("%d events, want a JobDeleted last", len(events))
	}
}
