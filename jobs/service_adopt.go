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
