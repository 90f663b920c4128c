package gateway

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"go.temporal.io/sdk/temporal"

	"skillcert"
)

// Tests of the request-layer findings of the security review (issue 11), named by finding. The integration
// ones live in security_*_integration_test.go.

// gzipBomb returns gzip of n zero bytes (about n/1000 bytes long).
func gzipBomb(t *testing.T, n int) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	chunk := make([]byte, 1<<20)
	for n > 0 {
		k := min(n, len(chunk))
		if _, err := w.Write(chunk[:k]); err != nil {
			t.Fatal(err)
		}
		n -= k
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestFinding01CompressedBodiesRefused: a body with a Content-Encoding is refused with 415 naming the
// header, on public routes before authentication too, whatever the encoding.
func TestFinding01CompressedBodiesRefused(t *testing.T) {
	a := newOfflineApp(t)
	var deflated bytes.Buffer
	zw := zlib.NewWriter(&deflated)
	zw.Write([]byte(`{"login":"admin","password":"x"}`))
	zw.Close()
	c := offline(t, a)
	for _, path := range []string{"/api/v1/auth/login", "/api/v1/auth/register", "/api/v1/payments/callback",
		"/api/v1/applications", "/codec/decode"} {
		for _, enc := range []string{"gzip", "deflate", "br", "gzip, identity", "x-unknown"} {
			resp, body, e := exchange(t, c, "POST", path, deflated.String(), "Content-Encoding", enc)
			if resp.StatusCode != 415 {
				t.Fatalf("POST %s with Content-Encoding %q: status %d, want 415: %s", path, enc, resp.StatusCode, body)
			}
			wantErrorBody(t, e, "unsupported", "Content-Encoding")
		}
	}
	// No body, nothing to inflate.
	if resp, body, _ := exchange(t, c, "GET", "/healthz", "", "Content-Encoding", "gzip"); resp.StatusCode != 200 {
		t.Fatalf("GET without a body but with Content-Encoding: %d %s", resp.StatusCode, body)
	}
	// identity is no encoding at all.
	if resp, body, _ := exchange(t, c, "POST", "/api/v1/auth/login", `{"login":""}`, "Content-Encoding", "identity"); resp.StatusCode != 422 {
		t.Fatalf("identity: status %d, want 422 (validation): %s", resp.StatusCode, body)
	}
}

// TestFinding01BombCannotInflate: a gzip body that inflates to 256 MiB, well under the 16 MiB global limit
// as sent, costs the gateway no more memory than its compressed size (the review saw 108 MiB → 1.9 GiB).
func TestFinding01BombCannotInflate(t *testing.T) {
	a := newOfflineApp(t)
	f := a.fiber()
	bomb := gzipBomb(t, 256<<20)
	if len(bomb) > a.cfg.BodyLimit {
		t.Fatalf("bomb of %d bytes exceeds the body limit", len(bomb))
	}
	for _, path := range []string{"/api/v1/auth/login", "/api/v1/payments/callback"} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		req := httptest.NewRequest("POST", path, bytes.NewReader(bomb))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Content-Encoding", "gzip")
		resp, err := f.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		if allocated := after.TotalAlloc - before.TotalAlloc; allocated > 16<<20 {
			t.Fatalf("POST %s: a %d KiB gzip body made the gateway allocate %d MiB (status %d)",
				path, len(bomb)>>10, allocated>>20, resp.StatusCode)
		}
		if resp.StatusCode != 415 {
			t.Fatalf("POST %s: status %d, want 415", path, resp.StatusCode)
		}
	}
}

// TestFinding01CallbackSignsRawBytes: the payment callback's signature is checked over the bytes as sent.
// A signature over the inflated JSON of a gzip body does not verify: the body is refused before.
func TestFinding01CallbackSignsRawBytes(t *testing.T) {
	a := newOfflineApp(t)
	plain := `{"order_id":"x","application_id":"y","amount_fen":1,"paid_at":"2026-01-01T00:00:00Z","transaction_id":"t"}`
	mac := hmac.New(sha256.New, []byte(a.cfg.PaymentSecret))
	mac.Write([]byte(plain))
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte(plain))
	w.Close()
	c := offline(t, a)
	resp, body, _ := exchange(t, c, "POST", "/api/v1/payments/callback", gz.String(),
		"Content-Encoding", "gzip", "X-Signature", hex.EncodeToString(mac.Sum(nil)))
	if resp.StatusCode != 415 {
		t.Fatalf("gzip callback signed over the inflated body: status %d, want 415: %s", resp.StatusCode, body)
	}
	// Signed over other bytes than those sent: 401 whatever the JSON says.
	resp, _, _ = exchange(t, c, "POST", "/api/v1/payments/callback", plain+" ", "X-Signature", hex.EncodeToString(mac.Sum(nil)))
	if resp.StatusCode != 401 {
		t.Fatalf("signature over different bytes: status %d, want 401", resp.StatusCode)
	}
}

