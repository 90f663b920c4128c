package gateway

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"
)

// extraGateway starts another gateway on the shared stack with some settings changed; it stops when the
// test ends.
func (g *testGateway) extraGateway(t *testing.T, overrides map[string]string) *testGateway {
	t.Helper()
	env := map[string]string{}
	for k, v := range g.env {
		env[k] = v
	}
	for k, v := range overrides {
		env[k] = v
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	env["SKILLCERT_HTTP_ADDR"] = "127.0.0.1:" + port
	addr, metricsAddr := make(chan string, 1), make(chan string, 1)
	listening = func(a string) { addr <- a }
	metricsListening = func(a string) {
		select {
		case metricsAddr <- a:
		default:
		}
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(ctx, []string{"gateway"}, func(k string) string { return env[k] }) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("extra gateway: %v", err)
		}
	})
	select {
	case a := <-addr:
		return &testGateway{baseURL: "http://" + a, metricsURL: "http://" + <-metricsAddr, env: env,
			client: &http.Client{Timeout: time.Minute}}
	case err := <-done:
		t.Fatalf("extra gateway exited: %v", err)
	case <-time.After(time.Minute):
		t.Fatal("extra gateway did not start")
	}
	return nil
}

// TestTemporalDownIntegration: with Temporal unreachable the gateway still starts, says so on /readyz,
// answers writes with 503 and keeps serving reads from Postgres.
func TestTemporalDownIntegration(t *testing.T) {
	g := startGateway(t)
	batch := g.newBatch(t)
	a := g.registerApplicant(t, "吴九")
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	down := g.extraGateway(t, map[string]string{"TEMPORAL_ADDRESS": "127.0.0.1:" + port, "SKILLCERT_REQUEST_TIMEOUT": "3s"})

	r, raw, _ := down.send(t, "", "GET", "/readyz", nil)
	var ready map[string]any
	if err := json.Unmarshal(raw, &ready); err != nil || r.StatusCode != 503 || len(ready) != 1 || ready["status"] != "unavailable" ||
		r.Header.Get("Retry-After") == "" {
		t.Fatalf("readyz = %d %s, want 503 with only {status: unavailable} and Retry-After", r.StatusCode, raw)
	}
	token := down.login(t, a.Phone, applicantPassword)
	start := time.Now()
	wantAPIError(t, errOf(down.as(token).CreateApplication(t.Context(), applicationRequest(batch, "呼和浩特市"))), 503, "unavailable", "")
	if time.Since(start) > 10*time.Second {
		t.Fatalf("503 took %v", time.Since(start))
	}
	must(down.as(token).Applications(t.Context()))(t)
	if mine := must(g.as(a.Token).Applications(t.Context()))(t); len(mine) != 0 {
		t.Fatalf("a refused creation left an application: %+v", mine)
	}
}
