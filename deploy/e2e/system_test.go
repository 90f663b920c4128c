package e2e

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"skillcert/internal/devstack"
)

func TestMain(m *testing.M) { os.Exit(devstack.Main(m)) }

const (
	adminPassword = "E2eAdmin2022"
	paymentSecret = "e2e-payment-secret"
)

// system is a running gateway and worker on a database of their own.
type system struct {
	t           *testing.T
	env         []string
	dir         string
	baseURL     string
	databaseURL string
	worker      *exec.Cmd
	gateway     *exec.Cmd
	patient     *patience // nil: a connection error fails the test and 5xx answers are returned at once
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// build compiles the worker and the gateway once per test binary.
func build(t *testing.T, dir string) {
	root, err := devstack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "build", "-o", dir+"/", "./cmd/worker", "./cmd/gateway")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
}

func startSystem(t *testing.T) *system {
	t.Helper()
	stack := devstack.ForTest(t)
	dir := t.TempDir()
	build(t, dir)
	dbURL := stack.TestDatabase(t)
	addr := freeAddr(t)
	s := &system{t: t, dir: dir, baseURL: "http://" + addr, databaseURL: dbURL}
	s.env = append(os.Environ(), stack.Env()...)
	s.env = append(s.env, "DATABASE_URL="+dbURL, "SKILLCERT_HTTP_ADDR="+addr, "SKILLCERT_ADMIN_PASSWORD="+adminPassword,
		"SKILLCERT_PAYMENT_SECRET="+paymentSecret, "SKILLCERT_MINIO_BUCKET=e2e-"+strings.ToLower(strconv.FormatInt(time.Now().UnixNano(), 36)),
		"SKILLCERT_TOKEN_KEY=e2e-token-key-0123456789abcdef", "SKILLCERT_METRICS_ADDR=127.0.0.1:0", "SKILLCERT_TASK_QUEUE=e2e-"+strconv.FormatInt(time.Now().UnixNano(), 36), "SKILLCERT_LOG_LEVEL=warn",
		"SKILLCERT_WORKER_METRICS_ADDR=127.0.0.1:0")
	s.gateway = s.start("gateway")
	s.worker = s.start("worker")
	t.Cleanup(s.stop)
	s.waitReady()
	return s
}

func (s *system) start(name string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(s.dir, name))
	cmd.Env = s.env
	logf, err := os.Create(filepath.Join(s.dir, name+".log"))
	if err != nil {
		s.t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	return cmd
}

// killWorker stops the worker with SIGKILL (no chance to finish anything) and starts a new one.
func (s *system) killWorker(restartAfter time.Duration) {
	s.t.Helper()
	_ = s.worker.Process.Signal(syscall.SIGKILL)
	_, _ = s.worker.Process.Wait()
	time.Sleep(restartAfter)
	s.worker = s.start("worker")
}

func (s *system) stop() {
	for _, c := range []*exec.Cmd{s.gateway, s.worker} {
		if c != nil && c.Process != nil {
			_ = c.Process.Signal(syscall.SIGTERM)
			done := make(chan struct{})
			go func() { _, _ = c.Process.Wait(); close(done) }()
			select {
			case <-done:
			case <-time.After(15 * time.Second):
				_ = c.Process.Kill()
			}
		}
	}
	if s.t.Failed() {
		for _, name := range []string{"gateway", "worker"} {
			if b, err := os.ReadFile(filepath.Join(s.dir, name+".log")); err == nil {
				s.t.Logf("--- %s log (tail) ---\n%s", name, tail(b, 4000))
			}
		}
	}
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

func (s *system) waitReady() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.baseURL+"/readyz", nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-ctx.Done():
			s.t.Fatalf("gateway not ready: %v", fmt.Errorf("last error: %v", err))
		case <-time.After(200 * time.Millisecond):
		}
	}
}
