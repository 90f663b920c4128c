package tracing

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/gofiber/fiber/v2"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// TestOffInstallsNothing: without an endpoint there is no provider and every hook is absent.
func TestOffInstallsNothing(t *testing.T) {
	tr, err := Setup(context.Background(), "test", env(nil))
	if err != nil || tr != nil || tr.Enabled() {
		t.Fatalf("Setup without an endpoint: %v %v", tr, err)
	}
	if ic, err := tr.TemporalInterceptors(); ic != nil || err != nil {
		t.Errorf("interceptors %v %v", ic, err)
	}
	if tr.QueryTracer() != nil || tr.Middleware() != nil {
		t.Error("a query tracer or middleware is installed while tracing is off")
	}
	if rt := tr.RoundTripper(http.DefaultTransport); rt != http.DefaultTransport {
		t.Error("the object store transport is wrapped while tracing is off")
	}
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Error(err)
	}
}

// TestExportsOverOTLP: with an endpoint, finished spans are sent to <endpoint>/v1/traces as OTLP protobuf.
func TestExportsOverOTLP(t *testing.T) {
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.Path+" "+r.Header.Get("Content-Type")+" "+string(body))
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	defer srv.Close()
	tr, err := Setup(context.Background(), "skillcert-test", env(map[string]string{"OTEL_EXPORTER_OTLP_ENDPOINT": srv.URL}))
	if err != nil || !tr.Enabled() {
		t.Fatalf("Setup: %v", err)
	}
	_, span := tr.Tracer().Start(context.Background(), "exported-span")
	span.End()
	if err := tr.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || !strings.HasPrefix(got[0], "POST /v1/traces application/x-protobuf") ||
		!strings.Contains(got[0], "exported-span") || !strings.Contains(got[0], "skillcert-test") {
		t.Fatalf("collector received %q", got)
	}
}

func TestSetupRefusesBadSettings(t *testing.T) {
	for _, m := range []map[string]string{
		{"OTEL_EXPORTER_OTLP_ENDPOINT": "collector:4318"},
		{"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318", "OTEL_EXPORTER_OTLP_PROTOCOL": "thrift"},
	} {
		if tr, err := Setup(context.Background(), "test", env(m)); err == nil {
			t.Errorf("%v: accepted", m)
			_ = tr.Shutdown(context.Background())
		}
	}
}

func TestStatementName(t *testing.T) {
	for sql, want := range map[string]string{
		"-- name: GetApplication :one\nSELECT * FROM applications": "GetApplication",
		"begin":                              "BEGIN",
		"  select 1":                         "SELECT",
		"WITH x AS (SELECT 1) SELECT 2":      "WITH",
		"averyveryverylongwordwithoutspaces": "query",
	} {
		if got := statementName(sql); got != want {
			t.Errorf("statementName(%q) = %q, want %q", sql, got, want)
		}
	}
}

// TestMiddlewareSpans: a request gets one server span named after its route pattern, with no query string
// or path values in it; probes get none.
func TestMiddlewareSpans(t *testing.T) {
	spans := tracetest.NewInMemoryExporter()
	UseProvider(sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans)))
	defer UseProvider(nil)
	tr, err := Setup(context.Background(), "test", env(nil))
	if err != nil || !tr.Enabled() {
		t.Fatalf("Setup with a provider for tests: %v", err)
	}
	app := fiber.New()
	app.Use(tr.Middleware())
	app.Get("/api/v1/certificates/:number", func(c *fiber.Ctx) error { return c.SendStatus(404) })
	app.Get("/healthz", func(c *fiber.Ctx) error { return c.SendString("ok") })
	for _, path := range []string{"/api/v1/certificates/S000015000001265000001?name=%E5%BC%A0%E4%B8%89", "/healthz"} {
		resp, err := app.Test(httptest.NewRequest("GET", path, nil))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	got := spans.GetSpans()
	if len(got) != 1 || got[0].Name != "GET /api/v1/certificates/:number" {
		t.Fatalf("spans %v", got)
	}
	for _, kv := range got[0].Attributes {
		if v := kv.Value.String(); strings.Contains(v, "S000015") || strings.Contains(v, "name=") {
			t.Errorf("attribute %s = %q carries the request's values", kv.Key, v)
		}
	}
}
