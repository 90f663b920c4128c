package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"skillcert"
	"skillcert/schema"
)

// loadedProjection is what was loaded, and what the measurements need from it.
type loadedProjection struct {
	Applications int                `json:"applications"`
	Applicants   int                `json:"applicants"`
	OpenTasks    int                `json:"open_tasks"`
	Certificates int                `json:"certificates"`
	AuditEvents  int                `json:"audit_events"`
	ExamSessions int                `json:"exam_sessions"`
	ExamSeats    int                `json:"exam_seats"`
	AuditSecs    float64            `json:"audit_load_seconds"`         // part of LoadSeconds
	ExamSecs     float64            `json:"exam_sessions_load_seconds"` // part of LoadSeconds
	LoadSeconds  float64            `json:"load_seconds"`
	VacuumSecs   float64            `json:"vacuum_analyze_seconds"`
	AllVisible   map[string]float64 `json:"all_visible_share"` // pages marked all-visible after VACUUM
	TableSizes   map[string]int     `json:"table_mib"`
	certNumbers  []string           // a sample of certificate numbers to verify
	inboxRegion  string             // region of the city reviewer whose inbox is measured
}

// loadProjection migrates the database and fills it with apps applications and about tasks open tasks.
func loadProjection(ctx context.Context, pool *pgxpool.Pool, apps, tasks int, now time.Time) (loadedProjection, error) {
	var out loadedProjection
	start := time.Now()
	if err := schema.Migrate(ctx, pool); err != nil {
		return out, err
	}
	batches := projBatches(now)
	if err := loadReference(ctx, pool, batches, now); err != nil {
		return out, err
	}
	rng := rand.New(rand.NewPCG(20220621, 1))
	cat := projCatalog{batches: batches, occs: skillcert.SeedOccupations(), regions: regionMix()}
	applicants := (apps + 1) / 2

	// Autovacuum stays out of the way while loading, so the final VACUUM finds no automatic ANALYZE holding
	// back the horizon (it could not mark the new rows all-visible then; index-only scans need that).
	for _, t := range bigTables {
		if _, err := pool.Exec(ctx, "ALTER TABLE "+t+" SET (autovacuum_enabled = false)"); err != nil {
			return out, fmt.Errorf("pause autovacuum on %s: %w", t, err)
		}
	}
	// Users first (applications reference them), then applications, tasks and certificates in one pass
	// over the generated applications, kept in memory only as far as the later tables need them.
	applicantIDs := make([]uuid.UUID, applicants)
	if err := copyUsers(ctx, pool, rng, applicantIDs); err != nil {
		return out, err
	}
	rows := make([]appRow, 0, apps)
	views := viewCache{}
	serials := map[string]int{}
	for i := 0; i < apps; i++ {
		avoid := -1
		if i%2 == 1 {
			avoid = int(rows[i-1].batch)
		}
		r := cat.genApp(rng, applicantIDs[i/2], avoid)
		if r.status == skillcert.StatusCertified || r.status == skillcert.StatusRevoked {
			year := r.updated.In(skillcert.ChinaZone).Year()
			key := fmt.Sprintf("%d|%d", year, r.level)
			serials[key]++
			n, err := skillcert.NewCertificateNumber("000001", year, skillcert.Level(r.level), serials[key])
			if err != nil {
				return out, fmt.Errorf("certificate number: %w", err)
			}
			r.certificate = n.String()
		}
		rows = append(rows, r)
	}
	n, err := pool.CopyFrom(ctx, pgx.Identifier{"applications"}, []string{"id", "applicant_id", "batch_id", "region",
		"employer", "occupation_code", "level", "pathway", "status", "seq", "view", "certificate_number", "created_at", "updated_at"},
		pgx.CopyFromSlice(len(rows), func(i int) ([]any, error) {
			r := rows[i]
			var cert *string
			if r.certificate != "" {
				cert = &r.certificate
			}
			occ := cat.occupationOf(r)
			return []any{r.id, r.applicant, cat.batchOf(r).id, cat.regionOf(r), cat.employerOf(r), occ.Code, int32(r.level),
				string(r.pathway), string(r.status), int64(5 + i%20), views.view(r, occ), cert, r.createdAt, r.updated}, nil
		}))
	if err != nil {
		return out, fmt.Errorf("copy applications: %w", err)
	}
	out.Applications, out.Applicants = int(n), applicants
	if out.OpenTasks, err = copyTasks(ctx, pool, rng, cat, rows, tasks); err != nil {
		return out, err
	}
	if out.Certificates, out.certNumbers, err = copyCertificates(ctx, pool, rng, cat, rows); err != nil {
		return out, err
	}
	auditStart := time.Now()
	if out.AuditEvents, err = copyAudit(ctx, pool, rng, cat, rows); err != nil { // projection_audit.go
		return out, err
	}
	out.AuditSecs = round2(time.Since(auditStart).Seconds())
	examStart := time.Now()
	if out.ExamSessions, out.ExamSeats, err = copyExamSessions(ctx, pool, rng, cat, rows); err != nil { // projection_exams.go
		return out, err
	}
	out.ExamSecs = round2(time.Since(examStart).Seconds())
	if err := countProjection(ctx, pool); err != nil {
		return out, err
	}
	out.LoadSeconds = round2(time.Since(start).Seconds())
	vacuum := time.Now()
	if out.AllVisible, err = vacuumAll(ctx, pool); err != nil {
		return out, err
	}
	out.VacuumSecs = round2(time.Since(vacuum).Seconds())
	out.inboxRegion = skillcert.Regions[0] // the largest region
	out.TableSizes = map[string]int{}
	for _, t := range bigTables {
		var size int64
		if err := pool.QueryRow(ctx, "SELECT pg_total_relation_size($1::regclass)", t).Scan(&size); err != nil {
			return out, fmt.Errorf("size of %s: %w", t, err)
		}
		out.TableSizes[t] = int(size / MiB)
	}
	return out, nil
}

