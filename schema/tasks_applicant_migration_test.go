package schema

import (
	"context"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pressly/goose/v3"

	"skillcert/internal/devstack"
)

// TestTasksApplicantMigrationBackfills: migration 00054 gives the tasks written before it their application's
// applicant, the inbox index it puts in place of tasks_city_inbox carries it, and after 00057 a task inserted
// without it gets it from its application.
func TestTasksApplicantMigrationBackfills(t *testing.T) {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, devstack.ForTest(t).TestDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	sqlDB := OpenDB(pool)
	defer sqlDB.Close()
	provider, err := goose.NewProvider(goose.DialectPostgres, sqlDB, mustSub(migrations, "migrations"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := provider.UpTo(ctx, 53); err != nil {
		t.Fatal(err)
	}
	const app, account = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	// The application and its task alone: the applicant, batch and occupation rows are beside the point.
	for _, q := range []string{`SET LOCAL session_replication_role = replica`,
		`INSERT INTO applications (id, applicant_id, batch_id, region, employer, occupation_code, level, pathway, status, seq, view)
		 VALUES ('` + app + `', '` + account + `', 'b', '包头市', '某局', '4-07-05-01', 5, 'standard', 'submitted', 1, '{}')`,
		`INSERT INTO tasks (id, application_id, type, status, role, region, seq, created_at)
		 VALUES ('33333333-3333-4333-8333-333333333333', '` + app + `', 'preliminary_review', 'open', 'city_reviewer', '包头市', 1, now())`,
	} {
		if _, err := tx.Exec(ctx, q); err != nil {
			t.Fatal(q, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := provider.UpTo(ctx, 54); err != nil {
		t.Fatal(err)
	}
	var applicant *string
	if err := pool.QueryRow(ctx, `SELECT applicant_id::text FROM tasks`).Scan(&applicant); err != nil {
		t.Fatal(err)
	}
	if applicant == nil || *applicant != account {
		t.Errorf("the task's applicant after the migration: %v, want %s", applicant, account)
	}
	// 00057: a task inserted without the column (an older binary during a rolling deployment) gets it too.
	if _, err := provider.UpTo(ctx, 57); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO tasks (id, application_id, type, status, role, region, seq, created_at)
		 VALUES ('44444444-4444-4444-8444-444444444444', '`+app+`', 're_review', 'open', 'provincial_reviewer', '包头市', 2, now())`); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(ctx, `SELECT applicant_id::text FROM tasks WHERE id = '44444444-4444-4444-8444-444444444444'`).Scan(&applicant); err != nil {
		t.Fatal(err)
	}
	if applicant == nil || *applicant != account {
		t.Errorf("a task inserted without its applicant after 00057: %v, want %s", applicant, account)
	}
	var def string
	if err := pool.QueryRow(ctx, `SELECT pg_get_indexdef('tasks_city_inbox_applicant'::regclass)`).Scan(&def); err != nil {
		t.Fatal(err)
	}
	if want := "INCLUDE (applicant_id)"; !strings.Contains(def, want) {
		t.Errorf("index %s lacks %s", def, want)
	}
}