// TestFinding13InternalErrorsCarryNoUpstreamMessage: whatever a 500 came from, its message is the fixed
// one; the cause (a worker's panic, a dependency's words) goes to the log only.
func TestFinding13InternalErrorsCarryNoUpstreamMessage(t *testing.T) {
	fc := temporal.GetDefaultFailureConverter()
	leaky := "pq: password authentication failed for user skillcert at 10.0.3.7"
	fromWorker := fc.FailureToError(fc.ErrorToFailure(temporal.NewApplicationError(leaky, "PanicError")))
	internal := fc.FailureToError(fc.ErrorToFailure(temporal.NewApplicationError(leaky, skillcert.EINTERNAL)))
	for _, err := range []error{
		fromWorker, internal,
		skillcert.Errorf(skillcert.EINTERNAL, "%s", leaky),
		fiber.NewError(500, leaky),
		fiber.NewError(502, leaky),
		errors.New(leaky),
	} {
		status, body := classify(fmt.Errorf("update: %w", err))
		if status != 500 || body.Message != "服务器内部错误" || len(body.Fields) != 0 || body.Details != nil {
			t.Fatalf("%T: %d %+v, want 500 with only the fixed message", err, status, body)
		}
	}
}

// TestFinding16GeneratedSecretsNeverLogged: secrets generated because their variable was unset appear on
// the terminal only (when there is one), never in the JSON log.
func TestFinding16GeneratedSecretsNeverLogged(t *testing.T) {
	cfg, err := loadConfig(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	var logged, terminal bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&logged, &slog.HandlerOptions{Level: slog.LevelDebug}))
	announceGenerated(log, cfg, &terminal)
	saved := terminalOut
	terminalOut = func() io.Writer { return &terminal }
	defer func() { terminalOut = saved }()
	a := &app{cfg: cfg, log: log}
	a.announceAdmin(true)
	for name, secret := range map[string]string{"admin password": cfg.AdminPassword, "payment secret": cfg.PaymentSecret,
		"token key": string(cfg.TokenKey)} {
		if strings.Contains(logged.String(), secret) {
			t.Errorf("the log carries the generated %s:\n%s", name, logged.String())
		}
	}
	for name, secret := range map[string]string{"admin password": cfg.AdminPassword, "payment secret": cfg.PaymentSecret} {
		if !strings.Contains(terminal.String(), secret) {
			t.Errorf("the terminal was not shown the generated %s", name)
		}
	}
	if !strings.Contains(logged.String(), "SKILLCERT_PAYMENT_SECRET is unset") {
		t.Errorf("the log does not say that a secret was generated:\n%s", logged.String())
	}
	// Without a terminal nothing is shown anywhere.
	terminal.Reset()
	announceGenerated(log, cfg, nil)
	if terminal.Len() != 0 {
		t.Fatal("printed without a terminal")
	}
}

// TestFinding13MetricsListener: the API does not serve /metrics; the metrics listener does. An address
// that was set and is taken stops the start naming the variable; the default address being taken (another
// gateway on the machine) does not.
func TestFinding13MetricsListener(t *testing.T) {
	a := newOfflineApp(t)
	if resp, _, _ := exchange(t, offline(t, a), "GET", "/metrics", ""); resp.StatusCode != 404 {
		t.Fatalf("GET /metrics on the API: %d, want 404", resp.StatusCode)
	}
	quiet := slog.New(slog.NewJSONHandler(io.Discard, nil))
	stop, err := a.metrics.serve("127.0.0.1:0", true, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	if _, err := a.metrics.serve(taken.Addr().String(), true, quiet); err == nil || !strings.Contains(err.Error(), "SKILLCERT_METRICS_ADDR") {
		t.Fatalf("a set, taken address: %v, want an error naming SKILLCERT_METRICS_ADDR", err)
	}
	if stop, err := a.metrics.serve(taken.Addr().String(), false, quiet); err != nil {
		t.Fatalf("the default address taken: %v, want a warning only", err)
	} else {
		stop()
	}
	var seen string
	metricsListening = func(addr string) { seen = addr }
	defer func() { metricsListening = nil }()
	stop2, err := a.metrics.serve("127.0.0.1:0", true, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer stop2()
	resp, err := http.Get("http://" + seen + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "go_goroutines") {
		t.Fatalf("metrics listener: %d %.200s", resp.StatusCode, body)
	}
	if _, err := a.metrics.serve("off", true, quiet); err != nil {
		t.Fatal(err)
	}
}
