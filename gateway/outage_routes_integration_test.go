package gateway

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"slices"
	"strings"
	"testing"

	"skillcert/api"
)

// answersWithoutDatabase are the routes that need no Postgres, with what they answer while it is down. Every
// other route must answer 503 with Retry-After during a database outage; a new route is in that set unless
// it is added here (with its reason).
var answersWithoutDatabase = map[string]int{
	"GET /healthz":             200, // the process itself
	"GET /api/v1/openapi.json": 200, // built from the route table
	"OPTIONS /codec/encode":    204, // CORS preflight
	"OPTIONS /codec/decode":    204,
	"GET /codec/login":         200, // the sign-in form
	"POST /codec/login":        403, // this request carries no CSRF token, refused before any lookup (codecSignIn is checked below)
}

// outageRequest is the request the test sends to a route: a valid body where the route checks its input
// before any lookup, the token of a role the route admits.
func outageRequest(r route, applicantToken, adminToken string) (body any, token string, headers []string) {
	token = adminToken
	if r.Public {
		token = ""
	} else if len(r.Roles) == 0 || slices.Contains(r.Roles, "applicant") {
		token = applicantToken
	}
	key := r.Method + " " + r.Path
	switch key {
	case "POST /api/v1/auth/register", "POST /api/v1/auth/register/report":
		body = map[string]any{"phone": newPhone(), "password": applicantPassword, "name": "韩十六", "id_number": newIDNumber(),
			"statement": "该身份证号被他人冒用注册"}
	case "POST /api/v1/auth/login":
		body = map[string]any{"login": "13900000000", "password": applicantPassword}
	case "POST /api/v1/payments/callback":
		raw := `{"order_id":"0b7c1f7e-3a37-4a4b-9a55-4f0e3c3a9d11","application_id":"0b7c1f7e-3a37-4a4b-9a55-4f0e3c3a9d12",` +
			`"amount_fen":100,"paid_at":"2026-11-29T10:00:00Z","transaction_id":"t-1"}`
		m := hmac.New(sha256.New, []byte(testPaymentSecret))
		m.Write([]byte(raw))
		body, headers = raw, []string{"X-Signature", hex.EncodeToString(m.Sum(nil))}
	default:
		if r.Method != "GET" && r.Method != "OPTIONS" {
			body = map[string]any{}
		}
	}
	return body, token, headers
}

// outagePath fills a route's parameters: UUIDs, and a certificate number of the valid form.
func outagePath(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		switch {
		case p == ":number":
			parts[i] = "S000015999999265999999"
		case strings.HasPrefix(p, ":"):
			parts[i] = "0b7c1f7e-3a37-4a4b-9a55-4f0e3c3a9d13"
		}
	}
	return strings.Join(parts, "/")
}

// TestDatabaseOutageEveryRoute: while Postgres is unreachable, every route of the route table answers 503
// with Retry-After (never 401, 403, 404, 409, 422 or 500), unless it needs no database at all
// (answersWithoutDatabase).
func TestDatabaseOutageEveryRoute(t *testing.T) {
	g := startGateway(t)
	a := g.registerApplicant(t, "卫十七")
	u, err := url.Parse(g.env["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	relay := newPGCut(t, u.Host)
	u.Host = relay.ln.Addr().String()
	down := g.extraGateway(t, map[string]string{"DATABASE_URL": u.String(), "SKILLCERT_REQUEST_TIMEOUT": "5s"})
	admin := down.adminToken(t)
	token := down.login(t, a.Phone, applicantPassword)
	relay.stop()

	routes := routeTable(t)
	if len(routes) < 50 {
		t.Fatalf("the route table has %d routes", len(routes))
	}
	for _, r := range routes {
		key := r.Method + " " + r.Path
		body, tok, headers := outageRequest(r, token, admin)
		got, raw, _ := down.send(t, tok, r.Method, outagePath(r.Path), body, headers...)
		if want, ok := answersWithoutDatabase[key]; ok {
			if got.StatusCode != want {
				t.Errorf("%s needs no database but answered %d during an outage, want %d: %.200s", key, got.StatusCode, want, raw)
			}
			continue
		}
		if got.StatusCode != 503 || got.Header.Get("Retry-After") == "" {
			t.Errorf("%s during a database outage: %d (Retry-After %q), want 503 with Retry-After: %.200s",
				key, got.StatusCode, got.Header.Get("Retry-After"), strings.TrimSpace(string(raw)))
		}
	}
}

// TestObjectStoreOutage: while MinIO is unreachable from the gateway, the routes that read objects (a
// photo's download, which copies it under the applicant's name, and the PDFs that embed the photo) and
// /readyz answer 503 with Retry-After; the routes that only sign URLs (no request to MinIO) still work.
func TestObjectStoreOutage(t *testing.T) {
	g := startGateway(t)
	a, appID := g.draftApplication(t, "敖登")
	photoID := must(g.uploadDocument(t, a.Token, appID, "photo", "image/png", photoPNG(t)))(t).DocumentID

	relay := newPGCut(t, g.env["SKILLCERT_MINIO_ENDPOINT"])
	down := g.extraGateway(t, map[string]string{"SKILLCERT_MINIO_ENDPOINT": relay.ln.Addr().String(), "SKILLCERT_REQUEST_TIMEOUT": "10s"})
	token := down.login(t, a.Phone, applicantPassword)
	relay.stop()

	for _, rq := range []struct{ method, path string }{
		{"GET", "/readyz"},
		{"GET", "/api/v1/applications/" + appID + "/documents/" + photoID},
		{"GET", "/api/v1/applications/" + appID + "/form.pdf"},
	} {
		r, raw, _ := down.send(t, token, rq.method, rq.path, nil)
		if r.StatusCode != 503 || r.Header.Get("Retry-After") == "" {
			t.Errorf("%s %s during a MinIO outage: %d (Retry-After %q), want 503 with Retry-After: %.200s",
				rq.method, rq.path, r.StatusCode, r.Header.Get("Retry-After"), raw)
		}
	}
	// Signing an upload needs no request to MinIO (the region is fixed): it is answered.
	must(down.as(token).AddDocument(t.Context(), appID, api.UploadRequest{DocType: "id_card_front",
		Filename: "id.png", ContentType: "image/png", Size: 1000}))(t)
	must(down.as(token).Application(t.Context(), appID))(t)
}

// TestUpdateTimeoutIs503: an update that no worker completes before the request's deadline (here a task queue
// no worker polls, as when every worker is down or far behind) answers 503 with Retry-After, which a client
// repeats with the same Idempotency-Key; never 500 or an error it cannot repeat.
func TestUpdateTimeoutIs503(t *testing.T) {
	g := startGateway(t)
	batch := g.newBatch(t)
	a := g.registerApplicant(t, "巴特尔")
	slow := g.extraGateway(t, map[string]string{"SKILLCERT_TASK_QUEUE": "no-worker-" + a.Phone, "SKILLCERT_REQUEST_TIMEOUT": "3s"})
	token := slow.login(t, a.Phone, applicantPassword)
	key := []string{"Idempotency-Key", "update-timeout-" + a.Phone}
	for attempt := range 2 { // the repeat joins the same workflow and waits again
		r, raw, _ := slow.send(t, token, "POST", "/api/v1/applications", applicationRequest(batch, "呼和浩特市"), key...)
		if r.StatusCode != 503 || r.Header.Get("Retry-After") == "" {
			t.Fatalf("attempt %d: an update past the request deadline answered %d (Retry-After %q), want 503 with Retry-After: %s",
				attempt+1, r.StatusCode, r.Header.Get("Retry-After"), raw)
		}
	}
}
