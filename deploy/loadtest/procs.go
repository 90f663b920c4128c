package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// child is a program the load test started (worker or gateway).
type child struct {
	name    string
	cmd     *exec.Cmd
	done    chan struct{} // closed when the process has ended
	waitErr error         // why it ended (set before done is closed)
}

// pid is the child's process ID.
func (c *child) pid() int { return c.cmd.Process.Pid }

// buildBinaries compiles the worker and the gateway into dir/bin (not the repository's bin/, so a running
// `make dev` keeps its binaries).
func buildBinaries(ctx context.Context, root, dir string) (string, error) {
	bin := filepath.Join(dir, "bin")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin+"/", "./cmd/worker", "./cmd/gateway")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build worker and gateway: %w: %s", err, clip(string(out), 2000))
	}
	return bin, nil
}

// startChild starts path with env added to this process' environment, logging to logs/<name>.log. The
// child gets SIGKILL should the load test die first.
func startChild(path, name, logDir string, env []string, args ...string) (*child, error) {
	logFile, err := os.OpenFile(filepath.Join(logDir, name+".log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("log of %s: %w", name, err)
	}
	cmd := exec.Command(path, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	c := &child{name: name, cmd: cmd, done: make(chan struct{})}
	go func() {
		c.waitErr = cmd.Wait()
		logFile.Close()
		close(c.done)
	}()
	return c, nil
}

// stop asks the child to end (SIGTERM), and kills it after grace. Stopping an ended child does nothing.
func (c *child) stop(grace time.Duration) {
	if done, _ := c.exited(); done {
		return
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(grace):
		_ = c.cmd.Process.Kill()
		<-c.done
	}
}

// exited reports whether the child has ended (and why), without waiting.
func (c *child) exited() (bool, error) {
	select {
	case <-c.done:
		return true, c.waitErr
	default:
		return false, nil
	}
}

// freePort returns a loopback TCP port that was free a moment ago.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitReady polls url until it answers 200, the child exits, or limit passes.
func waitReady(ctx context.Context, c *child, url string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if done, werr := c.exited(); done {
			return fmt.Errorf("%s exited during start: %v (see its log)", c.name, werr)
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s not ready at %s after %s", c.name, url, limit)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// gatewaySettings are the settings the load test gives every gateway it starts.
type gatewaySettings struct {
	adminPassword, paymentSecret string
}

// startGateway starts a gateway on a free port with the stack's environment plus extra, and waits until
// /readyz answers. It returns the child and the base URL.
func startGateway(ctx context.Context, bin, name, logDir string, stackEnv []string, s gatewaySettings, extra ...string) (*child, string, error) {
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		port, err := freePort()
		if err != nil {
			return nil, "", err
		}
		addr := "127.0.0.1:" + strconv.Itoa(port)
		env := append(append([]string(nil), stackEnv...),
			"SKILLCERT_HTTP_ADDR="+addr,
			"SKILLCERT_DEV_SEED=1",
			"SKILLCERT_ADMIN_PASSWORD="+s.adminPassword,
			"SKILLCERT_PAYMENT_SECRET="+s.paymentSecret,
			"SKILLCERT_TOKEN_KEY=loadtest-token-key-0123456789abcdef",
			"SKILLCERT_METRICS_ADDR=127.0.0.1:0", // several gateways: no fixed metrics port
			// One client address drives everything; the per-IP limits are for the internet, not for this.
			"SKILLCERT_RATE_LIMIT=100000000", "SKILLCERT_AUTH_RATE_LIMIT=100000000", "SKILLCERT_VERIFY_RATE_LIMIT=100000000",
		)
		env = append(env, extra...)
		c, err := startChild(filepath.Join(bin, "gateway"), name, logDir, env)
		if err != nil {
			return nil, "", err
		}
		base := "http://" + addr
		if err := waitReady(ctx, c, base+"/readyz", 2*time.Minute); err != nil {
			c.stop(5 * time.Second)
			lastErr = err
			if ctx.Err() != nil {
				break
			}
			continue
		}
		return c, base, nil
	}
	return nil, "", lastErr
}

// startWorker starts the worker with the stack's environment plus extra and waits until it has polled
// (it logs "worker started" once registered; a short pause covers the first poll).
func startWorker(ctx context.Context, bin, logDir string, stackEnv []string, extra ...string) (*child, error) {
	env := append(append([]string(nil), stackEnv...), extra...)
	c, err := startChild(filepath.Join(bin, "worker"), "worker", logDir, env)
	if err != nil {
		return nil, err
	}
	select {
	case <-time.After(2 * time.Second):
	case <-ctx.Done():
		c.stop(5 * time.Second)
		return nil, ctx.Err()
	}
	if done, err := c.exited(); done {
		return nil, errors.Join(fmt.Errorf("worker exited during start (see %s/worker.log)", logDir), err)
	}
	return c, nil
}
