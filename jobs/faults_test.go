package jobs_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
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

// lockedAtAnswer is an API whose submit answer arrives while another process holds the
// history: the window in which a task id could be lost.
func lockedAtAnswer(t *testing.T, e *jobstest.Rig, pid *int, release *func()) apiFunc {
	return apiFunc{status: e.Client.Status, submit: func(ctx context.Context, r apidot.Request) (apidot.Task, error) {
		task, err := e.Client.Submit(ctx, r)
		*pid, *release = historytest.HoldLock(t, e.Store.Path())
		return task, err
	}}
}

func TestAnAcceptedTaskWaitsOutALockedHistory(t *testing.T) {
	t.Parallel()
	e := jobstest.New(t, apidottest.Options{QueueTime: time.Hour}, history.Options{Timeout: 30 * time.Millisecond})
	var pid int
	var release func()
	rec := &jobstest.Recorder{}
	tr := e.Tracker(jobs.Config{API: lockedAtAnswer(t, e, &pid, &release), OnEvent: func(ev jobs.Event) {
		if ev.Kind == jobs.RecordWaiting {
			rec.Add(ev)
			release()
		}
	}})
	job, err := tr.Submit(context.Background(), pro1080("a locked door"))
	if err != nil {
		t.Fatal(err)
	}
	task := e.Server.Tasks()[0].ID
	if job.TaskID != task {
		t.Fatalf("job task id %q, want %q", job.TaskID, task)
	}
	if stored, err := e.Store.Get(job.ID); err != nil || stored.TaskID != task {
		t.Fatalf("stored task id %q, %v; want %q", stored.TaskID, err, task)
	}
	waits := rec.Events()
	if len(waits) == 0 {
		t.Fatal("no RecordWaiting event while the history was locked")
	}
	msg := waits[0].Err.Error()
	if !strings.Contains(msg, "another process (pid "+strconv.Itoa(pid)) || strings.Contains(msg, "soratui process") {
		t.Errorf("the wait names %q, want another process (pid %d)", msg, pid)
	}
	if waits[0].Job.TaskID != task {
		t.Errorf("the wait event carries task %q, want %q", waits[0].Job.TaskID, task)
	}
}

func TestCancelWhileLockedKeepsTheTaskID(t *testing.T) {
	t.Parallel()
	e := jobstest.New(t, apidottest.Options{QueueTime: time.Hour}, history.Options{Timeout: 30 * time.Millisecond})
	var pid int
	var release func()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tr := e.Tracker(jobs.Config{API: lockedAtAnswer(t, e, &pid, &release), OnEvent: func(ev jobs.Event) {
		if ev.Kind == jobs.RecordWaiting {
			cancel() // ctrl+c in the window
		}
	}})
	job, err := tr.Submit(ctx, pro1080("an interrupted door"))
	task := e.Server.Tasks()[0].ID
	var u *jobs.UnrecordedTaskError
	if !errors.As(err, &u) || u.TaskID != task || !strings.Contains(err.Error(), "soratui adopt "+task) {
		t.Fatalf("err = %v, want the task id %s with the adopt command", err, task)
	}
	if job.ID == "" || job.TaskID != task {
		t.Errorf("returned job %+v: want the recorded job carrying the task id, never a zero job", job)
	}
}

func TestADuplicateTaskIDIsAnError(t *testing.T) {
	t.Parallel()
	e := jobstest.New(t, apidottest.Options{QueueTime: time.Hour, AnswerTaskID: "task-same-0001"})
	tr := e.Tracker(jobs.Config{})
	first, err := tr.Submit(context.Background(), pro1080("first"))
	if err != nil {
		t.Fatal(err)
	}
	second, err := tr.Submit(context.Background(), pro1080("second"))
	if !errors.Is(err, jobs.ErrDuplicateTaskID) {
		t.Fatalf("err = %v, want ErrDuplicateTaskID", err)
	}
	if second.Status != history.StatusUnconfirmed || second.TaskID != "" || second.ID == first.ID {
		t.Errorf("second job %s task %q, want its own unconfirmed record without the other's task", second.Status, second.TaskID)
	}
	if js, _ := e.Store.List(history.Query{}); len(js) != 2 {
		t.Errorf("%d records, want 2", len(js))
	}
}

func TestATaskTheServerForgotEndsExpired(t *testing.T) {
	t.Parallel()
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
	t.Parallel()
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
	t.Parallel()
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
