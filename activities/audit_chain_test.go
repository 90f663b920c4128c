package activities

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"skillcert"
	"skillcert/schema/db"
)

// verifyChain recomputes the audit chain of the database in Go (as the gateway and `make audit-verify` do).
func verifyChain(t *testing.T, pool *pgxpool.Pool) skillcert.AuditVerification {
	t.Helper()
	ctx := context.Background()
	q := db.New(pool)
	head, err := q.GetAuditChainHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := q.ListAuditChain(ctx, db.ListAuditChainParams{After: 0, Lim: 100000})
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
	return v.Finish(head.LastSeq, head.LastHash)
}

// writeCases records steps 1..steps of n applications concurrently, each step twice (a retried activity),
// with Chinese reasons and nested details, and returns the application IDs.
func writeCases(t *testing.T, pool *pgxpool.Pool, applicant string, n, steps int) []string {
	t.Helper()
	a := &Activities{Pool: pool}
	apps := make([]string, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range apps {
		apps[i] = uuid.NewString()
		wg.Add(1)
		go func(app string, i int) {
			defer wg.Done()
			for seq := int64(1); seq <= int64(steps); seq++ {
				rec := record(app, applicant, seq, "draft")
				rec.Row.OccupationCode, rec.Row.Level = "6-31-01-03", skillcert.Level(5-i%5)
				rec.Reason = fmt.Sprintf("第%d步：材料齐全 \"ok\"", seq)
				rec.Details = map[string]any{"component": "theory", "score": 88.5, "nested": map[string]any{"z": 1, "a": []int{1, 2}}}
				for range 2 {
					if err := a.RecordTransition(context.Background(), rec); err != nil {
						errs <- err
						return
					}
				}
			}
		}(apps[i], i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return apps
}

// TestAuditChainConcurrentWrites: projection writes of different applications, concurrent and retried,
// form one intact chain without gaps whose hashes Go recomputes exactly.
func TestAuditChainConcurrentWrites(t *testing.T) {
	pool, applicant := testPool(t)
	writeCases(t, pool, applicant, 5, 6)
	got := verifyChain(t, pool)
	if !got.OK || got.Events != 30 {
		t.Fatalf("verification after concurrent writes: %+v", got)
	}
	var maxSeq, count int64
	_ = pool.QueryRow(context.Background(), `SELECT max(chain_seq), count(*) FROM audit_events`).Scan(&maxSeq, &count)
	if maxSeq != 30 || count != 30 {
		t.Fatalf("chain positions: max %d of %d events (retries must not take positions)", maxSeq, count)
	}
}

// TestAuditChainNamesTamperedRow: as the superuser (triggers off), edit, delete or insert one row by SQL,
// and the verification names its chain position.
func TestAuditChainNamesTamperedRow(t *testing.T) {
	cases := []struct {
		name string
		sql  string
		want int64
	}{
		{"edited", `UPDATE audit_events SET reason = 'nothing to see' WHERE chain_seq = 7`, 7},
		{"edited details", `UPDATE audit_events SET details = '{"score": 99}' WHERE chain_seq = 4`, 4},
		{"deleted", `DELETE FROM audit_events WHERE chain_seq = 5`, 5},
		{"deleted newest", `DELETE FROM audit_events WHERE chain_seq = 12`, 12},
		{"inserted", `INSERT INTO audit_events (application_id, seq, action, at, actor_role, chain_seq, prev_hash, hash)
			SELECT application_id, 99, 'approve', at, 'city_reviewer', 13, hash, repeat('0', 64) FROM audit_events WHERE chain_seq = 12`, 13},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pool, applicant := testPool(t)
			writeCases(t, pool, applicant, 3, 4)
			if got := verifyChain(t, pool); !got.OK {
				t.Fatalf("before tampering: %+v", got)
			}
			ctx := context.Background()
			tx, err := pool.Begin(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, q := range []string{`SET LOCAL session_replication_role = replica`, tc.sql} {
				if _, err := tx.Exec(ctx, q); err != nil {
					t.Fatal(q, err)
				}
			}
			if err := tx.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			got := verifyChain(t, pool)
			if got.OK || got.FirstBadSeq == nil || *got.FirstBadSeq != tc.want {
				t.Fatalf("after %s: %+v, want first_bad_seq %d", tc.name, got, tc.want)
			}
		})
	}
	t.Run("head guarded", func(t *testing.T) {
		pool, _ := testPool(t)
		if _, err := pool.Exec(context.Background(), `UPDATE audit_chain_head SET last_seq = 0`); err == nil {
			t.Fatal("audit_chain_head accepted a direct UPDATE")
		}
	})
}

// TestFirstScoreEntryIsBlind: the audit event of a first score entry records the component, not the score.
func TestFirstScoreEntryIsBlind(t *testing.T) {
	pool, applicant := testPool(t)
	a := &Activities{Pool: pool}
	app := uuid.NewString()
	ctx := context.Background()
	if err := a.RecordTransition(ctx, record(app, applicant, 1, "scoring")); err != nil {
		t.Fatal(err)
	}
	rec := record(app, applicant, 2, "scoring")
	rec.Action, rec.Details = skillcert.ActionScoreEntered, map[string]any{"component": "theory", "score": 73.5}
	if err := a.RecordTransition(ctx, rec); err != nil {
		t.Fatal(err)
	}
	var details string
	if err := pool.QueryRow(ctx, `SELECT details::text FROM audit_events WHERE application_id = $1 AND seq = 2`, app).Scan(&details); err != nil {
		t.Fatal(err)
	}
	if details != `{"component": "theory"}` {
		t.Fatalf("first entry recorded as %s", details)
	}
}

// BenchmarkRecordTransitionParallel measures projection writes of different applications in parallel, with
// the audit hash chain (the global chain head serializes the audit inserts) and without it (trigger off,
// chain columns nullable), to show what the chain costs.
func BenchmarkRecordTransitionParallel(b *testing.B) {
	for _, chained := range []bool{true, false} {
		b.Run(map[bool]string{true: "chained", false: "unchained"}[chained], func(b *testing.B) {
			pool, applicant := testPool(b)
			if !chained {
				for _, q := range []string{`ALTER TABLE audit_events DISABLE TRIGGER audit_events_chain`, `ALTER TABLE audit_events DISABLE TRIGGER audit_chain_advance`,
					`ALTER TABLE audit_events ALTER chain_seq DROP NOT NULL, ALTER prev_hash DROP NOT NULL, ALTER hash DROP NOT NULL`} {
					if _, err := pool.Exec(context.Background(), q); err != nil {
						b.Fatal(err)
					}
				}
			}
			a := &Activities{Pool: pool}
			b.SetParallelism(4) // 4 × GOMAXPROCS writers, as a worker runs many activities at once
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				app, seq := uuid.NewString(), int64(0)
				for pb.Next() {
					seq++
					rec := record(app, applicant, seq, "withdrawn") // one person, many applications: none active
					if err := a.RecordTransition(context.Background(), rec); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}

// TestAuditChainBulkAndAfterTailDeletion: many rows in one statement and many statements in one
// transaction chain like single writes; and deleting the newest event stays visible after later appends,
// because appends continue from the recorded head, not from the newest row left.
func TestAuditChainBulkAndAfterTailDeletion(t *testing.T) {
	pool, _ := testPool(t)
	ctx := context.Background()
	insert := `INSERT INTO audit_events (application_id, seq, action, at, actor_role, details)
		SELECT gen_random_uuid(), g, 'bulk', now(), 'system', jsonb_build_object('n', g) FROM generate_series(1, $1::int) g`
	if _, err := pool.Exec(ctx, insert, 50); err != nil {
		t.Fatal(err)
	}
	tx, err := pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if _, err := tx.Exec(ctx, insert, 3); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if got := verifyChain(t, pool); !got.OK || got.Events != 65 {
		t.Fatalf("after bulk inserts: %+v", got)
	}
	if _, err := pool.Exec(ctx, `BEGIN; SET LOCAL session_replication_role = replica;
		DELETE FROM audit_events WHERE chain_seq = 65; COMMIT`); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, insert, 2); err != nil {
		t.Fatal(err)
	}
	if got := verifyChain(t, pool); got.OK || got.FirstBadSeq == nil || *got.FirstBadSeq != 65 {
		t.Fatalf("newest event deleted, then two appended: %+v, want first_bad_seq 65", got)
	}
}
