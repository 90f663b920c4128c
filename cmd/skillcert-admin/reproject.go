package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"

	"skillcert/activities"
	"skillcert/codec"
	"skillcert/config"
	"skillcert/schema/db"
	"skillcert/workflows"
)

// reprojectOptions are the flags of the reproject command.
type reprojectOptions struct {
	cases      []string // application IDs; empty with all
	all        bool
	parallel   int
	skipOutbox bool
}

func parseReproject(args []string, out io.Writer) (reprojectOptions, error) {
	var o reprojectOptions
	fs := flag.NewFlagSet("reproject", flag.ContinueOnError)
	fs.SetOutput(out)
	one := fs.String("case", "", "application ID(s) to rebuild, comma-separated")
	fs.BoolVar(&o.all, "all", false, "rebuild every application workflow of the task queue (SKILLCERT_TASK_QUEUE)")
	fs.IntVar(&o.parallel, "parallel", 4, "cases rebuilt at once (1–64)")
	fs.BoolVar(&o.skipOutbox, "skip-outbox", false, "do not put back notifications missing from the outbox (they would be sent again)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("reproject: unexpected argument %q", fs.Arg(0))
	}
	for _, id := range strings.Split(*one, ",") {
		if id = strings.TrimSpace(id); id == "" {
			continue
		}
		u, err := uuid.Parse(id)
		if err != nil || u.String() != strings.ToLower(id) {
			return o, fmt.Errorf("reproject: -case %q is not an application ID (a UUID)", id)
		}
		o.cases = append(o.cases, u.String())
	}
	if o.all == (len(o.cases) > 0) {
		return o, errors.New("reproject: give either -case ID or -all")
	}
	if o.parallel < 1 || o.parallel > 64 {
		return o, fmt.Errorf("reproject: -parallel %d: want 1–64", o.parallel)
	}
	return o, nil
}

// reprojectCommand connects to Postgres and Temporal and rebuilds the projection of the chosen cases.
func reprojectCommand(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	opts, err := parseReproject(args, out)
	if err != nil {
		return err
	}
	dbURL := getenv("DATABASE_URL")
	if dbURL == "" {
		return errors.New("DATABASE_URL is required")
	}
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	defer pool.Close()
	cdc, dev, err := codec.FromEnv(getenv)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	if dev {
		logger.Warn("SKILLCERT_CODEC_KEYS is unset: reading payloads with the development key")
	}
	tc, err := client.DialContext(ctx, client.Options{
		HostPort: or(getenv("TEMPORAL_ADDRESS"), "127.0.0.1:7233"), Namespace: or(getenv("TEMPORAL_NAMESPACE"), "default"),
		Logger: log.NewStructuredLogger(logger), DataConverter: cdc.DataConverter(), FailureConverter: cdc.FailureConverter(),
	})
	if err != nil {
		return fmt.Errorf("temporal: %w", err)
	}
	defer tc.Close()
	serialKey, _, err := config.SerialKey(getenv) // the worker's key: restored numbers' place in the sequence
	if err != nil {
		return err
	}
	r := &reprojector{temporal: tc, dc: cdc.DataConverter(), fc: cdc.FailureConverter(), codec: cdc, sdkLogger: log.NewStructuredLogger(logger),
		pool: pool, skipOutbox: opts.skipOutbox,
		acts: &activities.Activities{Pool: pool, Logger: logger, CertSerialKey: serialKey}, taskQueue: or(getenv("SKILLCERT_TASK_QUEUE"), workflows.TaskQueue)}
	rep, err := r.run(ctx, opts)
	fmt.Fprint(out, rep)
	// The statistics counters follow the rows: recount them, whatever was rebuilt or failed.
	if cerr := activities.RebuildApplicationCounts(ctx, db.New(pool)); cerr != nil {
		return errors.Join(err, cerr)
	}
	return err
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// report counts what a reprojection did.
type report struct {
	mu       sync.Mutex
	cases    int
	runs     int
	writes   int
	failures []string
	started  time.Time
}

func (r *report) add(c caseResult) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cases++
	r.runs += c.runs
	r.writes += c.writes
	if c.err != nil {
		r.failures = append(r.failures, c.err.Error())
	}
}

// String is the summary printed at the end.
func (r *report) String() string {
	var b strings.Builder
	sort.Strings(r.failures)
	for _, f := range r.failures {
		fmt.Fprintf(&b, "FAILED %s\n", f)
	}
	fmt.Fprintf(&b, "reprojected %d cases (%d workflow runs, %d writes re-applied) in %s; %d failed\n",
		r.cases-len(r.failures), r.runs, r.writes, time.Since(r.started).Round(time.Millisecond), len(r.failures))
	return b.String()
}

// run rebuilds the chosen cases, opts.parallel at a time. Every case is tried; the error says how many failed.
func (r *reprojector) run(ctx context.Context, opts reprojectOptions) (*report, error) {
	rep := &report{started: time.Now()}
	ids := make(chan string)
	var wg sync.WaitGroup
	for range opts.parallel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for id := range ids {
				rep.add(r.reprojectCase(ctx, id))
			}
		}()
	}
	var listErr error
	if opts.all {
		listErr = r.eachApplication(ctx, func(workflowID string) bool {
			select {
			case ids <- workflowID:
				return true
			case <-ctx.Done():
				return false
			}
		})
	} else {
		for _, id := range opts.cases {
			ids <- workflows.WorkflowID(id)
		}
	}
	close(ids)
	wg.Wait()
	switch {
	case listErr != nil:
		return rep, fmt.Errorf("list workflows: %w", listErr)
	case ctx.Err() != nil:
		return rep, ctx.Err()
	case len(rep.failures) > 0:
		return rep, fmt.Errorf("%d of %d cases failed", len(rep.failures), rep.cases)
	}
	return rep, nil
}

// eachApplication calls f with the ID of every application workflow of the task queue (each once, however
// many runs it has), until f returns false.
func (r *reprojector) eachApplication(ctx context.Context, f func(workflowID string) bool) error {
	query := fmt.Sprintf("WorkflowType = 'ApplicationWorkflow' AND TaskQueue = '%s'", strings.ReplaceAll(r.taskQueue, "'", ""))
	seen := map[string]bool{}
	var token []byte
	for {
		resp, err := r.temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{Query: query, NextPageToken: token, PageSize: 500})
		if err != nil {
			return err
		}
		for _, e := range resp.GetExecutions() {
			id := e.GetExecution().GetWorkflowId()
			if seen[id] {
				continue
			}
			seen[id] = true
			if !f(id) {
				return nil
			}
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			return nil
		}
	}
}
