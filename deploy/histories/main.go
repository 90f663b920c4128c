// Command histories records the replay corpus of workflows/replay_test.go: it starts a private dev stack on
// free ports (internal/devstack, as the tests do), builds and starts the real worker and gateway, drives one
// application per end state through the HTTP API, and saves each workflow's history, with its payloads still
// encrypted under the development codec key, as workflows/testdata/histories/<scenario>.json.
//
//	go run ./deploy/histories              # every scenario (make histories)
//	go run ./deploy/histories -only no-show,withdrawn
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/client"

	"skillcert/internal/devstack"
)

// recorder is what the scenarios share: the API, the staff, the database (for the one fixture the API
// cannot make) and the Temporal client that reads the histories.
type recorder struct {
	api      *api
	staff    staff
	db       *pgxpool.Pool
	temporal client.Client
	out      string

	mu      sync.Mutex
	people  int
	secrets []string // every generated name, phone and ID number: none may appear in a saved history
}

func main() {
	only := flag.String("only", "", "comma-separated scenario names to record (default: all)")
	out := flag.String("out", "", "folder of the histories (default: workflows/testdata/histories)")
	keep := flag.Bool("keep", false, "keep the stack's folder (logs) after the run")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *only, *out, *keep); err != nil {
		fmt.Fprintln(os.Stderr, "histories:", err)
		os.Exit(1)
	}
}

// selected returns the scenarios named in only (all when empty); an unknown name is an error.
func selected(only string) ([]scenario, error) {
	if only == "" {
		return scenarios, nil
	}
	var out []scenario
	for _, name := range strings.Split(only, ",") {
		i := slices.IndexFunc(scenarios, func(s scenario) bool { return s.name == strings.TrimSpace(name) })
		if i < 0 {
			return nil, fmt.Errorf("unknown scenario %q", name)
		}
		out = append(out, scenarios[i])
	}
	return out, nil
}

func run(ctx context.Context, only, out string, keep bool) error {
	chosen, err := selected(only)
	if err != nil {
		return err
	}
	root, err := devstack.RepoRoot()
	if err != nil {
		return err
	}
	if out == "" {
		out = filepath.Join(root, "workflows", "testdata", "histories")
	}
	dir, err := os.MkdirTemp("", "skillcert-histories-")
	if err != nil {
		return err
	}
	if err := os.Chmod(dir, 0o755); err != nil { // the postgres OS user must enter it
		return err
	}
	defer func() {
		if keep {
			logf("kept %s", dir)
			return
		}
		_ = os.RemoveAll(dir)
	}()
	logf("starting a private stack in %s", dir)
	stack, err := devstack.Start(ctx, dir)
	if err != nil {
		return err
	}
	defer func() {
		if err := stack.Stop(); err != nil {
			logf("stop stack: %v", err)
		}
	}()
	sys, err := startSystem(ctx, root, dir, stack)
	if err != nil {
		return err
	}
	defer sys.stop()
	r := &recorder{api: newAPI(sys.baseURL, sys.paymentSecret), out: out}
	if r.db, err = pgxpool.New(ctx, stack.DatabaseURL); err != nil {
		return err
	}
	defer r.db.Close()
	if r.temporal, err = client.Dial(client.Options{HostPort: stack.TemporalAddress, Namespace: stack.TemporalNamespace,
		Logger: quietLogger{}}); err != nil {
		return fmt.Errorf("temporal: %w", err)
	}
	defer r.temporal.Close()
	if err := r.setupStaff(ctx, sys.adminPassword); err != nil {
		return err
	}
	if err := r.recordAll(ctx, chosen); err != nil {
		return err
	}
	return writeIndex(out)
}

// recordAll runs the scenarios, a few at a time, and saves the history of each. It reports every failure.
func (r *recorder) recordAll(ctx context.Context, chosen []scenario) error {
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	errs := make([]error, len(chosen))
	for i, s := range chosen {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			start := time.Now()
			f := &flow{recorder: r, ctx: ctx, name: s.name}
			s.run(f)
			if f.err == nil {
				f.expect(f.get(), s.status)
			}
			if f.err != nil {
				errs[i] = fmt.Errorf("%s: %w", s.name, f.err)
				return
			}
			n, err := r.save(ctx, f.app, s.name, f.check)
			if err != nil {
				errs[i] = fmt.Errorf("%s: %w", s.name, err)
				return
			}
			logf("%-32s %-18s %4d events (%.0fs)", s.name, s.status, n, time.Since(start).Seconds())
		}()
	}
	wg.Wait()
	var failed []string
	for _, err := range errs {
		if err != nil {
			failed = append(failed, err.Error())
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("%d scenario(s) failed:\n  %s", len(failed), strings.Join(failed, "\n  "))
	}
	return nil
}

var started = time.Now()

func logf(format string, args ...any) {
	fmt.Printf("[%6.1fs] %s\n", time.Since(started).Seconds(), fmt.Sprintf(format, args...))
}
