package gateway

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"skillcert/api"
	"skillcert/client"
	"skillcert/codec"
)

// newOfflineApp is an app without dependencies: enough for everything that answers before touching
// Postgres, Temporal or MinIO (validation, authentication, routing, OpenAPI).
func newOfflineApp(t *testing.T) *app {
	t.Helper()
	cfg, err := loadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	a := &app{cfg: cfg, log: slog.New(slog.NewJSONHandler(io.Discard, nil)), metrics: newMetrics(), now: time.Now,
		tokens: &tokenSigner{key: cfg.TokenKey, ttl: time.Hour}, logins: newLoginThrottle(nil, cfg.IDHashKey, 5, time.Minute), hashing: newHashSlots(0), csrf: newCSRF(cfg),
		fees: cfg.Fees, policy: cfg.Policy}
	cdc, err := codec.Parse(codec.DevKeyring)
	if err != nil {
		t.Fatal(err)
	}
	a.codec = codecHandler(cdc)
	a.routes = a.allRoutes()
	return a
}

// offline is the typed client of an app without dependencies, in its test mode: every answer is checked
// against the OpenAPI document.
func offline(t *testing.T, a *app) *client.Client {
	t.Helper()
	doc := loadOpenAPI(t, a)
	doc.Servers = nil
	check, err := openAPIChecker(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &client.Client{BaseURL: "http://gateway.test", HTTP: &http.Client{Transport: fiberTransport{a.fiber()}}, Check: check}
}

// exchange sends a raw body (hostile input the typed methods cannot express) through c and returns the
// answer, its body and, for an error answer, the typed error (nil for a 2xx).
func exchange(t *testing.T, c *client.Client, method, path, body string, headers ...string) (*http.Response, []byte, *client.Error) {
	t.Helper()
	req, err := http.NewRequest(method, c.BaseURL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, raw, err := c.Send(req)
	if resp == nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if err != nil {
		t.Errorf("%v\n%s", err, raw)
	}
	var e *client.Error
	errors.As(client.ErrorOf(resp, raw), &e)
	return resp, raw, e
}

// wantErrorBody fails the test unless e is the documented error object with code and, when given, a
// reason for field.
func wantErrorBody(t *testing.T, e *client.Error, code, field string) {
	t.Helper()
	if e == nil || e.Body.Code != code || e.Body.Message == "" || e.Body.Fields == nil || (field != "" && e.Field(field) == "") {
		t.Fatalf("error %+v, want code %q naming %q", e, code, field)
	}
}

// fiberTransport answers requests with the Fiber app in this process.
type fiberTransport struct{ f *fiber.App }

func (ft fiberTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	return ft.f.Test(req, -1)
}

func TestOfflineRequests(t *testing.T) {
	a := newOfflineApp(t)
	const goodID = "11010519491231002X"
	tests := []struct {
		name       string
		method     string
		path       string
		token      string
		body       string
		wantStatus int
		wantCode   string
		wantField  string
	}{
		{"malformed JSON", "POST", "/api/v1/auth/register", "", `{"phone": "138`, 400, "malformed", ""},
		{"empty body", "POST", "/api/v1/auth/register", "", ``, 400, "malformed", ""},
		{"array body", "POST", "/api/v1/auth/register", "", `[]`, 400, "malformed", ""},
		{"bad ID checksum", "POST", "/api/v1/auth/register", "",
			`{"phone":"13800138000","password":"abc12345","name":"张三","id_number":"110105194912310021"}`, 422, "invalid", "id_number"},
		{"bad ID date", "POST", "/api/v1/auth/register", "",
			`{"phone":"13800138000","password":"abc12345","name":"张三","id_number":"110105194913310021"}`, 422, "invalid", "id_number"},
		{"weak password", "POST", "/api/v1/auth/register", "",
			`{"phone":"13800138000","password":"abcdefgh","name":"张三","id_number":"` + goodID + `"}`, 422, "invalid", "password"},
		{"bad phone", "POST", "/api/v1/auth/register", "",
			`{"phone":"12345","password":"abc12345","name":"张三","id_number":"` + goodID + `"}`, 422, "invalid", "phone"},
		{"wrong field type", "POST", "/api/v1/auth/register", "", `{"phone":13800138000}`, 422, "invalid", "phone"},
		{"login without password", "POST", "/api/v1/auth/login", "", `{"login":"admin"}`, 422, "invalid", "password"},
		{"no token", "GET", "/api/v1/applications", "", "", 401, "unauthorized", ""},
		{"garbage token", "GET", "/api/v1/applications/0b7c1f7e-3a37-4a4b-9a55-4f0e3c3a9d11", "v1.abc.def", "", 401, "unauthorized", ""},
		{"no token on admin route", "POST", "/api/v1/admin/batches", "", `{}`, 401, "unauthorized", ""},
		{"unknown route", "GET", "/api/v1/nothing-here", "", "", 404, "not_found", ""},
		{"body too large", "POST", "/api/v1/auth/login", "", `{"login":"` + strings.Repeat("x", 70<<10) + `"}`, 413, "too_large", ""},
		{"payment callback unsigned", "POST", "/api/v1/payments/callback", "", `{"order_id":"x"}`, 401, "unauthorized", ""},
		{"certificate number malformed", "GET", "/api/v1/certificates/NOPE", "", "", 404, "not_found", ""},
	}
	c := offline(t, a)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body, e := exchange(t, c.WithToken(tt.token), tt.method, tt.path, tt.body)
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status = %d, want %d (%s)", resp.StatusCode, tt.wantStatus, body)
			}
			wantErrorBody(t, e, tt.wantCode, tt.wantField)
		})
	}
}

