package main

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/api/workflowservice/v1"
)

// projectionTables are the tables reproject rebuilds and how their rows of a set of cases ($1, uuid[]) are
// selected. Serial IDs (audit_events.id, notifications.id) are left out: rebuilt rows get new ones. So are
// payments.received_at (the database clock) and the outbox's delivery state (deploy/OPERATIONS.md says why).
var projectionTables = []struct{ name, rows string }{
	{"applications", `SELECT to_jsonb(x) FROM applications x WHERE id = ANY($1)`},
	{"tasks", `SELECT to_jsonb(x) FROM tasks x WHERE application_id = ANY($1)`},
	// The audit's hash chain runs across all cases: rebuilt events are appended at the chain's head, so their
	// chain position and hashes are new (OPERATIONS.md, "Audit hash chain"); their content is compared.
	{"audit_events", `SELECT to_jsonb(x) - 'id' - 'chain_seq' - 'hash' - 'prev_hash' FROM audit_events x WHERE application_id = ANY($1)`},
	// The outbox's delivery state (set by the workers' sender) is not in the workflows: rebuilt rows are unsent.
	{"notifications", `SELECT to_jsonb(x) - 'id' - 'sent_at' - 'attempts' - 'next_attempt_at' - 'leased_by' - 'leased_until' - 'last_error' - 'dead_at'
		FROM notifications x WHERE application_id = ANY($1)`},
	{"certificates", `SELECT to_jsonb(x) FROM certificates x WHERE application_id = ANY($1)`},
	{"payment_orders", `SELECT to_jsonb(x) FROM payment_orders x WHERE application_id = ANY($1)`},
	{"payments", `SELECT to_jsonb(x) - 'received_at' FROM payments x WHERE application_id = ANY($1)`},
	{"certificate_serials", `SELECT to_jsonb(x) FROM certificate_serials x WHERE $1::uuid[] IS NOT NULL`},
}

// snapshot is every projection row of the cases, as sorted JSON per table.
type snapshot map[string][]string

func (w *world) snapshot(t *testing.T, ids []string) snapshot {
	t.Helper()
	s := snapshot{}
	for _, tbl := range projectionTables {
		rows, err := w.pool.Query(context.Background(), tbl.rows, ids)
		if err != nil {
			t.Fatalf("snapshot %s: %v", tbl.name, err)
		}
		for rows.Next() {
			var raw []byte
			if err := rows.Scan(&raw); err != nil {
				t.Fatal(err)
			}
			s[tbl.name] = append(s[tbl.name], string(raw))
		}
		if err := rows.Err(); err != nil {
			t.Fatalf("snapshot %s: %v", tbl.name, err)
		}
		sort.Strings(s[tbl.name])
	}
	return s
}

// count is the number of rows per table.
func (s snapshot) count() string {
	var parts []string
	for _, tbl := range projectionTables {
		parts = append(parts, fmt.Sprintf("%s=%d", tbl.name, len(s[tbl.name])))
	}
	return strings.Join(parts, " ")
}

// diff describes the first differences between want and got, or "" when they are equal.
func (s snapshot) diff(got snapshot) string {
	var b bytes.Buffer
	for _, tbl := range projectionTables {
		w, g := s[tbl.name], got[tbl.name]
		if strings.Join(w, "\n") == strings.Join(g, "\n") {
			continue
		}
		fmt.Fprintf(&b, "%s: %d rows before, %d after\n", tbl.name, len(w), len(g))
		in := func(list []string, x string) bool {
			i := sort.SearchStrings(list, x)
			return i < len(list) && list[i] == x
		}
		shown := 0
		for _, r := range w {
			if !in(g, r) && shown < 3 {
				fmt.Fprintf(&b, "  lost:  %s\n", r)
				shown++
			}
		}
		for _, r := range g {
			if !in(w, r) && shown < 6 {
				fmt.Fprintf(&b, "  extra: %s\n", r)
				shown++
			}
		}
	}
	return b.String()
}

// deleteProjection deletes the cases' projection rows as a disaster would: the rows of every projection
// table, the append-only audit included (its trigger and the documents' foreign keys are bypassed by
// replica mode, which needs a superuser), and with serials the certificate serial counters.
func (w *world) deleteProjection(t *testing.T, ids []string, serials bool) {
	t.Helper()
	ctx := context.Background()
	tx, err := w.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	stmts := []string{`SET LOCAL session_replication_role = replica`}
	for _, tbl := range []string{"tasks", "audit_events", "notifications", "certificates", "payments", "payment_orders"} {
		stmts = append(stmts, "DELETE FROM "+tbl+" WHERE application_id = ANY($1)")
	}
	stmts = append(stmts, `DELETE FROM applications WHERE id = ANY($1)`)
	if serials {
		stmts = append(stmts, `DELETE FROM certificate_serials WHERE $1::uuid[] IS NOT NULL`)
	}
	for _, q := range stmts {
		var args []any
		if strings.Contains(q, "$1") {
			args = []any{ids}
		}
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}
}

// reproject runs the command as an operator would and returns its report.
func (w *world) reproject(t *testing.T, args ...string) string {
	t.Helper()
	var out bytes.Buffer
	if err := run(context.Background(), append([]string{"skillcert-admin", "reproject"}, args...), w.getenv, &out); err != nil {
		t.Fatalf("reproject %v: %v\n%s", args, err, out.String())
	}
	return out.String()
}

