package activities

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"skillcert"
	"skillcert/schema/db"
)

// countQueries read the counter rows that are not zero, and the same groups counted from the applications
// themselves, as "key columns" → count: the detailed counters and the summary ones.
var countQueries = []struct{ counters, fromScratch string }{
	{`SELECT concat_ws('|', region, level, status, batch_id, occupation_code), count FROM application_counts WHERE count <> 0`,
		`SELECT concat_ws('|', region, level, status, batch_id, occupation_code), count(*) FROM applications
		 GROUP BY region, level, status, batch_id, occupation_code`},
	{`SELECT concat_ws('|', region, level, status), count FROM application_status_counts WHERE count <> 0`,
		`SELECT concat_ws('|', region, level, status), count(*) FROM applications GROUP BY region, level, status`},
}

func countGroups(t *testing.T, pool *pgxpool.Pool, q string) map[string]int64 {
	t.Helper()
	rows, err := pool.Query(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			t.Fatal(err)
		}
		out[k] = n
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// compareCounts fails when the counters differ from a count of the applications.
func compareCounts(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	for _, cq := range countQueries {
		got, want := countGroups(t, pool, cq.counters), countGroups(t, pool, cq.fromScratch)
		for k, n := range want {
			if got[k] != n {
				t.Errorf("group %s: counter %d, applications %d", k, got[k], n)
			}
		}
		for k, n := range got {
			if _, ok := want[k]; !ok {
				t.Errorf("group %s: counter %d, no applications", k, n)
			}
		}
		if len(want) < 10 {
			t.Errorf("only %d groups: the run did not spread", len(want))
		}
	}
}

// countWorld is the reference data of a random run: regions, occupations, batches.
type countWorld struct {
	regions, batches, occs []string
}

func newCountWorld(t *testing.T, pool *pgxpool.Pool) countWorld {
	t.Helper()
	ctx := context.Background()
	w := countWorld{regions: []string{"包头市"}, batches: []string{"b1", "b2"}, occs: []string{"6-31-01-03", "4-01-01-01"}}
	for _, q := range []string{
		`INSERT INTO regions VALUES ('呼和浩特市', 1), ('赤峰市', 3)`,
		`INSERT INTO occupations (code, name, levels) VALUES ('4-01-01-01', '秘书', '{5,4,3}')`,
		`INSERT INTO batches VALUES ('b2', '2026-2', now(), now() + interval '10 days', now(), now() + interval '20 days', now() + interval '30 days')`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatal(q, err)
		}
	}
	w.regions = append(w.regions, "呼和浩特市", "赤峰市")
	return w
}

// phones numbers the applicants of random cases.
var phones atomic.Int64

// randomCase writes one application's life in random steps: the first write, then newer states (random
// statuses, sometimes the same one), late and repeated writes of older states, and now and then two writes
// of the same application at once; a certified case may be revoked. Every applicant is new, so no write is a
// duplicate.
func randomCase(ctx context.Context, a *Activities, pool *pgxpool.Pool, w countWorld, rng *rand.Rand) error {
	applicant := uuid.NewString()
	phone := fmt.Sprintf("139%08d", phones.Add(1))
	if _, err := pool.Exec(ctx, `INSERT INTO users (id, role, phone, name, password_hash) VALUES ($1, 'applicant', $2, '某', 'x')`,
		applicant, phone); err != nil {
		return err
	}
	app := uuid.NewString()
	row := ApplicationRow{ApplicantID: applicant, BatchID: w.batches[rng.IntN(len(w.batches))],
		Region: w.regions[rng.IntN(len(w.regions))], Employer: "单位", OccupationCode: w.occs[rng.IntN(len(w.occs))],
		Level: 3 + rng.IntN(3), Pathway: "standard"}
	rec := func(seq int64, status skillcert.Status) TransitionRecord {
		r := row
		r.Status, r.View = string(status), map[string]any{"seq": seq}
		return TransitionRecord{ApplicationID: app, Seq: seq, At: time.Now().UTC(), Action: "step", ToStatus: string(status),
			ActorRole: "system", Row: r}
	}
	statuses := skillcert.AllStatuses
	written := []TransitionRecord{rec(1, skillcert.StatusDraft)}
	if err := a.RecordTransition(ctx, written[0]); err != nil {
		return err
	}
	steps := rng.IntN(8)
	for seq := int64(2); seq <= int64(steps)+1; seq++ {
		next := rec(seq, statuses[rng.IntN(len(statuses))])
		switch rng.IntN(4) {
		case 0: // a late or repeated write of an older state
			if err := a.RecordTransition(ctx, written[rng.IntN(len(written))]); err != nil {
				return err
			}
		case 1: // this write and the next one at once
			later := rec(seq+1, statuses[rng.IntN(len(statuses))])
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, r := range []TransitionRecord{next, later} {
				wg.Add(1)
				go func() { defer wg.Done(); errs[i] = a.RecordTransition(ctx, r) }()
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					return err
				}
			}
			written = append(written, next, later)
			seq++
			continue
		}
		if err := a.RecordTransition(ctx, next); err != nil {
			return err
		}
		written = append(written, next)
	}
	if written[len(written)-1].ToStatus == string(skillcert.StatusCertified) && rng.IntN(2) == 0 {
		_, err := a.RevokeApplication(ctx, RevocationInput{ApplicationID: app, Reason: "伪造", ActorRole: "admin", At: time.Now().UTC()})
		return err
	}
	return nil
}

