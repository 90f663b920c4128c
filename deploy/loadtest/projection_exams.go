package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"skillcert"
)

// The exam sessions of the synthetic data: every application whose path passed exam_assigned holds a seat,
// in a session of its batch, region, occupation and level with up to examCapacity seats. The sessions of a
// batch start over ten days from 50 days after registration opened, their rosters due a week before; the
// running batch's sessions straddle today, and a tenth of its rosters are not submitted (some overdue).

const examCapacity = 40

// examSession is a generated session.
type examSession struct {
	id                        uuid.UUID
	batch, region, occupation uint8
	level                     int8
	startsAt                  time.Time
	submitted                 bool
	seats                     []int32 // indexes into rows
}

// planExamSessions groups the seated applications into sessions.
func planExamSessions(rng *rand.Rand, cat projCatalog, rows []appRow) []examSession {
	type key struct {
		batch, region, occupation uint8
		level                     int8
	}
	groups := map[key][]int32{}
	var keys []key
	for i, r := range rows {
		if !seated(r.status) {
			continue
		}
		k := key{r.batch, r.region, r.occupation, r.level}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], int32(i))
	}
	var out []examSession
	day := 24 * time.Hour
	for _, k := range keys {
		b := cat.batches[k.batch]
		apps := groups[k]
		for start := 0; start < len(apps); start += examCapacity {
			s := examSession{id: uuidFrom(rng), batch: k.batch, region: k.region, occupation: k.occupation, level: k.level,
				seats: apps[start:min(start+examCapacity, len(apps))], submitted: !b.running || rng.IntN(10) > 0}
			// Half-hour slots over ten days, from 08:00 China time.
			slot := rng.IntN(10 * 20)
			s.startsAt = b.opens.Truncate(day).Add(50*day + time.Duration(slot/20)*day + time.Duration(slot%20)*30*time.Minute)
			out = append(out, s)
		}
	}
	return out
}

// copyExamSessions loads the sessions and their seats; it returns the number of each.
func copyExamSessions(ctx context.Context, pool *pgxpool.Pool, rng *rand.Rand, cat projCatalog, rows []appRow) (int, int, error) {
	sessions := planExamSessions(rng, cat, rows)
	creators := newStaffIDs(rng, 20)
	n, err := pool.CopyFrom(ctx, pgx.Identifier{"exam_sessions"}, []string{"id", "batch_id", "region", "occupation_code", "level",
		"starts_at", "venue", "capacity", "roster_due_on", "roster_due_estimated", "roster_submitted_at", "roster_submitted_by",
		"created_by", "created_at"},
		pgx.CopyFromSlice(len(sessions), func(i int) ([]any, error) {
			s := sessions[i]
			region := cat.regions[s.region].v
			due := s.startsAt.In(skillcert.ChinaZone).AddDate(0, 0, -7)
			var submittedAt *time.Time
			var submittedBy *uuid.UUID
			if s.submitted {
				at := due.Add(-26 * time.Hour)
				submittedAt, submittedBy = &at, &creators[i%len(creators)]
			}
			return []any{s.id, cat.batches[s.batch].id, region, cat.occs[s.occupation].Code, int32(s.level), s.startsAt,
				fmt.Sprintf("%s职业技能鉴定考点第%d考场", region, i%30+1), int32(examCapacity),
				time.Date(due.Year(), due.Month(), due.Day(), 0, 0, 0, 0, time.UTC), false, submittedAt, submittedBy,
				creators[i%len(creators)], cat.batches[s.batch].opens.Add(40 * 24 * time.Hour)}, nil
		}))
	if err != nil {
		return 0, 0, fmt.Errorf("copy exam sessions: %w", err)
	}
	type seat struct {
		session uuid.UUID
		n       int32
		app     uuid.UUID
		at      time.Time
	}
	var seats []seat
	for _, s := range sessions {
		for k, a := range s.seats {
			seats = append(seats, seat{s.id, int32(k + 1), rows[a].id, s.startsAt.Add(-10 * 24 * time.Hour)})
		}
	}
	// The seats refer to rows generated above: their foreign-key checks (one lookup in applications and one
	// in exam_sessions per seat) are skipped, as a restore does.
	tx, err := pool.Begin(ctx)
	if err != nil {
		return 0, 0, fmt.Errorf("copy exam seats: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if _, err := tx.Exec(ctx, "SET LOCAL session_replication_role = replica"); err != nil {
		return 0, 0, fmt.Errorf("copy exam seats: %w", err)
	}
	m, err := tx.CopyFrom(ctx, pgx.Identifier{"exam_seats"}, []string{"session_id", "seat", "application_id", "assigned_by", "assigned_at"},
		pgx.CopyFromSlice(len(seats), func(i int) ([]any, error) {
			s := seats[i]
			return []any{s.session, s.n, s.app, creators[i%len(creators)], s.at}, nil
		}))
	if err != nil {
		return 0, 0, fmt.Errorf("copy exam seats: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, 0, fmt.Errorf("copy exam seats: %w", err)
	}
	return int(n), int(m), nil
}

// newStaffIDs draws n staff user IDs (actors only: no user rows).
func newStaffIDs(rng *rand.Rand, n int) []uuid.UUID {
	out := make([]uuid.UUID, n)
	for i := range out {
		out[i] = uuidFrom(rng)
	}
	return slices.Clip(out)
}
