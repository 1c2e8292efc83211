package batch_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/batch"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/jobs"
	"github.com/soratui/soratui/jobs/jobstest"
)

func shotList(t *testing.T, n int) []batch.Shot {
	t.Helper()
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "{\"prompt\":\"shot %d\"}\n", i)
	}
	shots, err := batch.Parse(context.Background(), strings.NewReader(b.String()), defaults, nil)
	if err != nil {
		t.Fatal(err)
	}
	return shots
}

// unfinishedAtSubmits counts, at each submit the server received, the
// batch's tasks submitted before it whose finish the client had not yet
// read: the server's request log is the only witness.
func unfinishedAtSubmits(t *testing.T, s *apidottest.Server) []int {
	t.Helper()
	// Following stops at the read that saw the end, so a task's last
	// status read is the one that told the client it finished.
	seen := map[string]time.Time{}
	for _, r := range s.Requests() {
		if id, ok := strings.CutPrefix(r.Path, "/api/generate/status/"); ok && r.Answer == 200 {
			seen[id] = r.At
		}
	}
	tasks := s.Tasks()
	sort.Slice(tasks, func(i, j int) bool { return tasks[i].CreatedAt.Before(tasks[j].CreatedAt) })
	var out []int
	for i, task := range tasks {
		open := 0
		for _, earlier := range tasks[:i] {
			if at, ok := seen[earlier.ID]; !ok || at.After(task.CreatedAt) {
				open++
			}
		}
		out = append(out, open)
	}
	return out
}

func TestParallelLimitHoldsAndIsUsed(t *testing.T) {
	t.Parallel()
	for _, par := range []int{1, 2, 3} {
		t.Run(fmt.Sprintf("parallel %d", par), func(t *testing.T) {
			t.Parallel()
			// The simulator holds every job until the test lets the
			// submitted ones go, and it does so only once the runner has
			// sent all it may: the first par submits find every earlier
			// job unfinished however slow the machine, and two rounds past
			// the limit show it holds.
			rig := jobstest.New(t, apidottest.Options{Hold: true, RunTime: 60 * time.Millisecond})
			svc := rig.Service(t, jobs.ServiceConfig{})
			lines := par + 2
			plan, err := batch.NewPlan(rig.Store, shotList(t, lines), time.Now())
			if err != nil {
				t.Fatal(err)
			}
			type outcome struct {
				res batch.Result
				err error
			}
			done := make(chan outcome, 1)
			go func() {
				res, err := batch.Runner{Service: svc, Parallel: par}.Run(context.Background(), plan, true)
				done <- outcome{res, err}
			}()
			for released := 0; released < lines; {
				want := min(released+par, lines)
				jobstest.Eventually(t, fmt.Sprintf("%d submits", want), func() bool { return rig.Server.Submits() >= want })
				released += rig.Server.Release()
			}
			out := <-done
			if out.err != nil || len(out.res.Jobs) != lines {
				t.Fatalf("run: %v, %d jobs", out.err, len(out.res.Jobs))
			}
			for _, j := range out.res.Jobs {
				if j.Status != history.StatusFinished || j.BatchID != plan.BatchID {
					t.Errorf("job %s: %s, batch %q", j.ID, j.Status, j.BatchID)
				}
			}
			open := unfinishedAtSubmits(t, rig.Server)
			most := 0
			for _, n := range open {
				most = max(most, n)
			}
			// At each submit, at most par-1 earlier jobs may be unfinished,
			// and the first par submits reach the limit.
			if most != par-1 {
				t.Errorf("unfinished jobs at each submit %v: most %d, want %d", open, most, par-1)
			}
		})
	}
}

func TestRunningAgainSendsOnlyWhatWasNotSent(t *testing.T) {
	t.Parallel()
	rig := jobstest.New(t, apidottest.Options{})
	svc := rig.Service(t, jobs.ServiceConfig{})
	file := "{\"prompt\":\"a fox\"}\n{\"prompt\":\"a thing [reject]\"}\n{\"prompt\":\"an owl\"}\n"
	shots, err := batch.Parse(context.Background(), strings.NewReader(file), defaults, nil)
	if err != nil {
		t.Fatal(err)
	}
	run := func() (batch.Plan, batch.Result) {
		plan, err := batch.NewPlan(rig.Store, shots, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		res, _ := batch.Runner{Service: svc, Parallel: 2}.Run(context.Background(), plan, true)
		return plan, res
	}
	first, res1 := run()
	if len(first.ToSend()) != 3 || len(res1.Jobs) != 3 || rig.Server.Submits() != 3 {
		t.Fatalf("first run: %d to send, %d jobs, %d submits", len(first.ToSend()), len(res1.Jobs), rig.Server.Submits())
	}
	second, res2 := run()
	// The rejected line may be sent again; the others are not.
	if got := len(second.ToSend()); got != 1 || second.ToSend()[0].Line != 2 || len(res2.Jobs) != 1 {
		t.Errorf("second run sends %d lines (%d jobs), want only line 2", got, len(res2.Jobs))
	}
	if second.BatchID != first.BatchID {
		t.Errorf("second run has batch id %s, want the first's %s", second.BatchID, first.BatchID)
	}
	if n := rig.Server.Submits(); n != 4 {
		t.Errorf("%d submits after two runs, want 4", n)
	}
}