// runRandomCases drives n random cases through the real activities, workers at a time, and returns the
// first error.
func runRandomCases(a *Activities, pool *pgxpool.Pool, w countWorld, n, workers int, seed uint64) error {
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(i)))
			for j := i; j < n; j += workers {
				if err := randomCase(ctx, a, pool, w, rng); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	return <-errs // nil when closed empty
}

// TestCountersMatchRecountAfterRandomRun: after many random transitions, late and repeated writes, writes of
// one application at once and revocations, by several workers at once through the real activities and
// Postgres, the statistics counters equal a count of the applications from scratch, and the statistics
// query answers from them.
func TestCountersMatchRecountAfterRandomRun(t *testing.T) {
	pool, _ := testPool(t)
	a := &Activities{Pool: pool}
	w := newCountWorld(t, pool)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	if err := runRandomCases(a, pool, w, 300, 8, seed); err != nil {
		t.Fatal(err)
	}
	compareCounts(t, pool)

	// The statistics query sums the counters: by region alone it gives each region's applications.
	rows, err := db.New(pool).CountApplicationsGrouped(context.Background(), db.CountApplicationsGroupedParams{ByRegion: true})
	if err != nil {
		t.Fatal(err)
	}
	var total int64
	for _, r := range rows {
		var n int64
		if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM applications WHERE region = $1`, r.Region).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if r.Count != n || r.Level != 0 || r.Status != "" {
			t.Errorf("stats row %+v: want count %d and only the region", r, n)
		}
		total += r.Count
	}
	if total != 300 || len(rows) != len(w.regions) {
		t.Errorf("stats by region: %d rows totalling %d, want %d rows totalling 300", len(rows), total, len(w.regions))
	}
	// By batch it reads the detailed counters.
	rows, err = db.New(pool).CountApplicationsGrouped(context.Background(), db.CountApplicationsGroupedParams{ByBatch: true})
	if err != nil {
		t.Fatal(err)
	}
	total = 0
	for _, r := range rows {
		var n int64
		if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM applications WHERE batch_id = $1`, r.BatchID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if r.Count != n || r.Region != "" {
			t.Errorf("stats row %+v: want count %d and only the batch", r, n)
		}
		total += r.Count
	}
	if total != 300 || len(rows) != len(w.batches) {
		t.Errorf("stats by batch: %d rows totalling %d, want %d rows totalling 300", len(rows), total, len(w.batches))
	}
}

// TestRebuildCountsWhileTransitionsRun: counters that are wrong (a restore, a bulk load) are recounted by
// RebuildApplicationCounts while cases keep moving, and afterwards agree with the applications.
func TestRebuildCountsWhileTransitionsRun(t *testing.T) {
	pool, _ := testPool(t)
	a := &Activities{Pool: pool}
	w := newCountWorld(t, pool)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	if err := runRandomCases(a, pool, w, 60, 4, seed); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(context.Background(), `UPDATE application_counts SET count = count + 7`); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- runRandomCases(a, pool, w, 120, 4, seed+1) }()
	for i := 0; i < 5; i++ {
		if err := RebuildApplicationCounts(context.Background(), db.New(pool)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	compareCounts(t, pool)
}
