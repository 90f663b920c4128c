package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"skillcert"
	"skillcert/api"
	"skillcert/client"
	"skillcert/web"
)

// Findings 7, 8, 9 and 15 of issue 11, each shown against the real stack (the audit trail: audit_tamper_test.go).

// TestFinding7BlindDoubleEntry: until the second operator has entered the score, the first entry's value is
// in neither the audit trail, the application, nor any task the second operator can read.
func TestFinding7BlindDoubleEntry(t *testing.T) {
	s := newStaffCase(t, "乌海市")
	g := s.g
	owner, id := s.paid(t, "冯七", 5)
	s.scoring(t, 5, id)
	const secret = "63.7"
	must(s.score(t, s.prov, id, "theory", 63.7))(t)
	views := map[string]string{
		"audit of the application": "/api/v1/admin/audit?application_id=" + id,
		"newest audit events":      "/api/v1/admin/audit?page_size=200",
		"application":              "/api/v1/applications/" + id,
		"tasks":                    "/api/v1/tasks?application_id=" + id,
		"score tasks":              "/api/v1/tasks?type=score_confirmation",
	}
	// Raw answers: the value must be nowhere in them.
	for name, path := range views {
		if raw := g.getRaw(t, s.prov2.Token, path); bytes.Contains(raw, []byte(secret)) {
			t.Errorf("%s shows the first entry to the second operator: %s", name, raw)
		}
	}
	if raw := g.getRaw(t, s.prov2.Token, "/api/v1/admin/audit?application_id="+id); !bytes.Contains(raw, []byte("score_entered")) {
		t.Fatalf("the first entry is not audited at all: %s", raw)
	}
	must(s.score(t, s.prov2, id, "theory", 63.7))(t)
	// Once both entries are in, the agreed score is in the trail (and the application).
	if raw := g.getRaw(t, s.prov2.Token, "/api/v1/admin/audit?application_id="+id); !bytes.Contains(raw, []byte(secret)) {
		t.Fatalf("the confirmed score is missing from the audit trail: %s", raw)
	}
	if raw := g.getRaw(t, owner.Token, "/api/v1/applications/"+id); !bytes.Contains(raw, []byte(secret)) {
		t.Fatalf("the confirmed score is missing from the application: %s", raw)
	}
}

