package main

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"skillcert/activities"
	"skillcert/schema/db"
)

// countProjection fills the statistics counters (migration 00050) for applications loaded with COPY, which
// bypasses RecordTransition, and analyzes them, as a reprojection would.
func countProjection(ctx context.Context, pool *pgxpool.Pool) error {
	if err := activities.RebuildApplicationCounts(ctx, db.New(pool)); err != nil {
		return err
	}
	if _, err := pool.Exec(ctx, "VACUUM (ANALYZE) application_counts"); err != nil {
		return fmt.Errorf("vacuum application_counts: %w", err)
	}
	return nil
}
