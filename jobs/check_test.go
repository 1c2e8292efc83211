package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/jobs"
	"github.com/soratui/soratui/jobs/jobstest"
)

// followAll submits n jobs and follows them together to the end.
func followAll(t *testing.T, tr *jobs.Tracker, n int) []history.Job {
	t.Helper()
	var ids []string
	for range n {
		j := jobstest.Submit(t, tr, "a heron")
		ids = append(ids, j.ID)
	}
	return jobstest.FollowAll(t, tr, ids)
}

func TestAdaptiveFollowsSimulatedJobsWithNoMoreReadsThanFixed(t *testing.T) {
	t.Parallel()
	// 0.75-second jobs with every timing of the schedule scaled by
	// 0.025, so fixed 5-second polling is 125 ms here: 6 reads a job.
	for _, opts := range []apidottest.Options{
		{QueueTime: 250 * time.Millisecond, RunTime: 500 * time.Millisecond},
		{QueueTime: 250 * time.Millisecond, RunTime: 500 * time.Millisecond, NoProgress: true},
	} {
		t.Run("noprogress="+map[bool]string{true: "yes", false: "no"}[opts.NoProgress], func(t *testing.T) {
			t.Parallel()
			e := jobstest.New(t, opts)
			tr := e.Tracker(jobs.Config{Scheduler: jobs.Adaptive{Scale: 0.025}})
			for _, j := range followAll(t, tr, 6) {
				if j.Status != history.StatusFinished || j.FinishedAt == nil {
					t.Errorf("job %s ended %s", j.ID, j.Status)
				}
				if n := e.Server.StatusReads(j.TaskID); n > 6 || n < 1 {
					t.Errorf("job %s: %d status reads, want 1 to 6", j.ID, n)
				}
			}
		})
	}
}

func TestFollowReportsASlowJob(t *testing.T) {
	t.Parallel()
	e := jobstest.New(t, apidottest.Options{QueueTime: time.Hour})
	svc := e.Service(t, jobs.ServiceConfig{Tracker: jobs.Config{Scheduler: jobs.Adaptive{Scale: 0.001}}})
	rec := jobstest.Record(t, svc)
	job := jobstest.Submit(t, svc, "a queue")
	svc.Follow(job.ID)
	j := rec.WaitFor(t, "a slow event", func(ev jobs.Event) bool { return ev.Slow })
	if j.Job.ID != job.ID || j.Job.Status != history.StatusNotStarted {
		t.Errorf("slow event for %s %s", j.Job.ID, j.Job.Status)
	}
}

func TestCheckReadsOnceAndRecords(t *testing.T) {
	t.Parallel()
	e := jobstest.New(t, apidottest.Options{RunTime: 30 * time.Millisecond})
	tr := e.Tracker(jobs.Config{})
	job := jobstest.Submit(t, tr, "a lake")
	waitTaskEnd(t, e.Server, job.TaskID)
	got, changed, err := tr.Check(context.Background(), job.ID)
	if err != nil || !changed || got.Status != history.StatusFinished {
		t.Fatalf("Check = %s %v %v", got.Status, changed, err)
	}
	// Finished is final: more checks read nothing and change nothing.
	for range 3 {
		if _, changed, err := tr.Check(context.Background(), job.ID); changed || err != nil {
			t.Errorf("second Check changed %v, %v", changed, err)
		}
	}
	if n := e.Server.StatusReads(job.TaskID); n != 1 {
		t.Errorf("%d status reads, want 1", n)
	}
}

func TestCheckOfAPendingJobLeavesItPending(t *testing.T) {
	t.Parallel()
	e := jobstest.New(t, apidottest.Options{QueueTime: time.Hour})
	tr := e.Tracker(jobs.Config{})
	job := jobstest.Submit(t, tr, "a lake")
	got, _, err := tr.Check(context.Background(), job.ID)
	if err != nil || got.Status != history.StatusNotStarted || got.FinishedAt != nil {
		t.Errorf("Check = %s %v", got.Status, err)
	}
}

func TestCheckHandsItsReadToAFollow(t *testing.T) {
	t.Parallel()
	e := jobstest.New(t, apidottest.Options{RunTime: 20 * time.Millisecond})
	// A Follow that would not read again for an hour.
	tr := e.Tracker(jobs.Config{Scheduler: jobs.Fixed{Interval: time.Hour}})
	job := jobstest.Submit(t, tr, "a lake")
	done := make(chan history.Job)
	go func() {
		j, _ := tr.Follow(context.Background(), job.ID)
		done <- j
	}()
	waitTaskEnd(t, e.Server, job.TaskID)
	deadline := time.After(5 * time.Second)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
wait:
	for {
		// The first Check reads and records; later ones (should the
		// Follow not have been listening yet) only hand over the record.
		if _, _, err := tr.Check(context.Background(), job.ID); err != nil {
			t.Fatal(err)
		}
		select {
		case j := <-done:
			if j.Status != history.StatusFinished {
				t.Errorf("Follow returned %s", j.Status)
			}
			break wait
		case <-tick.C:
		case <-deadline:
			t.Fatal("Follow did not take the checked record")
		}
	}
	if n := e.Server.StatusReads(job.TaskID); n != 1 {
		t.Errorf("%d status reads, want only Check's", n)
	}
}

// waitTaskEnd waits until the simulator's task has finished (its end has
// passed).
func waitTaskEnd(t *testing.T, srv *apidottest.Server, taskID string) {
	t.Helper()
	jobstest.Eventually(t, "the end of task "+taskID, func() bool {
		task, ok := srv.Task(taskID)
		if !ok {
			t.Fatalf("no task %s on the simulator", taskID)
		}
		return time.Now().After(task.EndsAt)
	})
}