// TestFinding8CommitteeRecusalAndAccess: recusal compares normalised employers, and committee members read
// only applications with an open comprehensive review they may act on, without the ID-card scans.
func TestFinding8CommitteeRecusalAndAccess(t *testing.T) {
	s := newStaffCase(t, "锡林郭勒盟")
	g := s.g
	owner, id := s.paid(t, "褚八", 2)
	s.scoring(t, 2, id)
	employer := applicationRequest(s.batch, s.region).Employer // 呼和浩特市某局
	campus := s.staff(t, roleCommitteeMember, "", " 呼和浩特市 某局（新城校区） ")
	spaced := s.staff(t, roleCommitteeMember, "", "呼和浩特市　某局")
	member := s.staff(t, roleCommitteeMember, "", "锡林郭勒职业学院")
	app := "/api/v1/applications/" + id

	if strings.TrimSpace(employer) == "" {
		t.Fatal("no employer in the application body")
	}
	ctx := t.Context()
	wantAPIError(t, errOf(g.as(member.Token).Application(ctx, id)), 404, "not_found", "") // still in scoring: no open review
	must(s.score(t, s.prov, id, "theory", 81))(t)
	must(s.score(t, s.prov2, id, "theory", 81))(t)
	must(s.score(t, s.city, id, "skill", 77))(t)
	if r := must(s.score(t, s.city2, id, "skill", 77))(t); r.Status != "comprehensive_review" {
		t.Fatalf("not in comprehensive review: %+v", r)
	}

	for _, colleague := range []staffAccount{campus, spaced} {
		wantAPIError(t, errOf(g.as(colleague.Token).Evaluate(ctx, id, 90, "同单位")), 403, "forbidden", "")
		wantAPIError(t, errOf(g.as(colleague.Token).Application(ctx, id)), 404, "not_found", "")
		if raw := g.getRaw(t, colleague.Token, "/api/v1/tasks?application_id="+id); strings.Contains(string(raw), id) {
			t.Fatalf("a colleague of the applicant has the review in the inbox: %s", raw)
		}
	}
	if raw := g.getRaw(t, member.Token, "/api/v1/tasks?application_id="+id); !strings.Contains(string(raw), id) {
		t.Fatalf("the review is missing from a member's inbox: %s", raw)
	}

	view := g.getRaw(t, member.Token, app) // raw: the full ID number is nowhere in it
	ownerView := must(g.as(owner.Token).Application(ctx, id))(t)
	docs := map[string]string{}
	for _, it := range ownerView.Checklist {
		if it.DocumentID != "" {
			docs[string(it.DocType)] = it.DocumentID
		}
	}
	if bytes.Contains(view, []byte(owner.IDNumber)) {
		t.Fatalf("the application shows the full ID number to a committee member: %s", view)
	}
	// The downloads answer redirects: raw requests, for the status and Location.
	document := func(token, docType string) (*http.Response, *client.Error) {
		r, _, e := g.send(t, token, "GET", app+"/documents/"+docs[docType], nil)
		return r, e
	}
	for _, docType := range []string{"id_card_front", "id_card_back"} {
		if docs[docType] == "" {
			t.Fatalf("no %s in the checklist: %+v", docType, ownerView.Checklist)
		}
		_, e := document(member.Token, docType)
		wantStatusError(t, e, 404, "not_found", "")
		if r, _ := document(s.prov.Token, docType); r.StatusCode != 302 {
			t.Fatalf("%s as a reviewer: %d, want 302", docType, r.StatusCode)
		}
	}
	if r, _ := document(member.Token, "photo"); r.StatusCode != 302 || strings.Contains(r.Header.Get("Location"), owner.IDNumber[6:14]) {
		t.Fatalf("the photo: %d, or its download name carries the ID number: %s", r.StatusCode, r.Header.Get("Location"))
	}

	for _, pdf := range []string{"/form.pdf", "/admission-ticket.pdf"} {
		if text := pdfText(t, g.as(member.Token), app+pdf); text != "" &&
			(strings.Contains(text, owner.IDNumber) || !strings.Contains(text, skillcert.MaskIDNumber(owner.IDNumber))) {
			t.Fatalf("%s shows a committee member the full ID number (or no masked one): %s", pdf, text)
		}
	}
	if text := pdfText(t, g.as(s.prov.Token), app+"/form.pdf"); text != "" && !strings.Contains(text, owner.IDNumber) {
		t.Fatalf("the form lost the ID number for reviewers: %s", text)
	}
	must(g.as(member.Token).Evaluate(ctx, id, 75, "合格"))(t)
	wantAPIError(t, errOf(g.as(member.Token).Application(ctx, id)), 404, "not_found", "") // nothing left to act on
	if raw := g.getRaw(t, member.Token, "/api/v1/tasks?application_id="+id); strings.Contains(string(raw), id) {
		t.Fatalf("the member still has the review they scored in the inbox: %s", raw)
	}
	wantAPIError(t, errOf(g.as(member.Token).Evaluate(ctx, id, 75, "再评")), 409, "conflict", "")
}

