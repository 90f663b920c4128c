package gateway

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"skillcert"
	"skillcert/internal/devstack"
	"skillcert/web"
)

// Findings 7, 8, 9 and 15 of issue 11 and the tamper-evident audit trail, each shown against the real stack.

// TestFinding7BlindDoubleEntry: until the second operator has entered the score, the first entry's value is
// in neither the audit trail, the application, nor any task the second operator can read.
func TestFinding7BlindDoubleEntry(t *testing.T) {
	s := newStaffCase(t, "乌海市")
	g := s.g
	owner, id := s.paid(t, "冯七", 5)
	s.scoring(t, 5, id)
	const secret = "63.7"
	s.score(t, s.prov, id, "theory", 63.7).want(t, 200)
	views := map[string]string{
		"audit of the application": "/api/v1/admin/audit?application_id=" + id,
		"newest audit events":      "/api/v1/admin/audit?page_size=200",
		"application":              "/api/v1/applications/" + id,
		"tasks":                    "/api/v1/tasks?application_id=" + id,
		"score tasks":              "/api/v1/tasks?type=score_confirmation",
	}
	for name, path := range views {
		r := g.do(t, "GET", path, s.prov2.Token, nil).want(t, 200)
		if bytes.Contains(r.Raw, []byte(secret)) {
			t.Errorf("%s shows the first entry to the second operator: %s", name, r.Raw)
		}
	}
	if r := g.do(t, "GET", "/api/v1/admin/audit?application_id="+id, s.prov2.Token, nil); !bytes.Contains(r.Raw, []byte("score_entered")) {
		t.Fatalf("the first entry is not audited at all: %s", r.Raw)
	}
	s.score(t, s.prov2, id, "theory", 63.7).want(t, 200)
	// Once both entries are in, the agreed score is in the trail (and the application).
	if r := g.do(t, "GET", "/api/v1/admin/audit?application_id="+id, s.prov2.Token, nil).want(t, 200); !bytes.Contains(r.Raw, []byte(secret)) {
		t.Fatalf("the confirmed score is missing from the audit trail: %s", r.Raw)
	}
	if r := g.do(t, "GET", "/api/v1/applications/"+id, owner.Token, nil).want(t, 200); !bytes.Contains(r.Raw, []byte(secret)) {
		t.Fatalf("the confirmed score is missing from the application: %s", r.Raw)
	}
}

