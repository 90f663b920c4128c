// Package prodstack runs skillcert's production topology on one machine, every part a separate process on
// loopback: a Postgres cluster (skillcert's database plus Temporal's persistence and visibility), the real
// Temporal server split into its frontend, history, matching and worker services, MinIO erasure-coded over
// four drives, the Temporal Web UI, two skillcert workers and two gateways behind a small round-robin
// reverse proxy. `make prod-local` runs it (deploy/prod); tests start it with Start and kill and restart its
// processes with Kill and Restart.
//
// Like deploy/dev/stack.sh it uses free loopback ports, records every pid in pids/NAME.pid and only ever
// signals processes it started (Down checks the command line). Every child gets SIGKILL when the process that
// started it dies.
package prodstack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"skillcert/internal/devstack"
)

// Options configure Start.
type Options struct {
	// Dir is the data folder (created when missing); data persists across Stop and Start.
	Dir string
	// Workers and Gateways are the skillcert processes to run (default 2 each).
	Workers, Gateways int
	// ProxyAddr and UIAddr are the listen addresses of the reverse proxy and the Web UI (default: free ports).
	ProxyAddr, UIAddr string
	// AppEnv is extra environment for every worker and gateway (KEY=VALUE).
	AppEnv []string
	// Log receives progress lines (default: discarded).
	Log io.Writer
}

// Stack is a running production profile.
type Stack struct {
	// Dir is the data folder: pg/, minio/d1..d4, temporal/, ui/, bin/, logs/, pids/, secrets.env.
	Dir string
	// URL is the base URL of the reverse proxy in front of the gateways: what clients use.
	URL string
	// GatewayURLs are the gateways' own base URLs, in order (gateway-1, gateway-2, ...).
	GatewayURLs []string
	// DatabaseURL is skillcert's database.
	DatabaseURL string
	// TemporalAddress is the Temporal frontend (gRPC); TemporalNamespace its namespace.
	TemporalAddress, TemporalNamespace string
	// TemporalUIURL is the Web UI.
	TemporalUIURL string
	// MinioEndpoint, MinioAccessKey and MinioSecretKey reach MinIO.
	MinioEndpoint, MinioAccessKey, MinioSecretKey string
	// Secrets are the keys and passwords every worker and gateway share (SKILLCERT_TOKEN_KEY, ...).
	Secrets map[string]string
	// TaskQueue is the skillcert task queue.
	TaskQueue string

	opts    Options
	root    string // repository root
	tools   tools
	ports   ports
	pg      pgCluster
	proxy   *proxy
	mu      sync.Mutex
	procs   map[string]*proc
	order   []string // start order; Stop goes in reverse
	stopped bool
}

// AdminPassword is the password of the seeded `admin` account.
func (s *Stack) AdminPassword() string { return s.Secrets["SKILLCERT_ADMIN_PASSWORD"] }

// PaymentSecret signs payment callbacks (X-Signature).
func (s *Stack) PaymentSecret() string { return s.Secrets["SKILLCERT_PAYMENT_SECRET"] }

func (s *Stack) logf(format string, args ...any) {
	if s.opts.Log != nil {
		fmt.Fprintf(s.opts.Log, "prodstack: "+format+"\n", args...)
	}
}

// Start builds what is missing (the Temporal server, its SQL tool and the UI server are cached like the dev
// tools), then starts the whole profile and waits until every process is ready. On failure it stops what it
// started.
func Start(ctx context.Context, o Options) (s *Stack, err error) {
	if o.Workers <= 0 {
		o.Workers = 2
	}
	if o.Gateways <= 0 {
		o.Gateways = 2
	}
	if o.Dir == "" {
		return nil, errors.New("prodstack: Options.Dir is required")
	}
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, err
	}
	root, err := devstack.RepoRoot()
	if err != nil {
		return nil, err
	}
	s = &Stack{Dir: dir, opts: o, root: root, procs: map[string]*proc{}, TemporalNamespace: "default",
		TaskQueue: "skillcert-applications"}
	for _, sub := range []string{"logs", "pids", "bin"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return nil, err
		}
	}
	// The postgres OS user must reach pg/ inside dir.
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, err
	}
	if pid, ok := launcherPid(dir); ok {
		return nil, fmt.Errorf("prodstack: a stack already runs in %s (launcher pid %d); stop it with make prod-local-down", dir, pid)
	}
	// Leftovers of an earlier run in the same folder whose owner died without cleaning up.
	if err := Down(dir); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			s.Stop()
			s = nil
		}
	}()
	if s.tools, err = buildTools(ctx, root, s.logf); err != nil {
		return s, err
	}
	if s.ports, err = pickPorts(o); err != nil {
		return s, err
	}
	if s.Secrets, err = loadSecrets(filepath.Join(dir, "secrets.env")); err != nil {
		return s, err
	}
	steps := []struct {
		name string
		run  func(context.Context) error
	}{
		{"postgres", s.startPostgres},
		{"minio", s.startMinio},
		{"temporal", s.startTemporal},
		{"temporal ui", s.startUI},
		{"workers and gateways", s.startApps},
	}
	for _, step := range steps {
		t := time.Now()
		if err := step.run(ctx); err != nil {
			return s, fmt.Errorf("prodstack: %s: %w", step.name, err)
		}
		s.logf("%s up in %.1f s", step.name, time.Since(t).Seconds())
	}
	return s, nil
}

