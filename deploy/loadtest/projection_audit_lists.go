package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"skillcert"
	"skillcert/schema/db"
)

// The audit lists (GET /api/v1/admin/audit: the newest events, whole or of a supervisor's region, and one
// application's timeline) and the exam-session list (GET /api/v1/exam-sessions), each by first page, page
// 100 (OFFSET) and keyset page 100 (after=), with the filters API.md allows. Cursors and arguments are
// drawn from the loaded data.

// pageCursor is the after= cursor the gateway issues for a row of list (gateway/paging.go's pageKey, with
// its sequence number).
func pageCursor(list string, at time.Time, seq int64, id string) string {
	b, _ := json.Marshal(struct {
		List string    `json:"l"`
		At   time.Time `json:"t"`
		Seq  int64     `json:"s,omitempty"`
		ID   string    `json:"i"`
	}{list, at, seq, id}) // strings, a time and an integer always encode
	return base64.RawURLEncoding.EncodeToString(b)
}

// timelineSample is an application with the cursor after its fifth audit event.
type timelineSample struct {
	id     string
	at     time.Time
	seq    int64
	lastID int64
}

// deepRow is the last row of page 99 of a list (the after= cursor of page 100) and its sequence number.
type deepRow struct {
	at  time.Time
	seq int64
	id  string
}

