package gateway

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"skillcert/api"
)

func TestReferenceIntegration(t *testing.T) {
	g := startGateway(t)
	admin := g.adminToken(t)

	t.Run("probes", func(t *testing.T) {
		g.do(t, "GET", "/healthz", "", nil).want(t, 200)
		if r := must(g.as("").Ready(t.Context()))(t); r.Status != "ok" {
			t.Fatalf("readyz %+v, want {status: ok}", r)
		} // that it has no other field: the OpenAPI check (Health has one property)
		g.do(t, "GET", "/metrics", "", nil).want(t, 404)
		m := (&testGateway{baseURL: g.metricsURL, client: g.client}).do(t, "GET", "/metrics", "", nil).want(t, 200)
		if !strings.Contains(string(m.Raw), "skillcert_http_requests_total") {
			t.Fatal("metrics lack the request counter")
		}
	})

	t.Run("seeded catalog", func(t *testing.T) {
		occ := must(g.as("").Occupations(t.Context()))(t)
		if len(occ) == 0 {
			t.Fatal("no occupations")
		}
		if first := occ[0]; first.Code == "" || first.Name == "" || len(first.Levels) == 0 {
			t.Fatalf("occupation %+v", first)
		}
		if regions := must(g.as("").Regions(t.Context()))(t); len(regions) != 14 || regions[0] != "呼和浩特市" {
			t.Fatalf("regions %v", regions)
		}
		batches := must(g.as("").Batches(t.Context()))(t)
		if !slices.ContainsFunc(batches, func(b api.Batch) bool { return b.ID == "demo" }) {
			t.Fatalf("dev seed batch missing: %+v", batches)
		}
	})

	t.Run("batch validation", func(t *testing.T) {
		now := time.Now().UTC().Truncate(time.Second)
		at := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339) }
		valid := func(id string) map[string]any {
			return map[string]any{"id": id, "name": "批次", "registration_opens_at": at(0),
				"registration_closes_at": at(48 * time.Hour), "payment_opens_at": at(24 * time.Hour),
				"payment_closes_at": at(72 * time.Hour), "exam_starts_at": at(96 * time.Hour)}
		}
		id := "bv-" + uuid.NewString()[:8]
		var created api.Batch
		if err := g.as(admin).Do(t.Context(), "POST", "/api/v1/admin/batches", valid(id), &created); err != nil ||
			created.ID != id || created.PaymentClosesAt.UTC().Format(time.RFC3339) != at(72*time.Hour) {
			t.Fatalf("created %+v %v", created, err)
		}
		g.do(t, "POST", "/api/v1/admin/batches", admin, valid(id)).wantError(t, 409, "conflict", "id")
		applicant := g.registerApplicant(t, "周八")
		g.do(t, "POST", "/api/v1/admin/batches", applicant.Token, valid("x"+id)).wantError(t, 403, "forbidden", "")
		for field, change := range map[string]map[string]any{
			"registration_closes_at": {"registration_closes_at": at(-time.Hour)},
			"payment_closes_at":      {"payment_closes_at": at(12 * time.Hour)},
			"exam_starts_at":         {"exam_starts_at": at(60 * time.Hour)},
			"payment_opens_at":       {"payment_opens_at": "tomorrow"},
			"id":                     {"id": "has space"},
		} {
			t.Run(field, func(t *testing.T) {
				body := valid("bv-" + uuid.NewString()[:8])
				for k, v := range change {
					body[k] = v
				}
				g.do(t, "POST", "/api/v1/admin/batches", admin, body).wantError(t, 422, "invalid", field)
			})
		}
		closes := at(80 * time.Hour)
		if patched := must(g.as(admin).PatchBatch(t.Context(), id, api.BatchRequest{PaymentClosesAt: &closes}))(t); patched.PaymentClosesAt.UTC().Format(time.RFC3339) != closes {
			t.Fatalf("patched %+v", patched)
		}
		g.do(t, "PATCH", "/api/v1/admin/batches/"+id, admin, map[string]any{"exam_starts_at": at(time.Hour)}).
			wantError(t, 422, "invalid", "exam_starts_at")
		g.do(t, "PATCH", "/api/v1/admin/batches/no-such", admin, map[string]any{"name": "x"}).wantError(t, 404, "not_found", "")
	})

	t.Run("payment callback refusals", func(t *testing.T) {
		body, _ := json.Marshal(map[string]any{"order_id": uuid.NewString(), "application_id": uuid.NewString(),
			"amount_fen": 16000, "paid_at": time.Now().Format(time.RFC3339), "transaction_id": "tx-1"})
		sign := func(secret string) string {
			m := hmac.New(sha256.New, []byte(secret))
			m.Write(body)
			return hex.EncodeToString(m.Sum(nil))
		}
		g.do(t, "POST", "/api/v1/payments/callback", "", string(body), "X-Signature", sign("wrong")).wantError(t, 401, "unauthorized", "")
		g.do(t, "POST", "/api/v1/payments/callback", "", string(body)).wantError(t, 401, "unauthorized", "")
		g.do(t, "POST", "/api/v1/payments/callback", "", string(body), "X-Signature", sign(testPaymentSecret)).
			wantError(t, 422, "invalid", "order_id")
	})

	t.Run("certificates", func(t *testing.T) {
		g.do(t, "GET", "/api/v1/certificates/S00001500000122500001", "", nil).wantError(t, 404, "not_found", "")
		r := g.do(t, "GET", "/verify/S000015000001225000001", "", nil)
		if r.Status != http.StatusNotFound || !strings.Contains(r.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("verify page of an unknown number: %d %s", r.Status, r.Header.Get("Content-Type"))
		}
	})

	t.Run("codec server is for admins", func(t *testing.T) {
		const valid400 = `{"id":"x"}` // the cookie must not authenticate other routes
		plain := `{"payloads":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"eyJhIjoxfQ=="}]}`
		applicant := g.registerApplicant(t, "郑十")
		g.do(t, "POST", "/codec/encode", "", plain).wantError(t, 401, "unauthorized", "")
		g.do(t, "POST", "/codec/decode", applicant.Token, plain).wantError(t, 403, "forbidden", "")
		enc := g.do(t, "POST", "/codec/encode", admin, plain).want(t, 200)
		if strings.Contains(string(enc.Raw), "eyJhIjoxfQ==") {
			t.Fatalf("encode left the payload in clear: %s", enc.Raw)
		}
		dec := g.do(t, "POST", "/codec/decode", admin, string(enc.Raw)).want(t, 200)
		if !strings.Contains(string(dec.Raw), "eyJhIjoxfQ==") {
			t.Fatalf("decode did not restore the payload: %s", dec.Raw)
		}

		// The Web UI: preflight from its origin, then the cookie set by /codec/login.
		origin := g.env["TEMPORAL_UI_URL"]
		pre := g.do(t, "OPTIONS", "/codec/decode", "", nil, "Origin", origin, "Access-Control-Request-Method", "POST")
		if pre.Status != 204 || pre.Header.Get("Access-Control-Allow-Origin") != origin ||
			pre.Header.Get("Access-Control-Allow-Credentials") != "true" {
			t.Fatalf("preflight from %s: %d %v", origin, pre.Status, pre.Header)
		}
		if evil := g.do(t, "OPTIONS", "/codec/decode", "", nil, "Origin", "http://evil.example"); evil.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Fatal("another origin is allowed")
		}
		codecSignIn(t, g, applicant.Phone, applicantPassword).want(t, 401)
		login := codecSignIn(t, g, "admin", testAdminPassword).want(t, 200)
		cookie := ""
		for _, c := range (&http.Response{Header: login.Header}).Cookies() {
			if c.Name == codecCookie && c.HttpOnly && c.Path == "/codec" {
				cookie = c.Name + "=" + c.Value
			}
		}
		if cookie == "" {
			t.Fatalf("no HttpOnly codec cookie: %v", login.Header["Set-Cookie"])
		}
		ui := g.do(t, "POST", "/codec/decode", "", string(enc.Raw), "Cookie", cookie, "Origin", origin, "X-Namespace", "default").want(t, 200)
		if ui.Header.Get("Access-Control-Allow-Origin") != origin || !strings.Contains(string(ui.Raw), "eyJhIjoxfQ==") {
			t.Fatalf("decode with the cookie: %v %s", ui.Header, ui.Raw)
		}
		g.do(t, "POST", "/api/v1/admin/batches", "", valid400, "Cookie", cookie).wantError(t, 401, "unauthorized", "")
	})

	t.Run("openapi over HTTP", func(t *testing.T) {
		r := g.do(t, "GET", "/api/v1/openapi.json", "", nil).want(t, 200)
		paths, _ := r.Body["paths"].(map[string]any)
		if paths["/api/v1/applications/{id}/submit"] == nil || paths["/api/v1/tasks"] == nil {
			t.Fatalf("document lacks routes: %d paths", len(paths))
		}
	})
}
