package activities

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/temporal"

	"skillcert"
	"skillcert/internal/devstack"
	"skillcert/schema"
)

func TestMain(m *testing.M) { os.Exit(devstack.Main(m)) }

// testPool is a migrated database on the real test stack with one applicant, region, occupation and batch.
func testPool(t testing.TB) (*pgxpool.Pool, string) {
	t.Helper()
	stack := devstack.ForTest(t)
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, stack.TestDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	if err := schema.Migrate(ctx, pool); err != nil {
		t.Fatal(err)
	}
	applicant := uuid.NewString()
	for _, q := range []string{
		`INSERT INTO regions VALUES ('包头市', 2)`,
		`INSERT INTO occupations (code, name, levels) VALUES ('6-31-01-03', '电工', '{5,4,3,2,1}')`,
		`INSERT INTO batches VALUES ('b1', '2026', now(), now() + interval '10 days', now(), now() + interval '20 days', now() + interval '30 days')`,
	} {
		if _, err := pool.Exec(ctx, q); err != nil {
			t.Fatal(q, err)
		}
	}
	if _, err := pool.Exec(ctx, `INSERT INTO users (id, role, phone, name, password_hash) VALUES ($1, 'applicant', '13800000000', '张三', 'x')`, applicant); err != nil {
		t.Fatal(err)
	}
	return pool, applicant
}

func record(appID, applicant string, seq int64, status skillcert.Status, tasks ...TaskSpec) TransitionRecord {
	view := map[string]any{"seq": seq}
	return TransitionRecord{
		ApplicationID: appID, Seq: seq, At: time.Now().UTC().Truncate(time.Millisecond), Action: "step", ToStatus: status,
		ActorRole: "system", Tasks: tasks,
		Row: ApplicationRow{ApplicantID: applicant, BatchID: "b1", Region: "包头市", Employer: "单位", OccupationCode: "6-31-01-03",
			Level: 5, Pathway: "standard", Status: status, View: view},
	}
}

func TestRecordTransitionIsOrderedAndIdempotent(t *testing.T) {
	pool, applicant := testPool(t)
	ctx := context.Background()
	a := &Activities{Pool: pool}
	app := uuid.NewString()
	task := TaskSpec{ID: uuid.NewString(), Type: "preliminary_review", Role: "city_reviewer", Region: "包头市"}
	if err := a.RecordTransition(ctx, record(app, applicant, 1, "draft")); err != nil {
		t.Fatal(err)
	}
	if err := a.RecordTransition(ctx, record(app, applicant, 3, "re_review")); err != nil {
		t.Fatal(err)
	}
	// A late write of seq 2 (a retry that lost a race) must not overwrite seq 3, nor open its task.
	if err := a.RecordTransition(ctx, record(app, applicant, 2, "preliminary_review", task)); err != nil {
		t.Fatal(err)
	}
	// Retrying seq 3 changes nothing and adds no second audit event.
	if err := a.RecordTransition(ctx, record(app, applicant, 3, "re_review")); err != nil {
		t.Fatal(err)
	}
	var status string
	var seq int64
	if err := pool.QueryRow(ctx, `SELECT status, seq FROM applications WHERE id = $1`, app).Scan(&status, &seq); err != nil {
		t.Fatal(err)
	}
	if status != "re_review" || seq != 3 {
		t.Fatalf("row at %s #%d, want re_review #3", status, seq)
	}
	var audits, tasks int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE application_id = $1`, app).Scan(&audits)
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM tasks WHERE application_id = $1`, app).Scan(&tasks)
	if audits != 3 || tasks != 0 {
		t.Fatalf("audit events %d (want 3), tasks %d (want 0)", audits, tasks)
	}
	if _, err := pool.Exec(ctx, `UPDATE audit_events SET reason = 'x'`); err == nil {
		t.Fatal("audit_events accepted an UPDATE")
	}
}

