package gateway

// The tamper-evident audit trail (issue 11), shown against the real stack.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"skillcert"
	"skillcert/internal/devstack"
)

// verifyResult calls the verification route.
func verifyResult(t *testing.T, g *testGateway, token string) skillcert.AuditVerification {
	t.Helper()
	// Not t.Context(): the test's cleanup verifies too, after that context is canceled.
	return must(g.as(token).VerifyAudit(context.Background()))(t)
}

// TestAuditTamperEvident: editing or deleting one audit row by SQL as the superuser makes the verification
// name it; the export verifies offline the same way. Each change is undone afterwards.
func TestAuditTamperEvident(t *testing.T) {
	s := newStaffCase(t, "满洲里市")
	g := s.g
	s.submitted(t, "蒋十", 5)
	supervisor := s.staff(t, roleSupervisor, "", "")
	if v := verifyResult(t, g, s.admin); !v.OK || v.Events < 3 || v.FirstBadSeq != nil {
		t.Fatalf("intact trail: %+v", v)
	}
	if v := verifyResult(t, g, supervisor.Token); !v.OK {
		t.Fatalf("supervisor: %+v", v)
	}
	wantAPIError(t, errOf(g.as(s.prov.Token).VerifyAudit(t.Context())), 403, "forbidden", "")

	pool := testDB(t, g)
	ctx := context.Background()
	asSuperuser := func(sql string, args ...any) {
		t.Helper()
		if err := devstack.ExecWithoutTriggers(ctx, pool, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	var victim int64
	var reason *string
	if err := pool.QueryRow(ctx, `SELECT chain_seq, reason FROM audit_events ORDER BY chain_seq DESC OFFSET 2 LIMIT 1`).Scan(&victim, &reason); err != nil {
		t.Fatal(err)
	}

	asSuperuser(`UPDATE audit_events SET reason = 'edited by hand' WHERE chain_seq = $1`, victim)
	if v := verifyResult(t, g, s.admin); v.OK || v.FirstBadSeq == nil || *v.FirstBadSeq != victim {
		t.Fatalf("after editing event %d: %+v", victim, v)
	}
	if v := exportVerification(t, g, s.admin); v.OK || *v.FirstBadSeq != victim {
		t.Fatalf("offline, after editing event %d: %+v", victim, v)
	}
	asSuperuser(`UPDATE audit_events SET reason = $2 WHERE chain_seq = $1`, victim, reason)
	if v := verifyResult(t, g, s.admin); !v.OK {
		t.Fatalf("after undoing the edit: %+v", v)
	}

	asSuperuser(`CREATE TABLE audit_saved_by_test AS SELECT * FROM audit_events WHERE chain_seq = $1`, victim)
	asSuperuser(`DELETE FROM audit_events WHERE chain_seq = $1`, victim)
	t.Cleanup(func() {
		asSuperuser(`INSERT INTO audit_events SELECT * FROM audit_saved_by_test`)
		asSuperuser(`DROP TABLE audit_saved_by_test`)
		if v := verifyResult(t, g, s.admin); !v.OK {
			t.Errorf("after restoring the deleted event: %+v", v)
		}
	})
	if v := verifyResult(t, g, s.admin); v.OK || v.FirstBadSeq == nil || *v.FirstBadSeq != victim {
		t.Fatalf("after deleting event %d: %+v", victim, v)
	}
	if v := exportVerification(t, g, s.admin); v.OK || *v.FirstBadSeq != victim {
		t.Fatalf("offline, after deleting event %d: %+v", victim, v)
	}
}

// exportVerification downloads the export and checks it as `make audit-verify` does.
func exportVerification(t *testing.T, g *testGateway, token string) skillcert.AuditVerification {
	t.Helper()
	export, _ := must2(g.as(token).Download(t.Context(), "/api/v1/admin/exports/audit.jsonl"))(t)
	sc := bufio.NewScanner(bytes.NewReader(export))
	sc.Buffer(nil, 16<<20)
	if !sc.Scan() {
		t.Fatal("empty export")
	}
	var h skillcert.AuditExportHeader
	if err := json.Unmarshal(sc.Bytes(), &h); err != nil || h.Format != skillcert.AuditExportFormat {
		t.Fatalf("export header %s: %v", sc.Bytes(), err)
	}
	var v skillcert.AuditVerifier
	for sc.Scan() {
		var rec skillcert.AuditRecord
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatal(err)
		}
		v.Add(rec)
	}
	return v.Finish(h.HeadSeq, h.HeadHash)
}
