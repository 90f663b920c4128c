package gateway

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"skillcert/schema/capture"
	"skillcert/schema/db"
)

var sortNode = regexp.MustCompile(`(?m)^\s*(->\s+)?(Incremental )?Sort\b`)

// TestKeysetPlansUseIndexes: every keyset page is read from an index that yields the list's order and
// starts at the cursor, so a page deep into a list costs what the first page costs. With sorting and
// sequential scans priced out, a plan that still sorts, or reads no index, has no index to use.
func TestKeysetPlansUseIndexes(t *testing.T) {
	g := startGateway(t)
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, g.env["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	at, id, n, region, status := time.Now(), "00000000-0000-4000-8000-000000000000", int64(1), "包头市", "preliminary_review"
	queries := map[string]func(q *db.Queries) error{
		"city inbox": func(q *db.Queries) error {
			_, err := q.ListInboxTasks(ctx, db.ListInboxTasksParams{Roles: []string{roleCityReviewer}, ScopeRegion: &region,
				AfterAt: &at, AfterID: &id, Lim: 51})
			return err
		},
		"provincial inbox": func(q *db.Queries) error {
			_, err := q.ListInboxTasks(ctx, db.ListInboxTasksParams{Roles: []string{roleProvincialReviewer}, AfterAt: &at, AfterID: &id, Lim: 51})
			return err
		},
		"admin search": func(q *db.Queries) error {
			_, err := q.SearchApplications(ctx, db.SearchApplicationsParams{AfterAt: &at, AfterID: &id, Lim: 51})
			return err
		},
		"admin search in a region": func(q *db.Queries) error {
			_, err := q.SearchApplications(ctx, db.SearchApplicationsParams{ScopeRegion: &region, AfterAt: &at, AfterID: &id, Lim: 51})
			return err
		},
		"admin search by status and region": func(q *db.Queries) error {
			_, err := q.SearchApplications(ctx, db.SearchApplicationsParams{Status: &status, Region: &region, AfterAt: &at, AfterID: &id, Lim: 51})
			return err
		},
		"recent audit": func(q *db.Queries) error {
			_, err := q.ListRecentAudit(ctx, db.ListRecentAuditParams{AfterAt: &at, AfterID: &n, Lim: 51})
			return err
		},
		"recent audit in a region": func(q *db.Queries) error {
			_, err := q.ListRecentAudit(ctx, db.ListRecentAuditParams{ScopeRegion: &region, AfterAt: &at, AfterID: &n, Lim: 51})
			return err
		},
		"exam sessions of a batch, occupation and level": func(q *db.Queries) error {
			batch, occupation, level := "2026-1", "4-07-05-01", int32(5)
			_, err := q.ListExamSessions(ctx, db.ListExamSessionsParams{BatchID: &batch, OccupationCode: &occupation, Level: &level,
				AfterAt: &at, AfterID: &id, Lim: 51})
			return err
		},
		"exam sessions": func(q *db.Queries) error {
			_, err := q.ListExamSessions(ctx, db.ListExamSessionsParams{AfterAt: &at, AfterID: &id, Lim: 51})
			return err
		},
	}
	for name, run := range queries {
		t.Run(name, func(t *testing.T) {
			c := &capture.Statement{}
			if err := run(db.New(c)); !errors.Is(err, capture.ErrCaptured) {
				t.Fatalf("capture: %v", err)
			}
			tx, err := pool.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = tx.Rollback(ctx) }()
			for _, set := range []string{"SET LOCAL enable_seqscan = off", "SET LOCAL enable_sort = off",
				"SET LOCAL enable_incremental_sort = off", "SET LOCAL plan_cache_mode = force_custom_plan"} {
				if _, err := tx.Exec(ctx, set); err != nil {
					t.Fatal(err)
				}
			}
			rows, err := tx.Query(ctx, "EXPLAIN "+c.SQL, c.Args...)
			if err != nil {
				t.Fatal(err)
			}
			var plan strings.Builder
			for rows.Next() {
				var line string
				if err := rows.Scan(&line); err != nil {
					t.Fatal(err)
				}
				plan.WriteString(line + "\n")
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			if sortsRows(plan.String()) || !strings.Contains(plan.String(), "Index") {
				t.Fatalf("the keyset page sorts or reads no index:\n%s", plan.String())
			}
		})
	}
}

// sortsRows reports whether plan sorts rows: a Sort node other than one over a half of a query that the
// planner proved empty (SearchApplications plans away the half of its UNION ALL that the request does not
// use, leaving a Sort of no rows over "One-Time Filter: false").
func sortsRows(plan string) bool {
	lines := strings.Split(plan, "\n")
	for i, l := range lines {
		if !sortNode.MatchString(l) || strings.Contains(l, "Sort Key:") { // a key line, not a node
			continue
		}
		empty := false
		for _, next := range lines[i+1 : min(i+4, len(lines))] {
			empty = empty || strings.Contains(next, "One-Time Filter: false")
		}
		if !empty {
			return true
		}
	}
	return false
}
