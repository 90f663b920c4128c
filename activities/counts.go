package activities

import (
	"context"
	"fmt"

	"skillcert/schema/db"
)

// countStatusChange moves the application from status from to status to in the statistics counters
// (migration 00050), in the caller's transaction: from "" is a new application, to "" one that is gone.
// The counters are changed in the order of their status, each detailed one before its summary one, so two
// transactions that move applications of one group in opposite directions lock them in the same order, and
// a transaction never holds a summary counter while it waits for the detailed table (which
// rebuild_application_counts locks first): nothing deadlocks.
func countStatusChange(ctx context.Context, q *db.Queries, applicationID, from, to string) error {
	if from == to {
		return nil
	}
	type change struct {
		status string
		delta  int64
	}
	changes := []change{{from, -1}, {to, 1}}
	if to < from {
		changes[0], changes[1] = changes[1], changes[0]
	}
	for _, c := range changes {
		if c.status == "" {
			continue
		}
		if err := q.AddApplicationCount(ctx, db.AddApplicationCountParams{
			ApplicationID: applicationID, Status: c.status, Delta: c.delta,
		}); err != nil {
			return fmt.Errorf("count %s %+d: %w", c.status, c.delta, err)
		}
		if err := q.AddApplicationStatusCount(ctx, db.AddApplicationStatusCountParams{
			ApplicationID: applicationID, Status: c.status, Delta: c.delta,
		}); err != nil {
			return fmt.Errorf("count %s %+d in the summary: %w", c.status, c.delta, err)
		}
	}
	return nil
}

// RebuildApplicationCounts recounts the statistics counters from the applications: after a reprojection
// or a bulk load that wrote applications without RecordTransition. Transitions may run meanwhile.
func RebuildApplicationCounts(ctx context.Context, q *db.Queries) error {
	if err := q.RebuildApplicationCounts(ctx); err != nil {
		return fmt.Errorf("rebuild application counts: %w", err)
	}
	return nil
}
