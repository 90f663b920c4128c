// Command loadtest is the benchmark of issue 7 (`make bench`, `make bench-quick`). It starts its own dev
// stack in a temporary folder (so it never disturbs `make dev`), builds and starts the worker and the
// gateway, and measures:
//
//  1. full application lifecycles driven through the real HTTP API at a chosen concurrency: throughput,
//     latency per endpoint, errors, Temporal actions and history events per lifecycle (read from the
//     histories), peak memory of every process while many applications stay open;
//  2. a bare-Temporal baseline with the same starts, Updates, Signals and activities and empty bodies;
//  3. the projection at scale: a million applications loaded with COPY into a database of its own, served by a
//     second gateway: inbox, admin search, statistics and certificate verification, with their query plans.
//
// Results go to deploy/loadtest/results/latest.json and latest.md.
//
// It lives under deploy/, not cmd/: it is a benchmark harness with its own results folder, not a shipped
// program (cmd/ holds the programs a deployment runs).
//
// Commits are durable (synchronous_commit = on), as in make dev and make test. SKILLCERT_BENCH_UNSAFE_COMMIT=1
// turns them off in this run's private cluster only, prints a warning and labels the results "synchronous_commit
// off (unsafe)"; it exists to compare with figures measured before durability was enforced.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"skillcert/internal/devstack"
)

// options are the command-line settings.
type options struct {
	quick          bool
	lifecycles     int
	concurrency    int
	open           int
	perApplicant   int
	projApps       int
	projTasks      int
	projRequests   int
	projBudget     time.Duration
	skipBaseline   bool
	skipProj       bool
	skipLifecycles bool
	keep           bool
	out            string
	workerEnv      string
	gatewayEnv     string
	registerConc   int
	sweep          []int
	sweepN         int
	dbParams       string
	idle           int
	allowDisturbed bool
	profile        string
	settle         time.Duration
	cpuProfile     string
}

func parseOptions(args []string) (options, error) {
	var o options
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.BoolVar(&o.quick, "quick", false, "small numbers, finishes in under 5 minutes")
	fs.IntVar(&o.lifecycles, "n", 0, "lifecycles to drive (default 400, quick 30)")
	fs.IntVar(&o.concurrency, "c", 8, "lifecycles in flight (the goals are stated at 8)")
	fs.IntVar(&o.idle, "idle", -1, "lifecycles driven one at a time on the idle stack, with 1 MiB scans (default 10, quick 3)")
	fs.BoolVar(&o.allowDisturbed, "allow-disturbed", false, "quick mode: write latest.* even when the load average was above 0.5 at the start (labelled disturbed)")
	fs.DurationVar(&o.settle, "settle", 30*time.Second, "wait up to this long for the 1-minute load average to fall to 0.5 before starting")
	fs.StringVar(&o.profile, "profile", "dev", "dev: the dev server stack; production: deploy/prodstack (Temporal services as processes, two workers, two gateways)")
	fs.IntVar(&o.open, "open", -1, "applications left open (drafts) during the lifecycle load (default 10000, quick 500)")
	fs.IntVar(&o.perApplicant, "open-per-applicant", 10, "open applications per applicant (different occupations)")
	fs.IntVar(&o.projApps, "projection-apps", 0, "applications in the projection (default 1000000, quick 50000)")
	fs.IntVar(&o.projTasks, "projection-tasks", 0, "open tasks in the projection (default 200000, quick 10000)")
	fs.IntVar(&o.projRequests, "projection-requests", 1000, "requests per projection endpoint")
	fs.DurationVar(&o.projBudget, "projection-budget", 3*time.Minute, "time limit per projection endpoint (at least 100 requests are made)")
	fs.IntVar(&o.registerConc, "register-c", 8, "concurrent registrations (each hashes a password with argon2id)")
	fs.BoolVar(&o.skipBaseline, "skip-baseline", false, "skip the bare-Temporal baseline")
	fs.BoolVar(&o.skipProj, "skip-projection", false, "skip the projection at scale")
	fs.BoolVar(&o.skipLifecycles, "skip-lifecycles", false, "skip everything but the projection at scale")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "folder for CPU profiles of the worker, the gateway and the loadtest during the lifecycles "+
		"(5 s chunks; the worker and the gateway serve them with SKILLCERT_PPROF_ADDR); profiling costs CPU, so not for figures of record")
	fs.BoolVar(&o.keep, "keep", false, "keep the stack's temporary folder (logs, data)")
	fs.StringVar(&o.out, "out", "", "results folder (default deploy/loadtest/results)")
	fs.StringVar(&o.workerEnv, "worker-env", "", "extra worker settings, KEY=VALUE,KEY=VALUE")
	fs.StringVar(&o.gatewayEnv, "gateway-env", "",
		"extra gateway settings, KEY=VALUE,KEY=VALUE (none by default: the gateway runs as shipped, with its own soft memory limit)")
	sweep := fs.String("sweep", "", "more concurrencies to measure ours and the baselines at, e.g. 16,32, or none (default: full 16,32; quick 16)")
	fs.IntVar(&o.sweepN, "sweep-n", 96, "lifecycles per sweep point")
	fs.StringVar(&o.dbParams, "db-params", "", "parameters added to DATABASE_URL of the worker and the gateway, e.g. pool_max_conns=16")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if *sweep == "" {
		*sweep = map[bool]string{false: "16,32", true: "16"}[o.quick]
	}
	if o.profile != "dev" && o.profile != "production" {
		return o, fmt.Errorf("-profile %q: dev or production", o.profile)
	}
	var err error
	if o.sweep, err = parseSweep(*sweep); err != nil {
		return o, err
	}
	def := func(v *int, full, quick int) {
		*v = full
		if o.quick {
			*v = quick
		}
	}
	for _, d := range []struct {
		v           *int
		full, quick int
	}{{&o.lifecycles, 400, 30}, {&o.concurrency, 8, 8}, {&o.projApps, 1_000_000, 50_000}, {&o.projTasks, 200_000, 10_000}} {
		if *d.v <= 0 {
			def(d.v, d.full, d.quick)
		}
	}
	if o.open < 0 { // -open 0 keeps none open
		def(&o.open, 10000, 500)
	}
	if o.idle < 0 { // -idle 0 skips the idle phase
		def(&o.idle, 10, 3)
	}
	o.perApplicant = min(max(o.perApplicant, 1), 19)
	return o, nil
}

