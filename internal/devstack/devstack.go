// Package devstack starts the real dev stack — a private Postgres cluster, the Temporal dev server and MinIO —
// for integration tests, by running the same scripts as `make dev` (deploy/dev/setup.sh, tools.sh and stack.sh).
//
// Integration tests normally call ForTest, which uses the stack that `make test` started for all packages (named
// by SKILLCERT_TEST_STACK) or, when run alone, starts a private stack on free loopback ports in a temporary folder.
package devstack

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// Stack describes a running stack: where its services listen and where its data lives.
type Stack struct {
	// DatabaseURL is the pgx connection string of the `skillcert` database.
	DatabaseURL string
	// TemporalAddress is the host:port of the Temporal frontend (gRPC).
	TemporalAddress string
	// TemporalNamespace is the Temporal namespace to use (always "default" in the dev stack).
	TemporalNamespace string
	// TemporalUIURL is the base URL of the Temporal Web UI.
	TemporalUIURL string
	// MinioEndpoint is the host:port of the MinIO S3 API (plain HTTP), as minio.New expects it.
	MinioEndpoint string
	// MinioAccessKey is the MinIO root user.
	MinioAccessKey string
	// MinioSecretKey is the MinIO root password.
	MinioSecretKey string
	// MinioConsoleURL is the base URL of the MinIO console.
	MinioConsoleURL string
	// Dir is the stack's data folder (holding stack.env, logs/ and the services' data).
	Dir string

	env    []string // stack.env as KEY=VALUE lines, in file order
	script string   // stack.sh of the stack this process started; empty for a stack it only uses
}

// envFile is the name of the file stack.sh writes into the data folder.
const envFile = "stack.env"

// Env returns the stack's settings as KEY=VALUE strings (the contents of stack.env: DATABASE_URL,
// TEMPORAL_ADDRESS, SKILLCERT_MINIO_ENDPOINT, ...), ready to append to os.Environ() for a child process.
func (s *Stack) Env() []string {
	return append([]string(nil), s.env...)
}

// Stop stops the services of a stack started by Start (through stack.sh down); their data stays in Dir.
// It does nothing for a stack obtained with Load, which belongs to whoever started it.
func (s *Stack) Stop() error {
	if s.script == "" {
		return nil
	}
	cmd := exec.Command("bash", s.script, "down")
	cmd.Env = append(os.Environ(), "SKILLCERT_DATA_DIR="+s.Dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("stop stack in %s: %w: %s", s.Dir, err, bytes.TrimSpace(out))
	}
	return nil
}

// Start starts a stack whose data lives in dir, on free loopback ports: it installs missing OS packages and
// tools when it can (setup.sh, tools.sh), then runs stack.sh up and waits until Postgres, MinIO and Temporal
// answer. The services run as separate processes; call Stop to end them. Should this process die first, a
// watchdog started by stack.sh stops them within seconds. dir must be reachable by the `postgres` OS user
// when running as root (os.MkdirTemp folders under /tmp are).
func Start(ctx context.Context, dir string) (*Stack, error) {
	return start(ctx, dir, nil)
}

// start is Start with extra environment for stack.sh.
func start(ctx context.Context, dir string, extraEnv []string) (*Stack, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, err
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("data folder %s: %w", dir, err)
	}
	scripts := filepath.Join(root, "deploy", "dev")
	for _, step := range []string{"setup.sh", "tools.sh"} {
		if out, err := runScript(ctx, filepath.Join(scripts, step), nil); err != nil {
			return nil, fmt.Errorf("run deploy/dev/%s: %w: %s", step, err, out)
		}
	}
	script := filepath.Join(scripts, "stack.sh")
	var lastErr error
	// Ports picked as free can be taken by someone else before the services bind them; try again then.
	for attempt := 0; attempt < 3; attempt++ {
		ports, err := freePorts(5)
		if err != nil {
			return nil, err
		}
		env := []string{
			"SKILLCERT_DATA_DIR=" + dir,
			"SKILLCERT_PG_PORT=" + strconv.Itoa(ports[0]),
			"SKILLCERT_TEMPORAL_PORT=" + strconv.Itoa(ports[1]),
			"SKILLCERT_TEMPORAL_UI_PORT=" + strconv.Itoa(ports[2]),
			"SKILLCERT_MINIO_PORT=" + strconv.Itoa(ports[3]),
			"SKILLCERT_MINIO_CONSOLE_PORT=" + strconv.Itoa(ports[4]),
			"SKILLCERT_STACK_WATCH_PID=" + strconv.Itoa(os.Getpid()),
			"DATABASE_URL=", // always a private cluster: tests must not touch a database given for dev
		}
		env = append(env, extraEnv...)
		out, err := runScript(ctx, script, env, "up")
		if err == nil {
			s, err := Load(filepath.Join(dir, envFile))
			if err != nil {
				return nil, err
			}
			s.script = script
			return s, nil
		}
		lastErr = fmt.Errorf("run deploy/dev/stack.sh up: %w: %s", err, out)
		if !strings.Contains(out, "already in use") || ctx.Err() != nil {
			break
		}
	}
	return nil, lastErr
}