// TestReprojectRebuildsDeletedCases drives 50 cases through the real worker to five different stages,
// snapshots their projection, deletes it by SQL, rebuilds it with `reproject -all` and compares: every row
// of every table is back exactly. It then loses one case again and rebuilds only that one with -case, and
// checks that a reprojection over an intact projection changes nothing.
func TestReprojectRebuildsDeletedCases(t *testing.T) {
	w := startWorld(t)
	ids := w.driveCases(t, 50)
	before := w.snapshot(t, ids)
	t.Logf("projection of %d cases: %s", len(ids), before.count())
	for _, tbl := range []string{"applications", "tasks", "audit_events", "certificates", "payments", "certificate_serials"} {
		if len(before[tbl]) == 0 {
			t.Fatalf("no %s rows: the cases do not exercise the whole projection", tbl)
		}
	}
	var revoked int
	for _, c := range before["certificates"] {
		if strings.Contains(c, `"status": "revoked"`) {
			revoked++
		}
	}
	if revoked == 0 || revoked == len(before["certificates"]) {
		t.Fatalf("%d of %d certificates revoked: want both kinds", revoked, len(before["certificates"]))
	}

	w.deleteProjection(t, ids, true)
	if gone := w.snapshot(t, ids); gone.count() != (snapshot{}).count() {
		t.Fatalf("rows left after the delete: %s", gone.count())
	}
	report := w.reproject(t, "-all")
	t.Log(strings.TrimSpace(report))
	if !strings.Contains(report, "reprojected 50 cases") {
		t.Errorf("report: %s", report)
	}
	if d := before.diff(w.snapshot(t, ids)); d != "" {
		t.Fatalf("the rebuilt projection differs from the snapshot:\n%s", d)
	}
	if n := w.verifyCertificates(t); n != 0 {
		t.Errorf("%d certificate checks of OPERATIONS.md fail after the rebuild", n)
	}
	// The deleted rows left their counts behind; the rebuild recounts them.
	w.verifyCounts(t)
	w.exec(t, `UPDATE certificate_serials SET last = last - 1`) // the check must see a counter behind
	if n := w.verifyCertificates(t); n != 1 {
		t.Errorf("with a counter behind, %d certificate checks fail, want 1", n)
	}
	w.exec(t, `UPDATE certificate_serials SET last = last + 1`)

	// One case lost on its own (the counters of the other certificates survive: a rebuilt case never
	// lowers them).
	one := ids[len(ids)-1] // a revoked case: certificate, payments, completed and cancelled tasks
	w.deleteProjection(t, []string{one}, false)
	w.reproject(t, "-case", one)
	if d := before.diff(w.snapshot(t, ids)); d != "" {
		t.Fatalf("after rebuilding case %s alone:\n%s", one, d)
	}
	w.reproject(t, "-all")
	if d := before.diff(w.snapshot(t, ids)); d != "" {
		t.Fatalf("a reprojection over an intact projection changed it:\n%s", d)
	}

	w.verifyRunningCount(t)

	// A case without a workflow (never started, or past retention) is reported, and the command fails.
	var out bytes.Buffer
	err := run(context.Background(), []string{"skillcert-admin", "reproject", "-case", uuid.NewString()}, w.getenv, &out)
	if err == nil || !strings.Contains(out.String(), "FAILED application-") || !strings.Contains(out.String(), "no workflow") {
		t.Errorf("unknown case: error %v, report %s", err, out.String())
	}
}

// verifyCertificates runs the certificate checks of deploy/OPERATIONS.md ("Verify", 3) and returns how many
// found a problem (returned a row).
func (w *world) verifyCertificates(t *testing.T) int {
	t.Helper()
	problems := 0
	for _, q := range []string{
		`SELECT a.id FROM applications a LEFT JOIN certificates c ON c.application_id = a.id
		 WHERE a.status = 'certified' AND c.number IS NULL`,
		`SELECT k.* FROM (SELECT substr(number, 8, 6) AS site_code, 2000 + substr(number, 14, 2)::int AS year,
		                         substr(number, 16, 1)::int AS level, count(*) AS issued
		                  FROM certificates GROUP BY 1, 2, 3) k
		 LEFT JOIN certificate_serials s USING (site_code, year, level)
		 WHERE s.last IS NULL OR s.last < k.issued`,
	} {
		rows, err := w.pool.Query(context.Background(), q)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		if rows.Next() {
			problems++
		}
		rows.Close()
	}
	return problems
}

// verifyRunningCount runs check 2 of "Verify" in deploy/OPERATIONS.md: every case in a status that is not
// final has a running workflow, and a certified case may have one (until certified workflows complete).
func (w *world) verifyRunningCount(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	var open, certified int64
	if err := w.pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status NOT IN ('certified','rejected','expired','withdrawn','abandoned','revoked','failed')),
		count(*) FILTER (WHERE status = 'certified') FROM applications`).Scan(&open, &certified); err != nil {
		t.Fatal(err)
	}
	query := "WorkflowType='ApplicationWorkflow' AND ExecutionStatus='Running' AND TaskQueue='" + w.queue + "'"
	var running int64
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		resp, err := w.tc.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: query})
		if err != nil {
			t.Fatal(err)
		}
		if running = resp.GetCount(); running >= open && running <= open+certified || time.Now().After(deadline) {
			break
		}
	}
	if running < open || running > open+certified || open == 0 {
		t.Errorf("%d running workflows for %d open and %d certified applications", running, open, certified)
	}
}