// TestFinding8CommitteeRecusalAndAccess: recusal compares normalised employers, and committee members read
// only applications with an open comprehensive review they may act on, without the ID-card scans.
func TestFinding8CommitteeRecusalAndAccess(t *testing.T) {
	s := newStaffCase(t, "锡林郭勒盟")
	g := s.g
	owner, id := s.paid(t, "褚八", 2)
	s.scoring(t, 2, id)
	employer := applicationBody(s.batch, s.region)["employer"].(string) // 呼和浩特市某局
	campus := s.staff(t, roleCommitteeMember, "", " 呼和浩特市 某局（新城校区） ")
	spaced := s.staff(t, roleCommitteeMember, "", "呼和浩特市　某局")
	member := s.staff(t, roleCommitteeMember, "", "锡林郭勒职业学院")
	app := "/api/v1/applications/" + id

	if strings.TrimSpace(employer) == "" {
		t.Fatal("no employer in the application body")
	}
	g.do(t, "GET", app, member.Token, nil).wantError(t, 404, "not_found", "") // still in scoring: no open review
	s.score(t, s.prov, id, "theory", 81).want(t, 200)
	s.score(t, s.prov2, id, "theory", 81).want(t, 200)
	s.score(t, s.city, id, "skill", 77).want(t, 200)
	if r := s.score(t, s.city2, id, "skill", 77).want(t, 200); r.str("status") != "comprehensive_review" {
		t.Fatalf("not in comprehensive review: %s", r.Raw)
	}

	for _, colleague := range []staffAccount{campus, spaced} {
		g.do(t, "POST", app+"/evaluations", colleague.Token, map[string]any{"score": 90, "comment": "同单位"}).wantError(t, 403, "forbidden", "")
		g.do(t, "GET", app, colleague.Token, nil).wantError(t, 404, "not_found", "")
		if r := g.do(t, "GET", "/api/v1/tasks?application_id="+id, colleague.Token, nil).want(t, 200); strings.Contains(string(r.Raw), id) {
			t.Fatalf("a colleague of the applicant has the review in the inbox: %s", r.Raw)
		}
	}
	if r := g.do(t, "GET", "/api/v1/tasks?application_id="+id, member.Token, nil).want(t, 200); !strings.Contains(string(r.Raw), id) {
		t.Fatalf("the review is missing from a member's inbox: %s", r.Raw)
	}

	view := g.do(t, "GET", app, member.Token, nil).want(t, 200)
	ownerView := g.do(t, "GET", app, owner.Token, nil).want(t, 200)
	docs := map[string]string{}
	for _, item := range ownerView.Body["checklist"].([]any) {
		it := item.(map[string]any)
		if d, _ := it["document_id"].(string); d != "" {
			docs[it["doc_type"].(string)] = d
		}
	}
	if bytes.Contains(view.Raw, []byte(owner.IDNumber)) {
		t.Fatalf("the application shows the full ID number to a committee member: %s", view.Raw)
	}
	for _, docType := range []string{"id_card_front", "id_card_back"} {
		if docs[docType] == "" {
			t.Fatalf("no %s in the checklist: %s", docType, ownerView.Raw)
		}
		g.do(t, "GET", app+"/documents/"+docs[docType], member.Token, nil).wantError(t, 404, "not_found", "")
		g.do(t, "GET", app+"/documents/"+docs[docType], s.prov.Token, nil).want(t, 302)
	}
	if r := g.do(t, "GET", app+"/documents/"+docs["photo"], member.Token, nil).want(t, 302); strings.Contains(r.Header.Get("Location"), owner.IDNumber[6:14]) {
		t.Fatalf("the photo's download name carries the ID number: %s", r.Header.Get("Location"))
	}

	for _, pdf := range []string{"/form.pdf", "/admission-ticket.pdf"} {
		if text := pdfText(t, g.do(t, "GET", app+pdf, member.Token, nil)); text != "" &&
			(strings.Contains(text, owner.IDNumber) || !strings.Contains(text, skillcert.MaskIDNumber(owner.IDNumber))) {
			t.Fatalf("%s shows a committee member the full ID number (or no masked one): %s", pdf, text)
		}
	}
	if text := pdfText(t, g.do(t, "GET", app+"/form.pdf", s.prov.Token, nil)); text != "" && !strings.Contains(text, owner.IDNumber) {
		t.Fatalf("the form lost the ID number for reviewers: %s", text)
	}
	g.do(t, "POST", app+"/evaluations", member.Token, map[string]any{"score": 75, "comment": "合格"}).want(t, 200)
	g.do(t, "GET", app, member.Token, nil).wantError(t, 404, "not_found", "") // nothing left to act on
	if r := g.do(t, "GET", "/api/v1/tasks?application_id="+id, member.Token, nil).want(t, 200); strings.Contains(string(r.Raw), id) {
		t.Fatalf("the member still has the review they scored in the inbox: %s", r.Raw)
	}
	g.do(t, "POST", app+"/evaluations", member.Token, map[string]any{"score": 75, "comment": "再评"}).wantError(t, 409, "conflict", "")
}

