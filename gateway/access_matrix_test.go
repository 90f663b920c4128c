package gateway

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"skillcert/pdfdoc"
)

// The access matrix: every route of the real route table × every kind of caller, with the status each one
// gets. A route added to the table without a row here fails the test.

// matrixRoles are the columns, in the order of the want strings.
var matrixRoles = []string{"anonymous", "applicant", "other_applicant", "city", "city_other", "provincial",
	"committee", "supervisor", "admin"}

// accessRow is one route's row: the request every caller sends and the status each gets.
type accessRow struct {
	path    string                // the path with IDs filled in; the route's own path when empty
	body    any                   // JSON body (a string is sent as is); nil for none
	bodyFor func(role string) any // the body when it depends on the caller
	headers []string              // extra request headers, name then value
	want    string                // one status per column of matrixRoles, space-separated
	after   func(t *testing.T, role string, status int)
}

// matrixFixture is what the requests of the matrix refer to.
type matrixFixture struct {
	s               *staffCase
	tokens          map[string]string
	app, withdrawn  string // in preliminary_review; withdrawn
	task, doc, sess string
	pdfOK           string // the status of a PDF the caller may read (503 without a CJK font)
}

func newMatrixFixture(t *testing.T) *matrixFixture {
	t.Helper()
	s := newStaffCase(t, "锡林郭勒盟")
	owner, app := s.submitted(t, "卫九", 5)
	created := must(s.g.as(owner.Token).CreateApplication(t.Context(), s.caseBody(4)))(t)
	must(s.g.as(owner.Token).Withdraw(t.Context(), created.ID, ""))(t)
	other := s.g.registerApplicant(t, "蒋十")
	cityOther := s.staff(t, roleCityReviewer, "包头市", "")
	committee := s.staff(t, roleCommitteeMember, "", "评审单位")
	supervisor := s.staff(t, roleSupervisor, "", "")
	view := must(s.g.as(owner.Token).Application(t.Context(), app))(t)
	var doc string
	for _, it := range view.Checklist {
		if it.DocType == "photo" {
			doc = it.DocumentID
		}
	}
	f := &matrixFixture{s: s, app: app, withdrawn: created.ID, doc: doc,
		task: s.openTask(t, s.city.Token, app, "preliminary_review"),
		sess: must(s.session(t, 5, 10, time.Now().AddDate(0, 0, 30)))(t).ID,
		tokens: map[string]string{"anonymous": "", "applicant": owner.Token, "other_applicant": other.Token,
			"city": s.city.Token, "city_other": cityOther.Token, "provincial": s.prov.Token, "committee": committee.Token,
			"supervisor": supervisor.Token, "admin": s.admin}}
	f.pdfOK = "200"
	if _, err := pdfdoc.FindFont(func(k string) string { return s.g.env[k] }); err != nil {
		f.pdfOK = "503"
	}
	return f
}