// auditProjectionQueries returns the measured audit and exam-session lists. The supervisor's and the city
// reviewer's region is region.
func auditProjectionQueries(ctx context.Context, pool *pgxpool.Pool, region string) ([]projectionQuery, error) {
	var all, scoped, exams deepRow
	const deep = 99*50 - 1 // the last row of page 99
	if err := pool.QueryRow(ctx, `SELECT at, seq, id::text FROM audit_events ORDER BY at DESC, id DESC OFFSET $1 LIMIT 1`,
		deep).Scan(&all.at, &all.seq, &all.id); err != nil {
		return nil, fmt.Errorf("audit cursor: %w", err)
	}
	if err := pool.QueryRow(ctx, `SELECT e.at, e.seq, e.id::text FROM audit_events e JOIN applications a ON a.id = e.application_id
		WHERE a.region = $1 ORDER BY e.at DESC, e.id DESC OFFSET $2 LIMIT 1`, region, deep).Scan(&scoped.at, &scoped.seq, &scoped.id); err != nil {
		return nil, fmt.Errorf("regional audit cursor: %w", err)
	}
	var sessions int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM exam_sessions`).Scan(&sessions); err != nil || sessions == 0 {
		return nil, fmt.Errorf("exam sessions: %d, %v", sessions, err)
	}
	if err := pool.QueryRow(ctx, `SELECT starts_at, id::text FROM exam_sessions ORDER BY starts_at, id OFFSET $1 LIMIT 1`,
		min(deep, sessions-1)).Scan(&exams.at, &exams.id); err != nil {
		return nil, fmt.Errorf("exam session cursor: %w", err)
	}
	var occupation string
	if err := pool.QueryRow(ctx, `SELECT occupation_code FROM exam_sessions WHERE batch_id = 'bench-current' AND level = 4
		GROUP BY 1 ORDER BY count(*) DESC LIMIT 1`).Scan(&occupation); err != nil {
		return nil, fmt.Errorf("exam session occupation: %w", err)
	}
	timelines, err := timelineSamples(ctx, pool)
	if err != nil {
		return nil, err
	}
	allCursor := pageCursor("audit_recent", all.at, all.seq, all.id)
	scopedCursor := pageCursor("audit_recent", scoped.at, scoped.seq, scoped.id)
	examCursor := pageCursor("exam_sessions", exams.at, 0, exams.id)
	allID, _ := strconv.ParseInt(all.id, 10, 64)
	scopedID, _ := strconv.ParseInt(scoped.id, 10, 64)
	pick := func(i int) timelineSample { return timelines[i%len(timelines)] }
	t0 := timelines[0]
	filtered := url.Values{"batch_id": {"bench-current"}, "level": {"4"}, "occupation_code": {occupation}}.Encode()
	level := int32(4)
	now := time.Now().In(skillcert.ChinaZone)
	today := pgtype.Date{Time: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC), Valid: true}
	recent := func(scope *string, at *time.Time, id *int64, off int32) func(q *db.Queries) error {
		return func(q *db.Queries) error {
			_, err := q.ListRecentAudit(ctx, db.ListRecentAuditParams{ScopeRegion: scope, AfterAt: at, AfterID: id, Off: off, Lim: 51})
			return err
		}
	}
	sessionsQ := func(p db.ListExamSessionsParams) func(q *db.Queries) error {
		return func(q *db.Queries) error {
			p.Lim = 51
			_, err := q.ListExamSessions(ctx, p)
			return err
		}
	}
	const a = "/api/v1/admin/audit"
	const s = "/api/v1/exam-sessions"
	return []projectionQuery{
		{name: "audit, newest", admin: true, path: func(int) string { return a }, capture: recent(nil, nil, nil, 0)},
		{name: "audit, newest page 100", admin: true, path: func(int) string { return a + "?page=100" }, capture: recent(nil, nil, nil, 99*50)},
		{name: "audit, newest keyset page 100", admin: true, path: func(int) string { return a + "?after=" + allCursor },
			capture: recent(nil, &all.at, &allID, 0)},
		{name: "audit, region newest (supervisor)", supervisor: true, path: func(int) string { return a },
			capture: recent(&region, nil, nil, 0)},
		{name: "audit, region page 100 (supervisor)", supervisor: true, path: func(int) string { return a + "?page=100" },
			capture: recent(&region, nil, nil, 99*50)},
		{name: "audit, region keyset page 100 (supervisor)", supervisor: true, path: func(int) string { return a + "?after=" + scopedCursor },
			capture: recent(&region, &scoped.at, &scopedID, 0)},
		{name: "audit, application timeline", admin: true, path: func(i int) string { return a + "?application_id=" + pick(i).id },
			capture: func(q *db.Queries) error {
				_, err := q.ListApplicationAudit(ctx, db.ListApplicationAuditParams{ApplicationID: t0.id, Lim: 51})
				return err
			}},
		{name: "audit, application timeline keyset", admin: true, path: func(i int) string {
			t := pick(i)
			return a + "?" + url.Values{"application_id": {t.id}, "page_size": {"5"},
				"after": {pageCursor("audit", t.at, t.seq, strconv.FormatInt(t.lastID, 10))}}.Encode()
		}, capture: func(q *db.Queries) error {
			_, err := q.ListApplicationAudit(ctx, db.ListApplicationAuditParams{ApplicationID: t0.id, AfterAt: &t0.at,
				AfterSeq: &t0.seq, AfterID: &t0.lastID, Lim: 6})
			return err
		}},
		{name: "exam sessions, first page", admin: true, path: func(int) string { return s }, capture: sessionsQ(db.ListExamSessionsParams{})},
		{name: "exam sessions, page 100", admin: true, path: func(int) string { return s + "?page=100" },
			capture: sessionsQ(db.ListExamSessionsParams{Off: 99 * 50})},
		{name: "exam sessions, keyset page 100", admin: true, path: func(int) string { return s + "?after=" + examCursor },
			capture: sessionsQ(db.ListExamSessionsParams{AfterAt: &exams.at, AfterID: &exams.id})},
		{name: "exam sessions (batch, occupation, level)", admin: true, path: func(int) string { return s + "?" + filtered },
			capture: sessionsQ(db.ListExamSessionsParams{BatchID: ptrTo("bench-current"), OccupationCode: &occupation, Level: &level})},
		{name: "exam sessions, region (city reviewer)", path: func(int) string { return s },
			capture: sessionsQ(db.ListExamSessionsParams{ScopeRegion: &region})},
		{name: "exam sessions, overdue rosters (city reviewer)", path: func(int) string { return s + "?overdue=true" },
			capture: sessionsQ(db.ListExamSessionsParams{ScopeRegion: &region, OverdueOn: today})},
	}, nil
}

// timelineSamples are up to 500 applications with more than five audit events, and the cursor after each
// one's fifth event.
func timelineSamples(ctx context.Context, pool *pgxpool.Pool) ([]timelineSample, error) {
	rows, err := pool.Query(ctx, `SELECT e.application_id::text, e.at, e.seq, e.id FROM audit_events e
		WHERE e.seq = 5 AND e.application_id IN (SELECT a.id FROM applications a TABLESAMPLE SYSTEM (1) REPEATABLE (11))
		  AND EXISTS (SELECT 1 FROM audit_events n WHERE n.application_id = e.application_id AND n.seq = 6)
		LIMIT 500`)
	if err != nil {
		return nil, fmt.Errorf("timeline samples: %w", err)
	}
	defer rows.Close()
	var out []timelineSample
	for rows.Next() {
		var t timelineSample
		if err := rows.Scan(&t.id, &t.at, &t.seq, &t.lastID); err != nil {
			return nil, fmt.Errorf("timeline samples: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil || len(out) == 0 {
		return nil, fmt.Errorf("timeline samples: %d, %v", len(out), err)
	}
	return out, nil
}

func ptrTo[T any](v T) *T { return &v }