// TestFinding9CertificateVerification: ?name= answers name_matches without revealing the name, a blank
// name is refused, and the serial is not a count; the verification limiter answers 429 past its limit.
func TestFinding9CertificateVerification(t *testing.T) {
	s := newStaffCase(t, "阿拉善盟")
	g := s.g
	owner, id := s.paid(t, "卫九", 5)
	s.scoring(t, 5, id)
	s.score(t, s.prov, id, "theory", 70).want(t, 200)
	s.score(t, s.prov2, id, "theory", 70).want(t, 200)
	s.score(t, s.city, id, "skill", 70).want(t, 200)
	s.score(t, s.city2, id, "skill", 70).want(t, 200)
	number := g.do(t, "GET", "/api/v1/applications/"+id, owner.Token, nil).want(t, 200).str("certificate_number")
	cn, err := skillcert.ParseCertificateNumber(number)
	if err != nil || len(number) != 22 {
		t.Fatalf("certificate number %q: %v", number, err)
	}
	if cn.Serial < 100 {
		t.Errorf("serial %d looks like a count (chance of a permuted serial below 100: 1 in 10,000)", cn.Serial)
	}
	path := "/api/v1/certificates/" + number
	plain := g.do(t, "GET", path, "", nil).want(t, 200)
	if _, ok := plain.Body["name_matches"]; ok {
		t.Fatalf("name_matches without ?name=: %s", plain.Raw)
	}
	for _, k := range []string{"number", "status", "name_masked", "occupation_name", "level", "issued_on"} {
		if _, ok := plain.Body[k]; !ok {
			t.Fatalf("verification lost %s: %s", k, plain.Raw)
		}
	}
	if r := g.do(t, "GET", path+"?name=%E5%8D%AB%E4%B9%9D", "", nil).want(t, 200); r.Body["name_matches"] != true { // 卫九
		t.Fatalf("the holder's name does not match: %s", r.Raw)
	}
	if r := g.do(t, "GET", path+"?name=%E5%8D%AB%E5%8D%81", "", nil).want(t, 200); r.Body["name_matches"] != false { // 卫十
		t.Fatalf("another name matches: %s", r.Raw)
	}
	g.do(t, "GET", path+"?name=%20", "", nil).wantError(t, 422, "invalid", "name")
	if r := g.do(t, "GET", "/verify/"+number+"?name=%E5%8D%AB%E4%B9%9D", "", nil).want(t, 200); !strings.Contains(string(r.Raw), "与持证人姓名一致") {
		t.Fatalf("the page does not say the name matches: %s", r.Raw)
	}
	if !strings.Contains(string(g.do(t, "GET", "/api/v1/openapi.json", "", nil).Raw), "name_matches") {
		t.Fatal("the OpenAPI document does not describe name_matches")
	}
}

// TestFinding9VerificationRateLimit: the verification routes share a per-IP limit of their own.
func TestFinding9VerificationRateLimit(t *testing.T) {
	a := &app{cfg: config{VerifyRateLimit: 3}, internalSecret: newInternalSecret()}
	f := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		return c.SendStatus(statusFor(skillcert.ErrorCode(err)))
	}})
	for _, r := range a.certificateRoutes() {
		if r.Before == nil {
			t.Fatalf("%s %s has no verification limit", r.Method, r.Path)
		}
		f.Add(r.Method, r.Path, r.Before, func(c *fiber.Ctx) error { return c.SendString("ok") })
	}
	var got []int
	for _, p := range []string{"/api/v1/certificates/A", "/verify/B", "/api/v1/certificates/C", "/verify/D", "/api/v1/certificates/E"} {
		resp, err := f.Test(httptest.NewRequest("GET", p, nil))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, resp.StatusCode)
	}
	if fmt.Sprint(got) != "[200 200 200 429 429]" {
		t.Fatalf("statuses %v, want three answers then 429 across both routes", got)
	}
	// The web UI's lookups (in process, on behalf of a browser) count against that browser's address; a
	// client naming an address without the UI's secret still counts as itself.
	got = nil
	for _, internal := range []bool{true, false} {
		req := httptest.NewRequest("GET", "/api/v1/certificates/F", nil)
		req.Header.Set(web.ClientIPHeader, "198.51.100.7")
		if internal {
			req.Header.Set(internalHeader, a.internalSecret)
		}
		resp, err := f.Test(req)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, resp.StatusCode)
	}
	if fmt.Sprint(got) != "[200 429]" {
		t.Fatalf("statuses %v, want the UI's lookup for another browser answered and the forged one limited", got)
	}
}

