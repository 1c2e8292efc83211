package jobs

import (
	"context"

	"github.com/soratui/soratui/history"
)

// Adopt takes over a task submitted elsewhere; see Tracker.Adopt. Follow the job
// afterwards like any other.
func (s *Service) Adopt(ctx context.Context, taskID, model string) (history.Job, bool, error) {
	return s.tracker.Adopt(ctx, taskID, model)
}

// Resolve settles an unconfirmed job with its real task, or as never billed when taskID
// is ""; see Tracker.Resolve.
func (s *Service) Resolve(ctx context.Context, id, taskID string) (history.Job, error) {
	return s.tracker.Resolve(ctx, id, taskID)
}

// Resend settles an unconfirmed job as never billed and submits its request again as a
// new job, for a creator sure the first request made no task (it would be billed twice
// otherwise, so only an explicit choice calls this). The new job is returned for the
// caller to Follow; settled is the old record, rejected.
func (s *Service) Resend(ctx context.Context, id string) (settled, fresh history.Job, err error) {
	settled, err = s.tracker.Resolve(ctx, id, "")
	if err != nil {
		return settled, history.Job{}, err
	}
	fresh, err = s.tracker.Submit(ctx, Request(settled))
	return settled, fresh, err
}
