package schema

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pressly/goose/v3"

	"skillcert/internal/devstack"
)

// TestAuditRegionMigrationBackfills: migration 00055 gives the events written before it their application's
// region (none to account events), leaves every hash as it was, and later inserts get the region too.
func TestAuditRegionMigrationBackfills(t *testing.T) {
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
	if _, err := provider.UpTo(ctx, 54); err != nil {
		t.Fatal(err)
	}
	const app, account = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	// The application row alone: its applicant, batch and occupation rows are beside the point.
	for _, q := range []string{`SET LOCAL session_replication_role = replica`,
		`INSERT INTO applications (id, applicant_id, batch_id, region, employer, occupation_code, level, pathway, status, seq, view)
		 VALUES ('` + app + `', '` + account + `', 'b', '包头市', '某局', '4-07-05-01', 5, 'standard', 'draft', 1, '{}')`} {
		if _, err := tx.Exec(ctx, q); err != nil {
			t.Fatal(q, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO audit_events (application_id, seq, action, at, actor_role) VALUES ('` + app + `', 1, 'created', now(), 'applicant')`,
		`INSERT INTO audit_events (subject, application_id, seq, action, at, actor_role) VALUES ('account', '` + account + `', 1, 'user_created', now(), 'admin')`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatal(q, err)
		}
	}
	if _, err := provider.Up(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO audit_events (application_id, seq, action, at, actor_role)
		VALUES ('`+app+`', 2, 'submit', now(), 'applicant')`); err != nil {
		t.Fatal(err)
	}
	var regions []string
	var rehashed int
	if err := pool.QueryRow(ctx, `SELECT array_agg(coalesce(region, '(none)') ORDER BY chain_seq),
		count(*) FILTER (WHERE hash <> audit_hash(e)) FROM audit_events e`).Scan(&regions, &rehashed); err != nil {
		t.Fatal(err)
	}
	if len(regions) != 3 || regions[0] != "包头市" || regions[1] != "(none)" || regions[2] != "包头市" || rehashed != 0 {
		t.Fatalf("regions %v (want [包头市 (none) 包头市]), %d hashes changed", regions, rehashed)
	}
}
