package devstack

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// AppSecrets are the accounts' passwords and keys a test package gives its worker and gateway.
type AppSecrets struct {
	AdminPassword, DemoPassword, PaymentSecret, TokenKey string
}

// AppEnv returns the environment of a worker and a gateway of test package name on this stack: the stack's
// variables, the dev seed with the given secrets, warnings-only logs, and the package's own database and
// task queue, so that no other package's worker picks up its workflows. drop removes the database.
func (s *Stack) AppEnv(ctx context.Context, name string, sec AppSecrets) (env map[string]string, drop func(context.Context) error, err error) {
	env = map[string]string{}
	for _, kv := range s.Env() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	env["SKILLCERT_ADMIN_PASSWORD"] = sec.AdminPassword
	env["SKILLCERT_PAYMENT_SECRET"] = sec.PaymentSecret
	env["SKILLCERT_DEMO_PASSWORD"] = sec.DemoPassword
	env["SKILLCERT_TOKEN_KEY"] = sec.TokenKey
	env["SKILLCERT_DEV_SEED"] = "1"
	env["SKILLCERT_LOG_LEVEL"] = "warn"
	env["SKILLCERT_WORKER_METRICS_ADDR"] = "127.0.0.1:0" // not the default port another worker may hold
	dbURL, drop, err := s.NewDatabase(ctx, name)
	if err != nil {
		return nil, nil, err
	}
	env["DATABASE_URL"] = dbURL
	env["SKILLCERT_TASK_QUEUE"] = fmt.Sprintf("%s-%d", name, time.Now().UnixNano())
	return env, drop, nil
}

// StartWorker builds ./cmd/worker into dir and runs it with env added to this process's environment, its
// output in dir/worker.log. stop ends it (see StartChild).
func StartWorker(ctx context.Context, dir string, env map[string]string) (stop func(), err error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	bin := filepath.Join(dir, "worker")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/worker")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("build worker: %w: %s", err, out)
	}
	cmd := exec.Command(bin)
	cmd.Env = os.Environ()
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	_, stop, err = StartChild(cmd, filepath.Join(dir, "worker.log"))
	return stop, err
}

// StartChild starts cmd with its output in logPath; the child gets SIGTERM should this process die. exited
// closes when the process exits; stop sends SIGTERM, then SIGKILL after 20 s, waits for the exit and closes
// the log.
func StartChild(cmd *exec.Cmd, logPath string) (exited <-chan struct{}, stop func(), err error) {
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, nil, err
	}
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, nil, fmt.Errorf("start %s: %w", filepath.Base(cmd.Path), err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	stop = func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
		logFile.Close()
	}
	return done, stop, nil
}