// rows is the matrix. Requests are chosen so that no cell changes what another cell sees: writes that are
// admitted fail on the application's state (409) or on validation (422), or are undone by after.
func (f *matrixFixture) rows() map[string]accessRow {
	app, p := "/api/v1/applications/"+f.app, f.pdfOK
	task := "/api/v1/tasks/" + f.task
	sess := "/api/v1/exam-sessions/" + f.sess
	unclaim := func(t *testing.T, role string, status int) {
		if status == http.StatusOK {
			must(f.s.g.as(f.s.admin).Unclaim(t.Context(), f.task))(t)
		}
	}
	run := strconv.Itoa(rand.IntN(1_000_000_000)) // fresh logins: failed ones are throttled
	const (
		all200 = "200 200 200 200 200 200 200 200 200"
		signed = "401 200 200 200 200 200 200 200 200"
	)
	return map[string]accessRow{
		"GET /healthz":                      {want: all200},
		"GET /readyz":                       {want: all200},
		"GET /api/v1/openapi.json":          {want: all200},
		"POST /api/v1/auth/register":        {body: map[string]any{}, want: "422 422 422 422 422 422 422 422 422"},
		"POST /api/v1/auth/login":           {body: map[string]any{"login": ""}, want: "422 422 422 422 422 422 422 422 422"},
		"GET /api/v1/auth/me":               {want: signed},
		"POST /api/v1/eligibility/check":    {body: map[string]any{}, want: "401 422 422 403 403 403 403 403 403"},
		"GET /api/v1/notifications":         {want: signed},
		"GET /api/v1/auth/me/notifications": {want: signed},
		"PUT /api/v1/auth/me/notifications": {body: map[string]any{"email": "not an address"}, want: "401 422 422 422 422 422 422 403 422"},
		// Logging out would revoke the matrix's tokens: every caller sends a bad token here (the effect of
		// logout is TestFinding12LogoutRevokesToken).
		"POST /api/v1/auth/logout":   {headers: []string{"Authorization", "Bearer v1.bad.token"}, want: "401 401 401 401 401 401 401 401 401"},
		"POST /api/v1/auth/password": {body: map[string]any{}, want: "401 422 422 422 422 422 422 422 422"},
		"POST /api/v1/admin/users":   {body: map[string]any{}, want: "401 403 403 403 403 403 403 403 422"},
		"GET /api/v1/admin/users":    {want: "401 403 403 403 403 403 403 403 200"},
		"GET /api/v1/occupations":    {want: all200},
		"GET /api/v1/regions":        {want: all200},
		"GET /api/v1/batches":        {want: all200},
		"POST /api/v1/admin/batches": {body: map[string]any{}, want: "401 403 403 403 403 403 403 403 422"},
		"PATCH /api/v1/admin/batches/:id": {path: "/api/v1/admin/batches/no-such-batch", body: map[string]any{},
			want: "401 403 403 403 403 403 403 403 404"},
		"POST /api/v1/applications":    {body: map[string]any{}, want: "401 422 422 403 403 403 403 403 403"},
		"GET /api/v1/applications":     {want: "401 200 200 403 403 403 403 403 403"},
		"GET /api/v1/applications/:id": {path: app, want: "401 200 404 200 404 200 404 200 200"},
		"POST /api/v1/applications/:id/submit": {path: app + "/submit",
			want: "401 409 404 403 403 403 403 403 403"},
		"POST /api/v1/applications/:id/withdraw": {path: "/api/v1/applications/" + f.withdrawn + "/withdraw",
			want: "401 409 404 403 403 403 403 403 403"},
		"POST /api/v1/applications/:id/payment": {path: app + "/payment", want: "401 409 404 403 403 403 403 403 403"},
		"POST /api/v1/applications/:id/documents": {path: app + "/documents", body: map[string]any{"doc_type": "photo",
			"filename": "p.png", "content_type": "image/png", "size": 1000}, want: "401 409 404 403 403 403 403 403 403"},
		"POST /api/v1/applications/:id/documents/:document_id/complete": {path: app + "/documents/" + f.doc + "/complete",
			want: "401 409 404 403 403 403 403 403 403"},
		"GET /api/v1/applications/:id/documents/:document_id": {path: app + "/documents/" + f.doc,
			want: "401 302 404 302 404 302 404 302 302"},
		"GET /api/v1/applications/:id/form.pdf":   {path: app + "/form.pdf", want: "401 " + p + " 404 " + p + " 404 " + p + " 404 " + p + " " + p},
		"GET /api/v1/applications/:id/pledge.pdf": {path: app + "/pledge.pdf", want: "401 " + p + " 404 " + p + " 404 " + p + " 404 " + p + " " + p},
		"GET /api/v1/applications/:id/admission-ticket.pdf": {path: app + "/admission-ticket.pdf",
			want: "401 404 404 404 404 404 404 404 404"},
		"GET /api/v1/applications/:id/certificate.pdf": {path: app + "/certificate.pdf",
			want: "401 404 404 404 404 404 404 404 404"},
		"POST /api/v1/payments/callback": {body: map[string]any{}, want: "401 401 401 401 401 401 401 401 401"},
		"GET /pay/:order_id": {path: "/pay/00000000-0000-0000-0000-000000000000",
			want: "404 404 404 404 404 404 404 404 404"},
		"POST /pay/:order_id/simulate": {path: "/pay/00000000-0000-0000-0000-000000000000/simulate",
			want: "404 404 404 404 404 404 404 404 404"},
		"GET /api/v1/tasks": {want: "401 403 403 200 200 200 200 200 200"},
		"POST /api/v1/tasks/:id/claim": {path: task + "/claim", after: unclaim,
			want: "401 403 403 200 404 403 403 403 403"},
		"POST /api/v1/tasks/:id/unclaim": {path: task + "/unclaim", want: "401 403 403 200 404 403 403 403 200"},
		"POST /api/v1/tasks/:id/assign": {path: task + "/assign", body: map[string]any{"user_id": f.s.city.ID},
			after: unclaim, want: "401 403 403 200 404 403 403 403 200"},
		"POST /api/v1/tasks/:id/complete": {path: task + "/complete", body: map[string]any{"decision": "maybe"},
			want: "401 403 403 422 404 403 403 403 403"},
		"POST /api/v1/exam-sessions":            {body: map[string]any{}, want: "401 403 403 403 403 422 403 403 403"},
		"GET /api/v1/exam-sessions":             {want: "401 403 403 200 200 200 403 200 200"},
		"GET /api/v1/exam-sessions/:id":         {path: sess, want: "401 403 403 200 404 200 403 200 200"},
		"POST /api/v1/exam-sessions/:id/roster": {path: sess + "/roster", want: "401 403 403 200 404 403 403 403 403"},
		"POST /api/v1/exam-sessions/:id/assign": {path: sess + "/assign", want: "401 403 403 403 403 200 403 403 403"},
		"POST /api/v1/exam-sessions/:id/attendance": {path: sess + "/attendance",
			body: map[string]any{"application_id": f.app, "present": true}, want: "401 403 403 422 404 422 403 403 403"},
		"POST /api/v1/applications/:id/scores": {path: app + "/scores", body: map[string]any{"component": "skill", "score": 60},
			want: "401 403 403 409 404 409 403 403 403"},
		"POST /api/v1/scores/import": {body: "x,theory,60", want: "401 403 403 403 403 422 403 403 403"},
		"POST /api/v1/applications/:id/evaluations": {path: app + "/evaluations", body: map[string]any{"score": 70},
			want: "401 403 403 403 403 403 404 403 403"},
		"GET /api/v1/admin/applications": {want: "401 403 403 403 403 200 403 200 200"},
		"GET /api/v1/admin/applications/:id/history": {path: "/api/v1/admin/applications/" + f.app + "/history",
			want: "401 403 403 403 403 403 403 403 200"},
		"POST /api/v1/admin/applications/:id/revoke": {path: "/api/v1/admin/applications/" + f.app + "/revoke",
			body: map[string]any{"reason": ""}, want: "401 403 403 403 403 403 403 403 422"},
		"GET /api/v1/admin/stats": {want: "401 403 403 403 403 200 403 200 200"},
		"GET /api/v1/admin/exports/roster.xlsx": {path: "/api/v1/admin/exports/roster.xlsx?exam_session_id=" + f.sess,
			want: "401 403 403 200 404 200 403 403 200"},
		"GET /api/v1/admin/audit": {path: "/api/v1/admin/audit?application_id=" + f.app,
			want: "401 403 403 403 403 200 403 200 200"},
		"GET /api/v1/admin/audit/verify":        {want: "401 403 403 403 403 403 403 200 200"},
		"GET /api/v1/admin/exports/audit.jsonl": {want: "401 403 403 403 403 403 403 403 200"},
		"POST /api/v1/auth/register/report":     {body: map[string]any{}, want: "422 422 422 422 422 422 422 422 422"},
		"GET /api/v1/admin/identity-disputes":   {want: "401 403 403 403 403 403 403 403 200"},
		"POST /api/v1/admin/identity-disputes/:id/resolve": {path: "/api/v1/admin/identity-disputes/00000000-0000-0000-0000-000000000000/resolve",
			body: map[string]any{}, want: "401 403 403 403 403 403 403 403 422"},
		"GET /api/v1/certificates/:number": {path: "/api/v1/certificates/S000015999999265999999",
			want: "404 404 404 404 404 404 404 404 404"},
		"GET /verify/:number":   {path: "/verify/S000015999999265999999", want: "404 404 404 404 404 404 404 404 404"},
		"OPTIONS /codec/encode": {want: "204 204 204 204 204 204 204 204 204"},
		"OPTIONS /codec/decode": {want: "204 204 204 204 204 204 204 204 204"},
		"POST /codec/encode":    {body: map[string]any{"payloads": []any{}}, want: "401 403 403 403 403 403 403 403 200"},
		"POST /codec/decode":    {body: map[string]any{"payloads": []any{}}, want: "401 403 403 403 403 403 403 403 200"},
		"GET /codec/login":      {want: all200},
		"POST /codec/login": {bodyFor: func(role string) any { return "login=nobody_" + role + run + "&password=wrong" },
			headers: []string{"Content-Type", "application/x-www-form-urlencoded"}, want: "403 403 403 403 403 403 403 403 403"}, // no CSRF token
	}
}