func TestCommonHeaders(t *testing.T) {
	a := newOfflineApp(t)
	c := offline(t, a)
	resp, body, _ := exchange(t, c, "GET", "/healthz", "", "X-Request-ID", "trace-123")
	var health api.Health
	if err := json.Unmarshal(body, &health); resp.StatusCode != 200 || err != nil || health.Status != "ok" {
		t.Fatalf("healthz = %d %s", resp.StatusCode, body)
	}
	if got := resp.Header.Get("X-Request-ID"); got != "trace-123" {
		t.Fatalf("X-Request-ID = %q, want the client's", got)
	}
	for _, h := range []string{"X-Content-Type-Options", "X-Frame-Options", "Content-Security-Policy", "Referrer-Policy"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("header %s missing", h)
		}
	}
	resp, _, e := exchange(t, c, "GET", "/api/v1/applications", "")
	if resp.Header.Get("X-Request-ID") == "" || e == nil || e.Body.RequestID == "" {
		t.Fatal("no generated request ID on an error answer")
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatal("API answers must not be cached")
	}
	metrics := httptest.NewRecorder()
	a.metrics.handler().ServeHTTP(metrics, httptest.NewRequest("GET", "/metrics", nil))
	text, _ := io.ReadAll(metrics.Body)
	if !strings.Contains(string(text), `skillcert_http_requests_total{method="GET",route="/api/v1/applications",status="401"}`) {
		t.Fatalf("metrics do not count the 401:\n%s", text)
	}
}

func TestOpenAPIMatchesRoutes(t *testing.T) {
	a := newOfflineApp(t)
	resp, raw, _ := exchange(t, offline(t, a), "GET", "/api/v1/openapi.json", "")
	var doc map[string]any // the document's own structure, read generically
	if err := json.Unmarshal(raw, &doc); resp.StatusCode != 200 || err != nil || doc["openapi"] != "3.0.3" {
		t.Fatalf("openapi.json = %d %v", resp.StatusCode, doc["openapi"])
	}
	documented := map[string]bool{}
	for path, item := range doc["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			documented[strings.ToUpper(method)+" "+path] = true
			if op.(map[string]any)["responses"] == nil {
				t.Errorf("%s %s has no responses", method, path)
			}
		}
	}
	registered := map[string]bool{}
	for _, r := range a.fiber().GetRoutes(true) {
		if r.Method == "HEAD" || a.webRoutes[r.Method+" "+r.Path] {
			continue // Fiber adds HEAD to every GET; the web UI's pages are not API operations
		}
		registered[r.Method+" "+route{Path: r.Path}.openAPIPath()] = true
	}
	for k := range registered {
		if !documented[k] {
			t.Errorf("%s is served but not documented", k)
		}
	}
	for k := range documented {
		if !registered[k] {
			t.Errorf("%s is documented but not served", k)
		}
	}
	for _, must := range []string{"POST /api/v1/auth/register", "POST /api/v1/applications",
		"GET /api/v1/applications/{id}", "POST /api/v1/applications/{id}/documents/{document_id}/complete",
		"GET /api/v1/tasks", "POST /api/v1/payments/callback", "GET /verify/{number}", "POST /codec/decode",
		"OPTIONS /codec/decode"} {
		if !documented[must] {
			t.Errorf("%s missing from the document", must)
		}
	}
	create := doc["paths"].(map[string]any)["/api/v1/applications"].(map[string]any)["post"].(map[string]any)
	schema := create["requestBody"].(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)["schema"].(map[string]any)
	ref, _ := schema["$ref"].(string)
	schema, _ = doc["components"].(map[string]any)["schemas"].(map[string]any)[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
	props, _ := schema["properties"].(map[string]any)
	for _, f := range []string{"batch_id", "level", "pathway", "previous_certificate", "occupation_started_on"} {
		if props[f] == nil {
			t.Errorf("request schema of POST /api/v1/applications lacks %s", f)
		}
	}
	if !slices.Contains(anyStrings(create["x-roles"]), roleApplicant) {
		t.Errorf("x-roles of POST /api/v1/applications = %v", create["x-roles"])
	}
}

func anyStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}