func TestRecordTransitionTasks(t *testing.T) {
	pool, applicant := testPool(t)
	ctx := context.Background()
	a := &Activities{Pool: pool}
	app := uuid.NewString()
	first := TaskSpec{ID: uuid.NewString(), Type: "preliminary_review", Role: "city_reviewer", Region: "包头市"}
	second := TaskSpec{ID: uuid.NewString(), Type: "re_review", Role: "provincial_reviewer", Region: "包头市"}
	_ = a.RecordTransition(ctx, record(app, applicant, 1, "draft"))
	_ = a.RecordTransition(ctx, record(app, applicant, 2, "preliminary_review", first))
	rec := record(app, applicant, 3, "re_review", second)
	rec.CompletedTaskID, rec.ActorID = first.ID, applicant
	if err := a.RecordTransition(ctx, rec); err != nil {
		t.Fatal(err)
	}
	rows, err := pool.Query(ctx, `SELECT id, status FROM tasks WHERE application_id = $1`, app)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for rows.Next() {
		var id, st string
		_ = rows.Scan(&id, &st)
		got[id] = st
	}
	if got[first.ID] != "completed" || got[second.ID] != "open" || len(got) != 2 {
		t.Fatalf("tasks %v", got)
	}
}

func TestDuplicateActiveApplicationRefused(t *testing.T) {
	pool, applicant := testPool(t)
	ctx := context.Background()
	a := &Activities{Pool: pool}
	first, second := uuid.NewString(), uuid.NewString()
	if err := a.RecordTransition(ctx, record(first, applicant, 1, "draft")); err != nil {
		t.Fatal(err)
	}
	err := a.RecordTransition(ctx, record(second, applicant, 1, "draft"))
	var appErr *temporal.ApplicationError
	if !errors.As(err, &appErr) || appErr.Type() != ErrDuplicate || !appErr.NonRetryable() {
		t.Fatalf("got %v, want a non-retryable duplicate error", err)
	}
	var existing string
	if err := appErr.Details(&existing); err != nil || existing != first {
		t.Fatalf("details %q %v, want %s", existing, err, first)
	}
	// Once the first is withdrawn, a new application is welcome.
	if err := a.RecordTransition(ctx, record(first, applicant, 2, "withdrawn")); err != nil {
		t.Fatal(err)
	}
	if err := a.RecordTransition(ctx, record(second, applicant, 1, "draft")); err != nil {
		t.Fatalf("after withdrawal: %v", err)
	}
}

func TestIssueCertificateOnceAndRevoke(t *testing.T) {
	pool, applicant := testPool(t)
	ctx := context.Background()
	a := &Activities{Pool: pool}
	app := uuid.NewString()
	_ = a.RecordTransition(ctx, record(app, applicant, 1, "draft"))
	in := IssueInput{ApplicationID: app, ApplicantID: applicant, OccupationCode: "6-31-01-03", OccupationName: "电工",
		Level: skillcert.Level3, IssuedOn: skillcert.Date{Year: 2026, Month: 11, Day: 28}, SiteCode: "000001"}
	n1, err := a.IssueCertificate(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	n2, err := a.IssueCertificate(ctx, in)
	if err != nil || n2 != n1 {
		t.Fatalf("retry issued %q (%v), want %q", n2, err, n1)
	}
	perm, _ := skillcert.NewSerialPermutation(devCertSerialKey) // no key configured: the development key
	first, _ := perm.Serial("000001", 2026, skillcert.Level3, 1)
	cn, err := skillcert.ParseCertificateNumber(n1)
	if err != nil || cn.Level != skillcert.Level3 || cn.Year != 2026 || cn.Serial != first {
		t.Fatalf("number %s parsed %+v %v", n1, cn, err)
	}
	var masked, status string
	_ = pool.QueryRow(ctx, `SELECT name_masked, status FROM certificates WHERE number = $1`, n1).Scan(&masked, &status)
	if masked != skillcert.MaskName("张三") || status != "valid" {
		t.Fatalf("registry row %q %q", masked, status)
	}
	if err := a.RevokeCertificate(ctx, RevokeInput{ApplicationID: app, Reason: "伪造", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	_ = pool.QueryRow(ctx, `SELECT status FROM certificates WHERE number = $1`, n1).Scan(&status)
	if status != "revoked" {
		t.Fatalf("after revocation: %s", status)
	}
}
