package jobs_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
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
