package schema

import (
	"context"
	"os"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/pressly/goose/v3"

	"skillcert"
	"skillcert/internal/devstack"
	"skillcert/schema/db"
)

func TestMain(m *testing.M) { os.Exit(devstack.Main(m)) }

// TestAuditChainMigrationChainsExistingEvents: events written before migration 00030 are chained in the
// order they were written, their ids become their chain positions, and later inserts continue the chain.
func TestAuditChainMigrationChainsExistingEvents(t *testing.T) {
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
	if _, err := provider.UpTo(ctx, 29); err != nil {
		t.Fatal(err)
	}
	// Three events with gaps between their ids (rolled-back inserts leave gaps), Chinese text and JSON.
	for _, q := range []string{
		`INSERT INTO audit_events (id, application_id, seq, action, at, actor_role, reason, details)
		 VALUES (5, '11111111-1111-4111-8111-111111111111', 1, 'created', '2026-06-21 08:00:00.123456+08', 'applicant', NULL, NULL)`,
		`INSERT INTO audit_events (id, application_id, seq, action, at, actor_id, actor_role, from_status, to_status, reason, details)
		 VALUES (9, '11111111-1111-4111-8111-111111111111', 2, 'submit', '2026-06-22 09:30:00+08', '22222222-2222-4222-8222-222222222222',
		         'applicant', 'draft', 'preliminary_review', '材料齐全', '{"b": [1, 2.50], "a": "中文"}')`,
		`INSERT INTO audit_events (id, application_id, seq, action, at, actor_role)
		 VALUES (12, '33333333-3333-4333-8333-333333333333', 1, 'created', '2026-06-23 10:00:00+08', 'applicant')`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatal(q, err)
		}
	}
	if _, err := provider.Up(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO audit_events (application_id, seq, action, at, actor_role)
		VALUES ('33333333-3333-4333-8333-333333333333', 2, 'submit', now(), 'applicant')`); err != nil {
		t.Fatal(err)
	}
	q := db.New(pool)
	rows, err := q.ListAuditChain(ctx, db.ListAuditChainParams{After: 0, Lim: 100})
	if err != nil {
		t.Fatal(err)
	}
	head, err := q.GetAuditChainHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var v skillcert.AuditVerifier
	for _, r := range rows {
		rec := skillcert.AuditRecord{ChainSeq: r.ChainSeq, PrevHash: r.PrevHash, Hash: r.Hash, Subject: r.Subject,
			ApplicationID: r.ApplicationID, Seq: r.Seq, Action: r.Action, AtMicros: r.AtUs, ActorID: r.ActorID,
			ActorRole: r.ActorRole, FromStatus: r.FromStatus, ToStatus: r.ToStatus, Reason: r.Reason}
		if r.HasDetails {
			rec.Details = &r.Details
		}
		v.Add(rec)
	}
	if res := v.Finish(head.LastSeq, head.LastHash); !res.OK || res.Events != 4 {
		t.Fatalf("chain after migration: %+v", res)
	}
	var ids []int64
	r, err := pool.Query(ctx, `SELECT id FROM audit_events WHERE id = chain_seq ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for r.Next() {
		var id int64
		_ = r.Scan(&id)
		ids = append(ids, id)
	}
	if len(ids) != 4 || ids[0] != 1 || ids[3] != 4 {
		t.Fatalf("ids equal to their chain positions: %v, want [1 2 3 4]", ids)
	}
}
