package gateway

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"skillcert/api"
	"skillcert/client"
)

// The audit and exam-session lists as rewritten for a million applications (migrations 00055, 00056): the
// same answers as before.

// TestRegionalAuditIntegration: a supervisor's newest audit events are exactly the events of their region's
// applications, read from the region each event keeps (migration 00055): every event of the region's
// applications, none of another region's, no account event; and the insert trigger sets the region from
// the application, whatever a writer sends.
func TestRegionalAuditIntegration(t *testing.T) {
	g := startGateway(t)
	ctx := context.Background()
	pool := testDB(t, g)
	const here, there = "锡林郭勒盟", "兴安盟"
	batch := g.newBatch(t)
	var mine, theirs []string
	for i, region := range []string{here, here, there, there} {
		a := g.registerApplicant(t, fmt.Sprintf("审计%c", '甲'+rune(i)))
		id := must(g.as(a.Token).CreateApplication(t.Context(), applicationRequest(batch, region)))(t).ID
		if i%2 == 0 { // a withdrawn draft has two events: created and withdraw
			must(g.as(a.Token).Withdraw(t.Context(), id, ""))(t)
		}
		if region == here {
			mine = append(mine, id)
		} else {
			theirs = append(theirs, id)
		}
	}
	_, supervisor := g.newStaff(t, roleSupervisor, here) // creating the account writes an account event

	// Every page of the supervisor's list, by cursor.
	var seen []int64
	p := client.Paging{PageSize: 200}
	for {
		page := must(g.as(supervisor).Audit(t.Context(), "", p))(t)
		for _, e := range page.Items {
			seen = append(seen, e.ID)
		}
		if page.NextCursor == nil {
			break
		}
		p.After = *page.NextCursor
	}
	want := column[int64](t, pool, `SELECT id FROM audit_events WHERE application_id = ANY($1::uuid[]) ORDER BY id`, mine)
	if len(want) != 3 {
		t.Fatalf("the region's applications have events %v, want 3", want)
	}
	for _, id := range want {
		if !slices.Contains(seen, id) {
			t.Fatalf("the supervisor's list misses event %d of their region (listed %v)", id, seen)
		}
	}
	var outside int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM audit_events e LEFT JOIN applications a ON a.id = e.application_id
		WHERE e.id = ANY($1) AND a.region IS DISTINCT FROM $2`, seen, here).Scan(&outside); err != nil {
		t.Fatal(err)
	}
	if outside > 0 {
		t.Fatalf("the supervisor of %s lists %d events of other regions or of accounts", here, outside)
	}

	// A writer cannot choose the region: the trigger takes the application's (none for an account).
	account := uuid.NewString()
	for _, q := range []struct {
		subject, id string
	}{{"application", theirs[0]}, {"account", account}} {
		if _, err := pool.Exec(ctx, `INSERT INTO audit_events (subject, application_id, seq, action, at, actor_role, region)
			VALUES ($1, $2, 900, 'region_test', now(), 'admin', $3)`, q.subject, q.id, here); err != nil {
			t.Fatal(err)
		}
	}
	got := column[string](t, pool, `SELECT coalesce(region, '(none)') FROM audit_events
		WHERE action = 'region_test' AND application_id = ANY($1::uuid[]) ORDER BY subject DESC`, []string{theirs[0], account})
	if !slices.Equal(got, []string{there, "(none)"}) {
		t.Fatalf("regions set by the trigger: %v, want [%s (none)]", got, there)
	}
}

// TestExamSessionSeatsByPage: each session of a page counts its own seats, whether the page is reached by
// number (OFFSET) or by cursor, filtered or not; the count is taken after the page is chosen.
func TestExamSessionSeatsByPage(t *testing.T) {
	g := startGateway(t)
	ctx := context.Background()
	pool := testDB(t, g)
	const region = "乌海市"
	admin := g.adminToken(t)
	batch := g.newBatch(t)
	var apps []string
	for i := range 3 {
		a := g.registerApplicant(t, fmt.Sprintf("座位%c", '甲'+rune(i)))
		apps = append(apps, must(g.as(a.Token).CreateApplication(t.Context(), applicationRequest(batch, region)))(t).ID)
	}
	// Sessions 0, 1, 2 an hour apart, with 0, 2 and 1 seats; session 3 of level 4 with none.
	start := time.Now().Add(48 * time.Hour).Truncate(time.Second)
	var sessions []string
	for i, level := range []int{5, 5, 5, 4} {
		id := uuid.NewString()
		sessions = append(sessions, id)
		if _, err := pool.Exec(ctx, `INSERT INTO exam_sessions (id, batch_id, region, occupation_code, level, starts_at, venue, capacity, created_by)
			VALUES ($1, $2, $3, '4-07-05-01', $4, $5, '考点', 30, $6)`, id, batch, region, level, start.Add(time.Duration(i)*time.Hour), apps[0]); err != nil {
			t.Fatal(err)
		}
	}
	for i, s := range []int{1, 1, 2} {
		if _, err := pool.Exec(ctx, `INSERT INTO exam_seats (session_id, seat, application_id, assigned_by) VALUES ($1, $2, $3, $3)`,
			sessions[s], i+1, apps[i]); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		_, _ = pool.Exec(context.Background(), `DELETE FROM exam_seats WHERE session_id = ANY($1::uuid[])`, sessions)
		_, _ = pool.Exec(context.Background(), `DELETE FROM exam_sessions WHERE id = ANY($1::uuid[])`, sessions)
	})
	c := g.as(admin)
	one := func(f client.ExamSessionFilter, p client.Paging) api.ExamSession {
		t.Helper()
		page := must(c.ExamSessions(t.Context(), f, p))(t)
		if len(page.Items) != 1 {
			t.Fatalf("%+v %+v: %d sessions, want 1", f, p, len(page.Items))
		}
		return page.Items[0]
	}
	all := client.ExamSessionFilter{BatchID: batch}
	level5 := client.ExamSessionFilter{BatchID: batch, Level: 5, OccupationCode: "4-07-05-01"}
	for i, want := range []int32{0, 2, 1, 0} {
		if s := one(all, client.Paging{PageSize: 1, Page: i + 1}); s.ID != sessions[i] || s.Seated != want {
			t.Fatalf("page %d: session %s with %d seated, want %s with %d", i+1, s.ID, s.Seated, sessions[i], want)
		}
	}
	first := must(c.ExamSessions(t.Context(), level5, client.Paging{PageSize: 1}))(t)
	if first.NextCursor == nil {
		t.Fatalf("no cursor after the first of three sessions: %+v", first)
	}
	if s := one(level5, client.Paging{PageSize: 1, After: *first.NextCursor}); s.ID != sessions[1] || s.Seated != 2 {
		t.Fatalf("after the first level-5 session: %s with %d seated, want %s with 2", s.ID, s.Seated, sessions[1])
	}
	if s := one(level5, client.Paging{PageSize: 1, Page: 3}); s.ID != sessions[2] || s.Seated != 1 {
		t.Fatalf("page 3 of level 5: %s with %d seated, want %s with 1", s.ID, s.Seated, sessions[2])
	}
	if rest := must(c.ExamSessions(t.Context(), level5, client.Paging{PageSize: 2, Page: 2}))(t); len(rest.Items) != 1 || rest.NextPage != nil {
		t.Fatalf("page 2 of 2-session pages of three: %+v", rest)
	}
}

// column reads the single column of a query's rows.
func column[T any](t *testing.T, pool *pgxpool.Pool, sql string, args ...any) []T {
	t.Helper()
	rows, err := pool.Query(context.Background(), sql, args...)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[T])
	if err != nil {
		t.Fatal(err)
	}
	return out
}
