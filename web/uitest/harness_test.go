package uitest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"skillcert/gateway"
	"skillcert/internal/devstack"
)

const (
	adminPassword   = "Admin2022ui"
	demoPassword    = "Demo2022ui"
	paymentSecret   = "ui-test-payment-secret"
	bootTimeout     = 15 * time.Minute
	applicantPasswd = "Passw0rd2022"
)

// stack is the running system the browser talks to.
type stack struct {
	baseURL string
	env     map[string]string
	workDir string
}

var shared struct {
	once    sync.Once
	st      *stack
	err     error
	stop    []func()
	release func() error
}

func TestMain(m *testing.M) {
	code := m.Run()
	for i := len(shared.stop) - 1; i >= 0; i-- {
		shared.stop[i]()
	}
	if shared.release != nil {
		if err := shared.release(); err != nil && code == 0 {
			fmt.Fprintf(os.Stderr, "release dev stack: %v\n", err)
			code = 1
		}
	}
	os.Exit(code)
}

// startStack returns the shared system, booting it on first use; skipped with -short.
func startStack(t *testing.T) *stack {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test: needs the real stack and Chromium (skipped with -short)")
	}
	if _, err := exec.LookPath(chromiumPath()); err != nil {
		t.Fatalf("chromium not found at %s (deploy/dev/setup.sh installs it): %v", chromiumPath(), err)
	}
	shared.once.Do(func() { shared.st, shared.err = boot() })
	if shared.err != nil {
		t.Fatalf("start stack: %v", shared.err)
	}
	return shared.st
}

// full reports whether the long journeys run (make test-ui); make test runs the smoke tests only.
func full(t *testing.T) {
	t.Helper()
	if os.Getenv("SKILLCERT_UI_FULL") == "" {
		t.Skip("full browser journey: run with make test-ui (SKILLCERT_UI_FULL=1)")
	}
}

func boot() (*stack, error) {
	ctx, cancel := context.WithTimeout(context.Background(), bootTimeout)
	defer cancel()
	ds, release, err := devstack.Shared(ctx)
	if err != nil {
		return nil, fmt.Errorf("dev stack: %w", err)
	}
	shared.release = release
	env, drop, err := ds.AppEnv(ctx, "uitest", devstack.AppSecrets{AdminPassword: adminPassword,
		DemoPassword: demoPassword, PaymentSecret: paymentSecret, TokenKey: "ui-test-token-key"})
	if err != nil {
		return nil, err
	}
	shared.stop = append(shared.stop, func() { _ = drop(context.Background()) })
	if l := os.Getenv("SKILLCERT_UI_LOG_LEVEL"); l != "" {
		env["SKILLCERT_LOG_LEVEL"] = l
	}
	dir, err := os.MkdirTemp("", "skillcert-uitest-")
	if err != nil {
		return nil, err
	}
	shared.stop = append(shared.stop, func() { os.RemoveAll(dir) })
	if err := startWorker(ctx, dir, env); err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	env["SKILLCERT_HTTP_ADDR"] = "127.0.0.1:" + port
	// The Temporal Web UI of these tests (temporal_ui_test.go) runs on its own port, as make dev's does; the
	// gateway learns its origin the way make dev's learns it, from TEMPORAL_UI_URL.
	uiPort, err := freePort()
	if err != nil {
		return nil, err
	}
	env["TEMPORAL_UI_URL"] = "http://127.0.0.1:" + uiPort
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- gateway.Run(runCtx, []string{"gateway"}, func(k string) string { return env[k] }) }()
	shared.stop = append(shared.stop, func() {
		stop()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
		}
	})
	st := &stack{baseURL: "http://127.0.0.1:" + port, env: env, workDir: dir}
	for {
		resp, err := http.Get(st.baseURL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return st, nil
			}
		}
		select {
		case err := <-done:
			return nil, fmt.Errorf("gateway exited: %v", err)
		case <-ctx.Done():
			return nil, fmt.Errorf("gateway not ready: %w", ctx.Err())
		case <-time.After(250 * time.Millisecond):
		}
	}
}

func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	_, port, err := net.SplitHostPort(ln.Addr().String())
	return port, err
}

// startWorker builds ./cmd/worker and runs it against the stack until the tests end.
func startWorker(ctx context.Context, dir string, env map[string]string) error {
	stop, err := devstack.StartWorker(ctx, dir, env)
	if err != nil {
		return err
	}
	shared.stop = append(shared.stop, stop)
	return nil
}

// startChild starts cmd with its output in logPath, and stops it when the tests end. The returned channel
// closes when the process exits.
func startChild(cmd *exec.Cmd, logPath string) (<-chan struct{}, error) {
	exited, stop, err := devstack.StartChild(cmd, logPath)
	if err != nil {
		return nil, err
	}
	shared.stop = append(shared.stop, stop)
	return exited, nil
}