// runScript runs a bash script with extra environment and returns its combined, trimmed output.
func runScript(ctx context.Context, path string, env []string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "bash", append([]string{path}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	return string(bytes.TrimSpace(out)), err
}

// freePorts returns n distinct loopback TCP ports that were free a moment ago.
func freePorts(n int) ([]int, error) {
	listeners := make([]net.Listener, 0, n)
	defer func() {
		for _, l := range listeners {
			_ = l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for len(ports) < n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		listeners = append(listeners, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// Load reads a stack.env file written by stack.sh and describes the stack it names, without owning it:
// Stop on the result does nothing.
func Load(path string) (*Stack, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read stack env: %w", err)
	}
	env, err := parseEnv(data)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", path, err)
	}
	s := &Stack{Dir: filepath.Dir(path)}
	for _, kv := range env {
		key, value, _ := strings.Cut(kv, "=")
		switch key {
		case "DATABASE_URL":
			s.DatabaseURL = value
		case "TEMPORAL_ADDRESS":
			s.TemporalAddress = value
		case "TEMPORAL_NAMESPACE":
			s.TemporalNamespace = value
		case "TEMPORAL_UI_URL":
			s.TemporalUIURL = value
		case "SKILLCERT_MINIO_ENDPOINT":
			s.MinioEndpoint = value
		case "SKILLCERT_MINIO_ACCESS_KEY":
			s.MinioAccessKey = value
		case "SKILLCERT_MINIO_SECRET_KEY":
			s.MinioSecretKey = value
		case "MINIO_CONSOLE_URL":
			s.MinioConsoleURL = value
		case "SKILLCERT_DATA_DIR":
			s.Dir = value
		}
	}
	for name, value := range map[string]string{
		"DATABASE_URL": s.DatabaseURL, "TEMPORAL_ADDRESS": s.TemporalAddress,
		"SKILLCERT_MINIO_ENDPOINT": s.MinioEndpoint, "SKILLCERT_MINIO_ACCESS_KEY": s.MinioAccessKey,
		"SKILLCERT_MINIO_SECRET_KEY": s.MinioSecretKey,
	} {
		if value == "" {
			return nil, fmt.Errorf("%s: %s is missing", path, name)
		}
	}
	if s.TemporalNamespace == "" {
		s.TemporalNamespace = "default"
	}
	s.env = env
	return s, nil
}

// parseEnv parses KEY=VALUE lines, skipping blank lines and # comments.
func parseEnv(data []byte) ([]string, error) {
	var env []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, _, ok := strings.Cut(line, "=")
		if !ok || key == "" || strings.ContainsAny(key, " \t") {
			return nil, fmt.Errorf("line %d: want KEY=VALUE, got %q", n, line)
		}
		env = append(env, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("scan: %w", err)
	}
	return env, nil
}

// RepoRoot finds the repository root by walking up from the working directory to the folder holding go.mod.
func RepoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("working directory: %w", err)
	}
	return findRoot(wd)
}

func findRoot(dir string) (string, error) {
	for d := dir; ; {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
			return d, nil
		} else if !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("look for go.mod in %s: %w", d, err)
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", fmt.Errorf("no go.mod in %s or any parent folder", dir)
		}
		d = parent
	}
}
