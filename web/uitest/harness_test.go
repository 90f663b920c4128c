package uitest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
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
	env := map[string]string{}
	for _, kv := range ds.Env() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	env["SKILLCERT_ADMIN_PASSWORD"] = adminPassword
	env["SKILLCERT_PAYMENT_SECRET"] = paymentSecret
	env["SKILLCERT_DEMO_PASSWORD"] = demoPassword
	env["SKILLCERT_DEV_SEED"] = "1"
	env["SKILLCERT_LOG_LEVEL"] = "warn"
	if l := os.Getenv("SKILLCERT_UI_LOG_LEVEL"); l != "" {
		env["SKILLCERT_LOG_LEVEL"] = l
	}
	env["SKILLCERT_TOKEN_KEY"] = "ui-test-token-key"
	dbURL, drop, err := ds.NewDatabase(ctx, "uitest")
	if err != nil {
		return nil, err
	}
	shared.stop = append(shared.stop, func() { _ = drop(context.Background()) })
	env["DATABASE_URL"] = dbURL
	env["SKILLCERT_TASK_QUEUE"] = fmt.Sprintf("uitest-%d", time.Now().UnixNano())
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
	root, err := devstack.RepoRoot()
	if err != nil {
		return err
	}
	bin := filepath.Join(dir, "worker")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/worker")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("build worker: %w: %s", err, out)
	}
	cmd := exec.Command(bin)
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	_, err = startChild(cmd, filepath.Join(dir, "worker.log"))
	return err
}

// startChild starts cmd with its output in logPath, and stops it (SIGTERM, then SIGKILL after 20 s) when the
// tests end. The returned channel closes when the process exits.
func startChild(cmd *exec.Cmd, logPath string) (<-chan struct{}, error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s: %w", filepath.Base(cmd.Path), err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	shared.stop = append(shared.stop, func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		logFile.Close()
	})
	return exited, nil
}