// bigTables are the tables the synthetic data fills.
var bigTables = []string{"users", "applications", "tasks", "certificates", "audit_events", "exam_sessions", "exam_seats"}

// vacuumAll waits for running autovacuum workers of the database, vacuums and analyzes the big tables,
// turns autovacuum back on, and returns the share of each table's pages marked all-visible (a steady
// state, as autovacuum keeps it; index-only scans read the heap for the other pages).
func vacuumAll(ctx context.Context, pool *pgxpool.Pool) (map[string]float64, error) {
	for wait := 0; wait < 120; wait++ {
		var busy int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND backend_type = 'autovacuum worker'`).Scan(&busy); err != nil {
			return nil, fmt.Errorf("autovacuum activity: %w", err)
		}
		if busy == 0 {
			break
		}
		time.Sleep(time.Second)
	}
	visible := map[string]float64{}
	for _, t := range bigTables {
		if _, err := pool.Exec(ctx, "VACUUM (ANALYZE) "+t); err != nil {
			return nil, fmt.Errorf("vacuum %s: %w", t, err)
		}
		if _, err := pool.Exec(ctx, "ALTER TABLE "+t+" RESET (autovacuum_enabled)"); err != nil {
			return nil, fmt.Errorf("resume autovacuum on %s: %w", t, err)
		}
		var share float64
		if err := pool.QueryRow(ctx, `SELECT coalesce(relallvisible::float8 / nullif(relpages, 0), 1) FROM pg_class
			WHERE oid = $1::regclass`, t).Scan(&share); err != nil {
			return nil, fmt.Errorf("visibility of %s: %w", t, err)
		}
		visible[t] = round2(share)
	}
	return visible, nil
}

// loadReference inserts the regions, the occupations and the batches the rows refer to.
func loadReference(ctx context.Context, pool *pgxpool.Pool, batches []projBatch, now time.Time) error {
	for i, r := range skillcert.Regions {
		if _, err := pool.Exec(ctx, `INSERT INTO regions (name, sort_order) VALUES ($1, $2) ON CONFLICT DO NOTHING`, r, i+1); err != nil {
			return fmt.Errorf("insert region: %w", err)
		}
	}
	for _, o := range skillcert.SeedOccupations() {
		levels := make([]int32, len(o.Levels))
		for i, l := range o.Levels {
			levels[i] = int32(l)
		}
		if _, err := pool.Exec(ctx, `INSERT INTO occupations (code, name, levels) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
			o.Code, o.Name, levels); err != nil {
			return fmt.Errorf("insert occupation: %w", err)
		}
	}
	day := 24 * time.Hour
	for _, b := range batches {
		closes := b.opens.Add(30 * day)
		if b.running {
			closes = now.Add(30 * day)
		}
		if _, err := pool.Exec(ctx, `INSERT INTO batches (id, name, registration_opens_at, registration_closes_at,
			payment_opens_at, payment_closes_at, exam_starts_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
			b.id, "压力测试批次 "+b.id, b.opens, closes, b.opens, closes.Add(10*day), closes.Add(20*day)); err != nil {
			return fmt.Errorf("insert batch: %w", err)
		}
	}
	return nil
}

// copyUsers loads the applicants (they never log in: the password hash is a placeholder).
func copyUsers(ctx context.Context, pool *pgxpool.Pool, rng *rand.Rand, ids []uuid.UUID) error {
	for i := range ids {
		ids[i] = uuidFrom(rng)
	}
	_, err := pool.CopyFrom(ctx, pgx.Identifier{"users"}, []string{"id", "role", "phone", "name", "id_number_hash",
		"id_number_masked", "password_hash"},
		pgx.CopyFromSlice(len(ids), func(i int) ([]any, error) {
			return []any{ids[i], "applicant", fmt.Sprintf("137%08d", i), personName(i), fmt.Sprintf("bench-%d", i),
				"1501**********" + fmt.Sprintf("%04d", i%10000), "$argon2id$placeholder"}, nil
		}))
	if err != nil {
		return fmt.Errorf("copy users: %w", err)
	}
	return nil
}

// copyTasks loads exactly target open tasks (or every candidate, when there are fewer) chosen evenly
// among the tasks the running batch's applications have, by selection sampling.
func copyTasks(ctx context.Context, pool *pgxpool.Pool, rng *rand.Rand, cat projCatalog, rows []appRow, target int) (int, error) {
	type taskRow struct {
		id, app   uuid.UUID
		applicant uuid.UUID
		spec      taskSpec
		region    string
		createdAt time.Time
	}
	candidates := 0
	for _, r := range rows {
		candidates += len(openTasks(r.status))
	}
	tasks := make([]taskRow, 0, min(target, candidates))
	seen := 0
	for _, r := range rows {
		for _, s := range openTasks(r.status) {
			// Take this one with probability (still needed) / (still to see): exactly target in the end.
			if rng.IntN(candidates-seen) < target-len(tasks) {
				tasks = append(tasks, taskRow{id: uuidFrom(rng), app: r.id, applicant: r.applicant, spec: s, region: cat.regionOf(r), createdAt: r.updated})
			}
			seen++
		}
	}
	n, err := pool.CopyFrom(ctx, pgx.Identifier{"tasks"}, []string{"id", "application_id", "type", "status", "role",
		"region", "seq", "created_at", "applicant_id"},
		pgx.CopyFromSlice(len(tasks), func(i int) ([]any, error) {
			t := tasks[i]
			return []any{t.id, t.app, t.spec.typ, "open", t.spec.role, t.region, int64(3), t.createdAt, t.applicant}, nil
		}))
	if err != nil {
		return 0, fmt.Errorf("copy tasks: %w", err)
	}
	return int(n), nil
}

// copyCertificates loads the certificates of the certified (and revoked) applications and returns a sample
// of their numbers.
func copyCertificates(ctx context.Context, pool *pgxpool.Pool, rng *rand.Rand, cat projCatalog, rows []appRow) (int, []string, error) {
	var certs []appRow
	for _, r := range rows {
		if r.certificate != "" {
			certs = append(certs, r)
		}
	}
	n, err := pool.CopyFrom(ctx, pgx.Identifier{"certificates"}, []string{"number", "application_id", "applicant_id",
		"name_masked", "occupation_code", "occupation_name", "level", "issued_on", "status"},
		pgx.CopyFromSlice(len(certs), func(i int) ([]any, error) {
			r := certs[i]
			status := "valid"
			if r.status == skillcert.StatusRevoked {
				status = "revoked"
			}
			occ := cat.occupationOf(r)
			return []any{r.certificate, r.id, r.applicant, skillcert.MaskName(personName(i)), occ.Code,
				occ.Name, int32(r.level), r.updated, status}, nil
		}))
	if err != nil {
		return 0, nil, fmt.Errorf("copy certificates: %w", err)
	}
	sample := make([]string, 0, 5000)
	for len(sample) < 5000 && len(certs) > 0 {
		sample = append(sample, certs[rng.IntN(len(certs))].certificate)
	}
	return int(n), sample, nil
}