// run launches spec, registers it under its name and waits until it is ready.
func (s *Stack) run(ctx context.Context, spec procSpec) error {
	p, err := s.launch(spec)
	if err != nil {
		return err
	}
	s.mu.Lock()
	if _, ok := s.procs[spec.name]; !ok {
		s.order = append(s.order, spec.name)
	}
	s.procs[spec.name] = p
	s.mu.Unlock()
	return s.waitReady(ctx, p)
}

// Names lists the stack's processes in start order.
func (s *Stack) Names() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.order)
}

// Pid returns the pid of a running process of the stack.
func (s *Stack) Pid(name string) (int, error) {
	p, err := s.get(name)
	if err != nil {
		return 0, err
	}
	if done, _ := p.exited(); done {
		return 0, fmt.Errorf("prodstack: %s is not running", name)
	}
	return p.cmd.Process.Pid, nil
}

func (s *Stack) get(name string) (*proc, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.procs[name]
	if !ok {
		return nil, fmt.Errorf("prodstack: no process %q (have %v)", name, s.order)
	}
	return p, nil
}

// GatewayInFlight returns how many requests the proxy has sent to gateway i (1-based) without an answer yet:
// a test waits for one to kill that gateway mid-request.
func (s *Stack) GatewayInFlight(i int) int64 {
	if s.proxy == nil || i < 1 || i > len(s.proxy.inflight) {
		return 0
	}
	return s.proxy.inflight[i-1].Load()
}

// Kill sends SIGKILL to a process of the stack (no chance to finish anything) and waits until it is gone.
func (s *Stack) Kill(name string) error {
	p, err := s.get(name)
	if err != nil {
		return err
	}
	if done, _ := p.exited(); done {
		return fmt.Errorf("prodstack: %s is not running", name)
	}
	if err := p.cmd.Process.Kill(); err != nil {
		return fmt.Errorf("prodstack: kill %s: %w", name, err)
	}
	<-p.done
	s.logf("killed %s (pid %d)", name, p.cmd.Process.Pid)
	return nil
}

// Restart starts a process again with its original command line and waits until it is ready. It refuses
// while the process still runs.
func (s *Stack) Restart(ctx context.Context, name string) error {
	p, err := s.get(name)
	if err != nil {
		return err
	}
	if done, _ := p.exited(); !done {
		return fmt.Errorf("prodstack: %s still runs", name)
	}
	// A process killed a moment ago can hold on to things for a while (Postgres: its backends and shared
	// memory; the kernel: a listening port), so a start that fails is tried again a few times.
	for attempt := 1; ; attempt++ {
		err = s.run(ctx, p.spec)
		if err == nil {
			break
		}
		if attempt == 5 || ctx.Err() != nil {
			return err
		}
		if q, _ := s.get(name); q != nil {
			if done, _ := q.exited(); !done {
				s.stop(q, 10*time.Second)
			}
		}
		s.logf("restart %s failed (attempt %d), trying again: %v", name, attempt, firstLine(err))
		time.Sleep(time.Second)
	}
	s.logf("restarted %s", name)
	return nil
}

func firstLine(err error) string {
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		return msg[:i]
	}
	return msg
}

// Stop stops every process (reverse start order: gateways and workers first, Postgres last) and the proxy.
// The data stays in Dir.
func (s *Stack) Stop() {
	s.mu.Lock()
	if s.stopped {
		s.mu.Unlock()
		return
	}
	s.stopped = true
	order := slices.Clone(s.order)
	s.mu.Unlock()
	if s.proxy != nil {
		s.proxy.close()
	}
	for i := len(order) - 1; i >= 0; i-- {
		p, _ := s.get(order[i])
		if p != nil {
			s.stop(p, 20*time.Second)
		}
	}
}

// httpReady is a ready check: GET url answers 200.
func httpReady(url string) func(context.Context) error {
	return func(ctx context.Context) error {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("GET %s: %d", url, resp.StatusCode)
		}
		return nil
	}
}
