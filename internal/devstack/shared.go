package devstack

import (
	"context"
	"fmt"
	"os"
	"sync"
	"testing"
	"time"
)

// TestStackEnv names the environment variable holding the path of the stack.env file of a stack shared by
// all test packages (set by `make test`).
const TestStackEnv = "SKILLCERT_TEST_STACK"

// Shared returns the stack named by SKILLCERT_TEST_STACK when it is set; otherwise it starts a private stack
// in a new temporary folder. The returned release function stops a private stack and deletes its folder; for
// the shared one it does nothing. Should the process die without calling release, a watchdog stops the
// private stack and deletes its folder.
func Shared(ctx context.Context) (*Stack, func() error, error) {
	if path := os.Getenv(TestStackEnv); path != "" {
		s, err := Load(path)
		if err != nil {
			return nil, nil, fmt.Errorf("use the stack named by %s: %w", TestStackEnv, err)
		}
		return s, func() error { return nil }, nil
	}
	dir, err := os.MkdirTemp("", "skillcert-stack-")
	if err != nil {
		return nil, nil, fmt.Errorf("create stack folder: %w", err)
	}
	// os.MkdirTemp makes the folder 0700; the postgres OS user running the cluster must be able to enter it.
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, nil, fmt.Errorf("open up stack folder: %w", err)
	}
	s, err := start(ctx, dir, []string{"SKILLCERT_STACK_WATCH_REMOVE=1"})
	if err != nil {
		_ = os.RemoveAll(dir)
		return nil, nil, err
	}
	release := func() error {
		stopErr := s.Stop()
		if err := os.RemoveAll(dir); err != nil && stopErr == nil {
			return fmt.Errorf("remove stack folder: %w", err)
		}
		return stopErr
	}
	return s, release, nil
}

// startTimeout bounds starting a stack, which on a fresh machine includes building the tools.
const startTimeout = 20 * time.Minute

// shared is the stack of this test process, obtained once by ForTest and released by Main.
var shared struct {
	once    sync.Once
	stack   *Stack
	release func() error
	err     error
}

// ForTest returns the stack for an integration test: the one `make test` shares between packages, or a
// private one started on first use and kept for the rest of the process. It skips the test under -short and
// fails it when no stack can be had. Packages that use it should call Main from TestMain so a private stack
// stops as soon as the tests end (otherwise its watchdog stops it shortly after the process exits).
func ForTest(t testing.TB) *Stack {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test: needs Postgres, Temporal and MinIO (skipped with -short)")
	}
	shared.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
		defer cancel()
		shared.stack, shared.release, shared.err = Shared(ctx)
	})
	if shared.err != nil {
		t.Fatalf("dev stack: %v", shared.err)
	}
	return shared.stack
}

// Main runs the tests of a package and then releases the stack ForTest obtained, if any. Use it as
//
//	func TestMain(m *testing.M) { os.Exit(devstack.Main(m)) }
func Main(m *testing.M) int {
	code := m.Run()
	if shared.release != nil {
		if err := shared.release(); err != nil {
			fmt.Fprintf(os.Stderr, "devstack: %v\n", err)
			if code == 0 {
				code = 1
			}
		}
	}
	return code
}