// TestFinding15IDSquatting: the 409 stays; the owner of the ID number reports it; an admin reassigns the
// account only with an identity check, and the reassignment is audited.
func TestFinding15IDSquatting(t *testing.T) {
	g := startGateway(t)
	admin := g.adminToken(t)
	squatter := g.registerApplicant(t, "冒用者")
	phone := newPhone()
	register := map[string]any{"phone": phone, "password": "Mine2022pass", "name": "真本人", "id_number": squatter.IDNumber}
	r := g.do(t, "POST", "/api/v1/auth/register", "", register).wantError(t, 409, "conflict", "id_number")
	if !strings.Contains(string(r.Raw), "/api/v1/auth/register/report") {
		t.Fatalf("the 409 does not say how to report: %s", r.Raw)
	}
	report := map[string]any{"phone": phone, "password": "Mine2022pass", "name": "真本人", "id_number": squatter.IDNumber,
		"statement": "本人在锡林郭勒盟某局工作，从未注册过本系统，身份证号被他人冒用"}
	reportID := g.do(t, "POST", "/api/v1/auth/register/report", "", report).want(t, 201).str("report_id")
	if again := g.do(t, "POST", "/api/v1/auth/register/report", "", report).want(t, 201).str("report_id"); again != reportID {
		t.Fatalf("a repeated report opened another one: %s vs %s", again, reportID)
	}
	bad := map[string]any{}
	for k, v := range report {
		bad[k] = v
	}
	bad["id_number"] = newIDNumber()
	g.do(t, "POST", "/api/v1/auth/register/report", "", bad).wantError(t, 422, "invalid", "id_number")
	bad["id_number"], bad["statement"] = squatter.IDNumber, "短"
	g.do(t, "POST", "/api/v1/auth/register/report", "", bad).wantError(t, 422, "invalid", "statement")

	list := g.do(t, "GET", "/api/v1/admin/identity-disputes?status=open", admin, nil).want(t, 200)
	if !strings.Contains(string(list.Raw), reportID) || strings.Contains(string(list.Raw), squatter.IDNumber) {
		t.Fatalf("the report list misses the report or shows the full ID number: %s", list.Raw)
	}
	resolve := "/api/v1/admin/identity-disputes/" + reportID + "/resolve"
	_, provToken := g.newStaff(t, roleProvincialReviewer, "")
	g.do(t, "POST", resolve, provToken, map[string]any{"decision": "reassign", "identity_check": "当面核验身份证原件", "reason": "核实"}).wantError(t, 403, "forbidden", "")
	g.do(t, "POST", resolve, admin, map[string]any{"decision": "reassign", "reason": "核实"}).wantError(t, 422, "invalid", "identity_check")
	g.do(t, "POST", resolve, admin, map[string]any{"decision": "give", "identity_check": "x", "reason": "核实"}).wantError(t, 422, "invalid", "decision")
	g.do(t, "POST", resolve, admin, map[string]any{"decision": "reassign", "identity_check": "当面核验身份证原件并电话回访单位",
		"reason": "申诉人为身份证号码本人"}).want(t, 200)
	g.do(t, "POST", resolve, admin, map[string]any{"decision": "reject", "reason": "重复处理"}).wantError(t, 409, "conflict", "status")

	g.do(t, "POST", "/api/v1/auth/login", "", map[string]any{"login": squatter.Phone, "password": applicantPassword}).wantError(t, 401, "unauthorized", "")
	g.do(t, "GET", "/api/v1/auth/me", squatter.Token, nil).wantError(t, 401, "unauthorized", "") // signed out
	owner := g.login(t, phone, "Mine2022pass")
	if me := g.do(t, "GET", "/api/v1/auth/me", owner, nil); me.Status == 200 && me.str("user_id") != squatter.ID {
		t.Fatalf("the reporter got another account than the squatted one: %s", me.Raw)
	}
	pool := testDB(t, g)
	var action, actor string
	if err := pool.QueryRow(context.Background(), `SELECT action, actor_role FROM audit_events
		WHERE subject = 'account' AND application_id = $1 ORDER BY chain_seq DESC LIMIT 1`, squatter.ID).Scan(&action, &actor); err != nil {
		t.Fatalf("no audit event of the reassignment: %v", err)
	}
	if action != "account_reassigned" || actor != roleAdmin {
		t.Fatalf("audit event %s by %s", action, actor)
	}
}

// pdfText is the text of a PDF answer (pdftotext), or "" when the PDF cannot be rendered here (no CJK font:
// 503) or pdftotext is missing.
func pdfText(t *testing.T, r result) string {
	t.Helper()
	if r.Status == 503 {
		return ""
	}
	r.want(t, 200)
	if _, err := exec.LookPath("pdftotext"); err != nil {
		return ""
	}
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(r.Raw)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// testDB connects to the gateway's database as the test stack's superuser.
func testDB(t *testing.T, g *testGateway) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), g.env["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// verifyResult calls the verification route.
func verifyResult(t *testing.T, g *testGateway, token string) skillcert.AuditVerification {
	t.Helper()
	var v skillcert.AuditVerification
	if err := json.Unmarshal(g.do(t, "GET", "/api/v1/admin/audit/verify", token, nil).want(t, 200).Raw, &v); err != nil {
		t.Fatal(err)
	}
	return v
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
	g.do(t, "GET", "/api/v1/admin/audit/verify", s.prov.Token, nil).wantError(t, 403, "forbidden", "")

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
	r := g.do(t, "GET", "/api/v1/admin/exports/audit.jsonl", token, nil).want(t, 200)
	sc := bufio.NewScanner(bytes.NewReader(r.Raw))
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
