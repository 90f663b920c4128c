package gateway

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"skillcert/client"
	"skillcert/internal/devstack"
)

// The integration tests drive the real program: run() in this process against the real stack (Postgres,
// Temporal, MinIO from internal/devstack), with the real worker built from ./cmd/worker and started as a child
// process. One stack, one worker and one gateway serve every test of the package.

const (
	testAdminPassword  = "Admin2022test"
	testPaymentSecret  = "payment-secret-for-tests"
	testDemoPassword   = "Demo2022skill"
	integrationTimeout = 20 * time.Minute
)

// testGateway is the running gateway and what the tests need to reach it.
type testGateway struct {
	baseURL    string
	metricsURL string // the metrics listener (SKILLCERT_METRICS_ADDR)
	client     *http.Client
	env        map[string]string
	api        *client.Client // the typed client in its test mode: every answer is checked against the OpenAPI document
}

var shared struct {
	once    sync.Once
	gw      *testGateway
	err     error
	stop    []func() // in reverse order of start
	release func() error
}

func TestMain(m *testing.M) {
	code := m.Run()
	for i := len(shared.stop) - 1; i >= 0; i-- {
		shared.stop[i]()
	}
	if shared.release != nil {
		if err := shared.release(); err != nil {
			fmt.Fprintf(os.Stderr, "release dev stack: %v\n", err)
			if code == 0 {
				code = 1
			}
		}
	}
	os.Exit(code)
}

// startGateway returns the shared gateway, starting the stack, the worker and the gateway on first use.
// Integration tests are skipped with -short.
func startGateway(t *testing.T) *testGateway {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: needs Postgres, Temporal and MinIO (skipped with -short)")
	}
	shared.once.Do(func() { shared.gw, shared.err = bootGateway() })
	if shared.err != nil {
		t.Fatalf("start gateway: %v", shared.err)
	}
	return shared.gw
}

func bootGateway() (*testGateway, error) {
	ctx, cancel := context.WithTimeout(context.Background(), integrationTimeout)
	defer cancel()
	stack, release, err := devstack.Shared(ctx)
	if err != nil {
		return nil, fmt.Errorf("dev stack: %w", err)
	}
	shared.release = release

	// Packages share one stack under `make test`: this one gets its own database and task queue, so no
	// other package's worker picks up its workflows.
	env, drop, err := stack.AppEnv(ctx, "gateway", devstack.AppSecrets{AdminPassword: testAdminPassword,
		DemoPassword: testDemoPassword, PaymentSecret: testPaymentSecret, TokenKey: "integration-test-token-key"})
	if err != nil {
		return nil, err
	}
	shared.stop = append(shared.stop, func() { _ = drop(context.Background()) })
	env["SKILLCERT_VERIFY_RATE_LIMIT"] = "1000" // every test shares 127.0.0.1; the limit has its own unit test

	if err := startWorker(ctx, env); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	env["SKILLCERT_HTTP_ADDR"] = "127.0.0.1:" + port
	env["SKILLCERT_METRICS_ADDR"] = "127.0.0.1:0"
	addr, metricsAddr := make(chan string, 1), make(chan string, 1)
	listening = func(a string) { addr <- a }
	metricsListening = func(a string) {
		select {
		case metricsAddr <- a:
		default:
		}
	}
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Run(runCtx, []string{"gateway"}, func(k string) string { return env[k] }) }()
	shared.stop = append(shared.stop, func() {
		stop()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
		}
	})
	var gw *testGateway
	select {
	case a := <-addr:
		gw = &testGateway{baseURL: "http://" + a, metricsURL: "http://" + <-metricsAddr, env: env, client: &http.Client{
			Timeout:       time.Minute,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}}
	case err := <-done:
		return nil, fmt.Errorf("gateway exited: %v", err)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if err := gw.waitReady(ctx); err != nil {
		return nil, err
	}
	return gw, gw.checkAnswers(ctx)
}

// checkAnswers loads the OpenAPI document the gateway serves and makes the client check every answer
// against it.
func (g *testGateway) checkAnswers(ctx context.Context) error {
	g.api = &client.Client{BaseURL: g.baseURL, HTTP: g.client}
	var raw json.RawMessage
	if err := g.api.Do(ctx, "GET", "/api/v1/openapi.json", nil, &raw); err != nil {
		return fmt.Errorf("read the OpenAPI document: %w", err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		return fmt.Errorf("load the OpenAPI document: %w", err)
	}
	doc.Servers = nil // the document names the public URL; the tests call the listener
	if g.api.Check, err = openAPIChecker(doc); err != nil {
		return fmt.Errorf("OpenAPI router: %w", err)
	}
	return nil
}

// freePort returns a loopback port that was free a moment ago.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	_, port, err := net.SplitHostPort(ln.Addr().String())
	return port, err
}

// startWorker builds ./cmd/worker and starts it against the stack; it stops with the tests (or, should this
// process die, with its parent).
func startWorker(ctx context.Context, env map[string]string) error {
	dir, err := os.MkdirTemp("", "skillcert-gateway-test-")
	if err != nil {
		return err
	}
	stop, err := devstack.StartWorker(ctx, dir, env)
	if err != nil {
		return err
	}
	shared.stop = append(shared.stop, func() {
		stop()
		if os.Getenv("SKILLCERT_KEEP_TEST_LOGS") == "" {
			os.RemoveAll(dir)
		} else {
			fmt.Fprintf(os.Stderr, "worker log kept in %s\n", filepath.Join(dir, "worker.log"))
		}
	})
	return nil
}

// waitReady polls /readyz until every dependency answers.
func (g *testGateway) waitReady(ctx context.Context) error {
	var last string
	for {
		resp, err := g.client.Get(g.baseURL + "/readyz")
		if err == nil {
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
			last = string(b)
		} else {
			last = err.Error()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("gateway not ready: %s", last)
		case <-time.After(250 * time.Millisecond):
		}
	}
}