// TestFinding9CertificateVerification: ?name= answers name_matches without revealing the name, a blank
// name is refused, and the serial is not a count; the verification limiter answers 429 past its limit.
func TestFinding9CertificateVerification(t *testing.T) {
	s := newStaffCase(t, "阿拉善盟")
	g := s.g
	owner, id := s.paid(t, "卫九", 5)
	s.scoring(t, 5, id)
	must(s.score(t, s.prov, id, "theory", 70))(t)
	must(s.score(t, s.prov2, id, "theory", 70))(t)
	must(s.score(t, s.city, id, "skill", 70))(t)
	must(s.score(t, s.city2, id, "skill", 70))(t)
	ctx := t.Context()
	number := must(g.as(owner.Token).Application(ctx, id))(t).CertificateNumber
	cn, err := skillcert.ParseCertificateNumber(number)
	if err != nil || len(number) != 22 {
		t.Fatalf("certificate number %q: %v", number, err)
	}
	if cn.Serial < 100 {
		t.Errorf("serial %d looks like a count (chance of a permuted serial below 100: 1 in 10,000)", cn.Serial)
	}
	path := "/api/v1/certificates/" + number
	// Raw, for which keys the answer has at all.
	plain := g.getRaw(t, "", path)
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(plain, &keys); err != nil {
		t.Fatal(err)
	}
	if _, ok := keys["name_matches"]; ok {
		t.Fatalf("name_matches without ?name=: %s", plain)
	}
	for _, k := range []string{"number", "status", "name_masked", "occupation_name", "level", "issued_on"} {
		if _, ok := keys[k]; !ok {
			t.Fatalf("verification lost %s: %s", k, plain)
		}
	}
	if r := must(g.as("").Certificate(ctx, number, "卫九"))(t); r.NameMatches == nil || !*r.NameMatches {
		t.Fatalf("the holder's name does not match: %+v", r)
	}
	if r := must(g.as("").Certificate(ctx, number, "卫十"))(t); r.NameMatches == nil || *r.NameMatches {
		t.Fatalf("another name matches: %+v", r)
	}
	wantAPIError(t, g.as("").Do(ctx, "GET", path+"?name=%20", nil, nil), 422, "invalid", "name")
	if page, _ := must2(g.as("").Download(ctx, "/verify/"+number+"?name=%E5%8D%AB%E4%B9%9D"))(t); !strings.Contains(string(page), "与持证人姓名一致") {
		t.Fatalf("the page does not say the name matches: %s", page)
	}
	if page, _ := must2(g.as("").Download(ctx, "/verify/"+number+"?name=%E5%8D%AB%E5%8D%81"))(t); !strings.Contains(string(page), "与持证人姓名不一致") ||
		strings.Contains(string(page), "与持证人姓名一致") {
		t.Fatalf("the page does not say another name differs: %s", page)
	}
	var doc json.RawMessage
	if err := g.as("").Do(ctx, "GET", "/api/v1/openapi.json", nil, &doc); err != nil || !strings.Contains(string(doc), "name_matches") {
		t.Fatalf("the OpenAPI document does not describe name_matches (%v)", err)
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
	ctx := t.Context()
	register := api.RegisterRequest{Phone: phone, Password: "Mine2022pass", Name: "真本人", IDNumber: squatter.IDNumber}
	e := wantAPIError(t, errOf(g.as("").Register(ctx, register)), 409, "conflict", "id_number")
	if raw, _ := json.Marshal(e.Body); !strings.Contains(string(raw), "/api/v1/auth/register/report") {
		t.Fatalf("the 409 does not say how to report: %s", raw)
	}
	report := api.DisputeReportRequest{RegisterRequest: register, Statement: "本人在锡林郭勒盟某局工作，从未注册过本系统，身份证号被他人冒用"}
	reportID := must(g.as("").ReportIdentityDispute(ctx, report))(t).ReportID
	if again := must(g.as("").ReportIdentityDispute(ctx, report))(t).ReportID; again != reportID {
		t.Fatalf("a repeated report opened another one: %s vs %s", again, reportID)
	}
	bad := report
	bad.IDNumber = newIDNumber()
	wantAPIError(t, errOf(g.as("").ReportIdentityDispute(ctx, bad)), 422, "invalid", "id_number")
	bad.IDNumber, bad.Statement = squatter.IDNumber, "短"
	wantAPIError(t, errOf(g.as("").ReportIdentityDispute(ctx, bad)), 422, "invalid", "statement")

	// Raw: the full ID number is nowhere in the list.
	if list := g.getRaw(t, admin, "/api/v1/admin/identity-disputes?status=open"); !strings.Contains(string(list), reportID) ||
		strings.Contains(string(list), squatter.IDNumber) {
		t.Fatalf("the report list misses the report or shows the full ID number: %s", list)
	}
	resolve := func(token string, req api.DisputeResolveRequest) error {
		return errOf(g.as(token).ResolveIdentityDispute(ctx, reportID, req))
	}
	// Requests without identity_check at all (the typed request always has it) are sent as maps.
	resolveWithout := func(body map[string]any) error {
		return g.as(admin).Do(ctx, "POST", "/api/v1/admin/identity-disputes/"+reportID+"/resolve", body, nil)
	}
	_, provToken := g.newStaff(t, roleProvincialReviewer, "")
	wantAPIError(t, resolve(provToken, api.DisputeResolveRequest{Decision: "reassign", IdentityCheck: "当面核验身份证原件", Reason: "核实"}), 403, "forbidden", "")
	wantAPIError(t, resolveWithout(map[string]any{"decision": "reassign", "reason": "核实"}), 422, "invalid", "identity_check")
	wantAPIError(t, resolve(admin, api.DisputeResolveRequest{Decision: "give", IdentityCheck: "x", Reason: "核实"}), 422, "invalid", "decision")
	if err := resolve(admin, api.DisputeResolveRequest{Decision: "reassign", IdentityCheck: "当面核验身份证原件并电话回访单位",
		Reason: "申诉人为身份证号码本人"}); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, resolveWithout(map[string]any{"decision": "reject", "reason": "重复处理"}), 409, "conflict", "status")

	wantAPIError(t, errOf(g.as("").Login(ctx, squatter.Phone, applicantPassword)), 401, "unauthorized", "")
	wantAPIError(t, errOf(g.as(squatter.Token).Me(ctx)), 401, "unauthorized", "") // signed out
	owner := g.login(t, phone, "Mine2022pass")
	if me, err := g.as(owner).Me(ctx); err == nil && me.UserID != squatter.ID {
		t.Fatalf("the reporter got another account than the squatted one: %+v", me)
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

// pdfText is the text of the PDF at path read through c (pdftotext), or "" when the PDF cannot be rendered
// here (no CJK font: 503) or pdftotext is missing.
func pdfText(t *testing.T, c *client.Client, path string) string {
	t.Helper()
	pdf, _, err := c.Download(t.Context(), path)
	if answerStatus(err) == 503 {
		return ""
	}
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		return ""
	}
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
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
