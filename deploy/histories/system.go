package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"skillcert/codec"
	"skillcert/internal/devstack"
)

// system is the worker and the gateway built from this checkout, running against the private stack.
type system struct {
	baseURL, adminPassword, paymentSecret string
	procs                                 []*exec.Cmd
}

// childEnv is this process' environment without any setting of the skillcert programs (a developer's
// SKILLCERT_CODEC_KEYS must not encrypt the corpus), plus the stack's and extra.
func childEnv(stack *devstack.Stack, extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		key, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(key, "SKILLCERT_") || strings.HasPrefix(key, "TEMPORAL_") || key == "DATABASE_URL" {
			continue
		}
		env = append(env, kv)
	}
	return append(append(env, stack.Env()...), extra...)
}

// startSystem builds cmd/worker and cmd/gateway into dir/bin and starts them. The histories are encrypted
// with the development key that the replay test decodes with; the payment reminder goes out 3 s before a
// payment deadline so that the shortened windows of the expiry scenarios fire it.
func startSystem(ctx context.Context, root, dir string, stack *devstack.Stack) (*system, error) {
	bin := filepath.Join(dir, "bin")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin+"/", "./cmd/worker", "./cmd/gateway")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build worker and gateway: %w: %s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	_ = l.Close()
	s := &system{baseURL: "http://" + addr, adminPassword: "Corpus" + randomHex(6) + "9a", paymentSecret: randomHex(24)}
	env := childEnv(stack, "SKILLCERT_CODEC_KEYS="+codec.DevKeyring, "SKILLCERT_PAYMENT_REMINDER=3s", "SKILLCERT_LOG_LEVEL=warn")
	gwEnv := append(env, "SKILLCERT_HTTP_ADDR="+addr, "SKILLCERT_ADMIN_PASSWORD="+s.adminPassword,
		"SKILLCERT_PAYMENT_SECRET="+s.paymentSecret, "SKILLCERT_TOKEN_KEY=corpus-token-key-"+randomHex(16),
		"SKILLCERT_RATE_LIMIT=100000000", "SKILLCERT_AUTH_RATE_LIMIT=100000000", "SKILLCERT_METRICS_ADDR=off")
	for _, p := range []struct {
		name string
		env  []string
	}{{"worker", env}, {"gateway", gwEnv}} {
		logFile, err := os.Create(filepath.Join(dir, p.name+".log"))
		if err != nil {
			s.stop()
			return nil, err
		}
		cmd := exec.Command(filepath.Join(bin, p.name))
		cmd.Env, cmd.Stdout, cmd.Stderr = p.env, logFile, logFile
		cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
		if err := cmd.Start(); err != nil {
			s.stop()
			return nil, fmt.Errorf("start %s: %w", p.name, err)
		}
		s.procs = append(s.procs, cmd)
	}
	if err := waitReady(ctx, s.baseURL+"/readyz"); err != nil {
		s.stop()
		return nil, fmt.Errorf("%w (logs in %s)", err, dir)
	}
	return s, nil
}

// stop ends the processes it started: SIGTERM, then SIGKILL after 15 s.
func (s *system) stop() {
	for _, c := range s.procs {
		_ = c.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _, _ = c.Process.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = c.Process.Kill()
			<-done
		}
	}
	s.procs = nil
}

func waitReady(ctx context.Context, url string) error {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("gateway not ready at %s: %v", url, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// quietLogger drops the Temporal client's logs.
type quietLogger struct{}

func (quietLogger) Debug(string, ...any) {}
func (quietLogger) Info(string, ...any)  {}
func (quietLogger) Warn(string, ...any)  {}
func (quietLogger) Error(string, ...any) {}