// splitEnv splits "K=V,K=V".
func splitEnv(s string) []string {
	var out []string
	for _, kv := range strings.Split(s, ",") {
		if kv = strings.TrimSpace(kv); kv != "" {
			out = append(out, kv)
		}
	}
	return out
}

// runEnv is what the phases share.
type runEnv struct {
	stack   *devstack.Stack
	dir     string
	bin     string
	logDir  string
	gateway gatewaySettings
	errors  *errorLog
	start   time.Time
	keep    bool     // keep the stack's folder and the projection database
	gwEnv   []string // extra environment of every gateway (-gateway-env)
}

func (e *runEnv) logf(format string, args ...any) {
	fmt.Printf("[%6.1fs] %s\n", time.Since(e.start).Seconds(), fmt.Sprintf(format, args...))
}

func main() {
	opts, err := parseOptions(os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, opts); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	root, err := devstack.RepoRoot()
	if err != nil {
		return err
	}
	if o.out == "" {
		o.out = filepath.Join(root, "deploy", "loadtest", "results")
	}
	startLoad, err := settledLoad(o.settle, readLoadavg, time.Sleep)
	if err != nil {
		return fmt.Errorf("load average: %w", err)
	}
	if startLoad.One > maxStartLoad {
		fmt.Printf("loadtest: 1-minute load average %.2f is above %.2f: other programs share the cores; the results "+
			"will not be written as latest\n", startLoad.One, maxStartLoad)
	}
	if o.profile == "production" {
		return runProduction(ctx, o, root, startLoad)
	}
	dir, err := os.MkdirTemp("", "skillcert-bench-")
	if err != nil {
		return fmt.Errorf("stack folder: %w", err)
	}
	if err := os.Chmod(dir, 0o755); err != nil { // the postgres OS user must enter it
		return fmt.Errorf("stack folder: %w", err)
	}
	env := &runEnv{dir: dir, logDir: filepath.Join(dir, "loadtest-logs"), errors: newErrorLog(), start: time.Now(), keep: o.keep, gwEnv: splitEnv(o.gatewayEnv),
		gateway: gatewaySettings{adminPassword: "Bench" + randomToken(8) + "9a", paymentSecret: randomToken(24)}}
	if err := os.MkdirAll(env.logDir, 0o755); err != nil {
		return fmt.Errorf("log folder: %w", err)
	}
	defer func() {
		if o.keep {
			env.logf("kept %s", dir)
			return
		}
		_ = os.RemoveAll(dir)
	}()
	env.logf("starting a private stack in %s", dir)
	if env.stack, err = devstack.Start(ctx, dir); err != nil {
		return err
	}
	defer func() {
		if err := env.stack.Stop(); err != nil {
			env.logf("stop stack: %v", err)
		}
	}()
	commit, err := configureCommit(ctx, env, os.Getenv)
	if err != nil {
		return err
	}
	env.logf("stack up (synchronous_commit = %s); building worker and gateway", commit)
	if env.bin, err = buildBinaries(ctx, root, dir); err != nil {
		return err
	}
	res, err := measure(ctx, env, o, root)
	if err != nil {
		return err
	}
	res.Settings["synchronous_commit"] = commit
	prefix := "" // latest holds durable figures only
	if commit == "off" {
		prefix = map[bool]string{true: "quick", false: "full"}[o.quick] + "-unsafe-commit"
	}
	return finish(o, env, res, startLoad, prefix)
}

// finish records the load average at the end, decides where the results go (the gate), writes and prints
// them.
func finish(o options, env *runEnv, res Result, startLoad LoadAverage, prefix string) error {
	endLoad, err := readLoadavg()
	if err != nil {
		return fmt.Errorf("load average: %w", err)
	}
	g := gateResults(startLoad, endLoad, o.quick, o.allowDisturbed, prefix)
	res.Load = &g
	res.ProjectionP99 = projectionP99(res.Projection)
	res.Goals = computeGoals(&res)
	if err := writeResults(o.out, g.Name, res); err != nil {
		return err
	}
	fmt.Print("\n" + markdown(res))
	env.logf("wrote %s/%s.json and %s.md: %s", o.out, g.Name, g.Name, g.Reason)
	if res.ErrorCount > 0 {
		return fmt.Errorf("%d errors (listed above)", res.ErrorCount)
	}
	return nil
}
