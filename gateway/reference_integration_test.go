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
		must(g.as("").Health(t.Context()))(t)
		if r := must(g.as("").Ready(t.Context()))(t); r.Status != "ok" {
			t.Fatalf("readyz %+v, want {status: ok}", r)
		} // that it has no other field: the OpenAPI check (Health has one property)
		if r, raw, _ := g.send(t, "", "GET", "/metrics", nil); r.StatusCode != 404 {
			t.Fatalf("metrics on the API listener: %d %s", r.StatusCode, raw)
		}
		m, raw, _ := (&testGateway{baseURL: g.metricsURL, client: g.client}).send(t, "", "GET", "/metrics", nil)
		if m.StatusCode != 200 || !strings.Contains(string(raw), "skillcert_http_requests_total") {
			t.Fatalf("metrics lack the request counter: %d", m.StatusCode)
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
		wantAPIError(t, g.as(admin).Do(t.Context(), "POST", "/api/v1/admin/batches", valid(id), nil), 409, "conflict", "id")
		applicant := g.registerApplicant(t, "周八")
		wantAPIError(t, g.as(applicant.Token).Do(t.Context(), "POST", "/api/v1/admin/batches", valid("x"+id), nil), 403, "forbidden", "")
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
				wantAPIError(t, g.as(admin).Do(t.Context(), "POST", "/api/v1/admin/batches", body, nil), 422, "invalid", field)
			})
		}
		closes := at(80 * time.Hour)
		if patched := must(g.as(admin).PatchBatch(t.Context(), id, api.BatchRequest{PaymentClosesAt: &closes}))(t); patched.PaymentClosesAt.UTC().Format(time.RFC3339) != closes {
			t.Fatalf("patched %+v", patched)
		}
		examStarts, name := at(time.Hour), "x"
		wantAPIError(t, errOf(g.as(admin).PatchBatch(t.Context(), id, api.BatchRequest{ExamStartsAt: &examStarts})), 422, "invalid", "exam_starts_at")
		wantAPIError(t, errOf(g.as(admin).PatchBatch(t.Context(), "no-such", api.BatchRequest{Name: &name})), 404, "not_found", "")
	})

	t.Run("payment callback refusals", func(t *testing.T) {
		body, _ := json.Marshal(map[string]any{"order_id": uuid.NewString(), "application_id": uuid.NewString(),
			"amount_fen": 16000, "paid_at": time.Now().Format(time.RFC3339), "transaction_id": "tx-1"})
		sign := func(secret string) string {
			m := hmac.New(sha256.New, []byte(secret))
			m.Write(body)
			return hex.EncodeToString(m.Sum(nil))
		}
		callback := func(headers ...string) error { // the exact bytes signed
			return g.as("").Do(t.Context(), "POST", "/api/v1/payments/callback", json.RawMessage(body), nil, headers...)
		}
		wantAPIError(t, callback("X-Signature", sign("wrong")), 401, "unauthorized", "")
		wantAPIError(t, callback(), 401, "unauthorized", "")
		wantAPIError(t, callback("X-Signature", sign(testPaymentSecret)), 422, "invalid", "order_id")
	})

	t.Run("certificates", func(t *testing.T) {
		wantAPIError(t, errOf(g.as("").Certificate(t.Context(), "S00001500000122500001", "")), 404, "not_found", "")
		r, _, _ := g.send(t, "", "GET", "/verify/S000015000001225000001", nil)
		if r.StatusCode != http.StatusNotFound || !strings.Contains(r.Header.Get("Content-Type"), "text/html") {
			t.Fatalf("verify page of an unknown number: %d %s", r.StatusCode, r.Header.Get("Content-Type"))
		}
	})

	t.Run("codec server is for admins", func(t *testing.T) {
		const valid400 = `{"id":"x"}` // the cookie must not authenticate other routes
		plain := `{"payloads":[{"metadata":{"encoding":"anNvbi9wbGFpbg=="},"data":"eyJhIjoxfQ=="}]}`
		applicant := g.registerApplicant(t, "郑十")
		// The codec server speaks Temporal's payload format, which the typed client does not: raw requests.
		_, _, e := g.send(t, "", "POST", "/codec/encode", plain)
		wantStatusError(t, e, 401, "unauthorized", "")
		_, _, e = g.send(t, applicant.Token, "POST", "/codec/decode", plain)
		wantStatusError(t, e, 403, "forbidden", "")
		r, enc, _ := g.send(t, admin, "POST", "/codec/encode", plain)
		if r.StatusCode != 200 || strings.Contains(string(enc), "eyJhIjoxfQ==") {
			t.Fatalf("encode left the payload in clear: %d %s", r.StatusCode, enc)
		}
		r, dec, _ := g.send(t, admin, "POST", "/codec/decode", string(enc))
		if r.StatusCode != 200 || !strings.Contains(string(dec), "eyJhIjoxfQ==") {
			t.Fatalf("decode did not restore the payload: %d %s", r.StatusCode, dec)
		}

		// The Web UI: preflight from its origin, then the cookie set by /codec/login.
		origin := g.env["TEMPORAL_UI_URL"]
		pre, _, _ := g.send(t, "", "OPTIONS", "/codec/decode", nil, "Origin", origin, "Access-Control-Request-Method", "POST")
		if pre.StatusCode != 204 || pre.Header.Get("Access-Control-Allow-Origin") != origin ||
			pre.Header.Get("Access-Control-Allow-Credentials") != "true" {
			t.Fatalf("preflight from %s: %d %v", origin, pre.StatusCode, pre.Header)
		}
		if evil, _, _ := g.send(t, "", "OPTIONS", "/codec/decode", nil, "Origin", "http://evil.example"); evil.Header.Get("Access-Control-Allow-Origin") != "" {
			t.Fatal("another origin is allowed")
		}
		if r, raw, _ := codecSignIn(t, g, applicant.Phone, applicantPassword); r.StatusCode != 401 {
			t.Fatalf("codec sign-in of an applicant: %d %s, want 401", r.StatusCode, raw)
		}
		login, raw, _ := codecSignIn(t, g, "admin", testAdminPassword)
		if login.StatusCode != 200 {
			t.Fatalf("codec sign-in: %d %s", login.StatusCode, raw)
		}
		cookie := ""
		for _, c := range (&http.Response{Header: login.Header}).Cookies() {
			if c.Name == codecCookie && c.HttpOnly && c.Path == "/codec" {
				cookie = c.Name + "=" + c.Value
			}
		}
		if cookie == "" {
			t.Fatalf("no HttpOnly codec cookie: %v", login.Header["Set-Cookie"])
		}
		ui, uiRaw, _ := g.send(t, "", "POST", "/codec/decode", string(enc), "Cookie", cookie, "Origin", origin, "X-Namespace", "default")
		if ui.StatusCode != 200 || ui.Header.Get("Access-Control-Allow-Origin") != origin || !strings.Contains(string(uiRaw), "eyJhIjoxfQ==") {
			t.Fatalf("decode with the cookie: %d %v %s", ui.StatusCode, ui.Header, uiRaw)
		}
		_, _, e = g.send(t, "", "POST", "/api/v1/admin/batches", valid400, "Cookie", cookie)
		wantStatusError(t, e, 401, "unauthorized", "")
	})

	t.Run("openapi over HTTP", func(t *testing.T) {
		var doc struct {
			Paths map[string]any `json:"paths"`
		}
		if err := g.as("").Do(t.Context(), "GET", "/api/v1/openapi.json", nil, &doc); err != nil {
			t.Fatal(err)
		}
		paths := doc.Paths
		if paths["/api/v1/applications/{id}/submit"] == nil || paths["/api/v1/tasks"] == nil {
			t.Fatalf("document lacks routes: %d paths", len(paths))
		}
	})
}