// routeTable is the gateway's real route table, with the codec routes a configured gateway has.
func routeTable(t *testing.T) []route {
	t.Helper()
	a := newOfflineApp(t)
	a.codec = func(c *fiber.Ctx) error { return nil }
	return a.allRoutes()
}

func TestAccessMatrixIntegration(t *testing.T) {
	f := newMatrixFixture(t)
	rows := f.rows()
	seen := map[string]bool{}
	for _, r := range routeTable(t) {
		key := r.Method + " " + r.Path
		seen[key] = true
		row, ok := rows[key]
		if !ok {
			t.Errorf("route %s has no row in the access matrix", key)
			continue
		}
		want := strings.Fields(row.want)
		if len(want) != len(matrixRoles) {
			t.Errorf("%s: %d statuses for %d roles", key, len(want), len(matrixRoles))
			continue
		}
		selfService := key == "POST /api/v1/auth/logout" || key == "POST /api/v1/auth/password" // one's own account
		if !r.Public && r.Method != http.MethodGet && want[7] != "403" && !selfService {
			t.Errorf("%s: supervisors are read-only, yet the row admits them (%s)", key, want[7])
		}
		path := row.path
		if path == "" {
			path = r.Path
		}
		for i, role := range matrixRoles {
			body := row.body
			if row.bodyFor != nil {
				body = row.bodyFor(role)
			}
			res, raw, e := f.s.g.send(t, f.tokens[role], r.Method, path, body, row.headers...)
			if strconv.Itoa(res.StatusCode) != want[i] {
				t.Errorf("%s as %s: %d, want %s: %.300s", key, role, res.StatusCode, want[i], raw)
			}
			if res.StatusCode >= 400 && strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
				if e == nil || e.Body.Code == "" || e.Body.Message == "" || e.Body.Fields == nil {
					t.Errorf("%s as %s: %d without the documented error body: %.300s", key, role, res.StatusCode, raw)
				}
			}
			if row.after != nil {
				row.after(t, role, res.StatusCode)
			}
		}
	}
	for key := range rows {
		if !seen[key] {
			t.Errorf("the matrix has a row for %s, which is not in the route table", key)
		}
	}
}
