package jobs_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/soratui/soratui/apidot"
	"github.com/soratui/soratui/apidot/apidottest"
	"github.com/soratui/soratui/history"
	"github.com/soratui/soratui/jobs"
	"github.com/soratui/soratui/jobs/jobstest"
)

// Resend settles only an unconfirmed job, as rejected, and sends its
// request exactly once as a new job; any other job is refused unsent.
func TestServiceResend(t *testing.T) {
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
