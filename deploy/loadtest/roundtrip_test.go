package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// The round-trip probe (ROUNDTRIP.md): what one validated Update costs on bare Temporal when its handler
// does nothing, runs one regular activity or runs one local activity, one request at a time, on the dev
// server of deploy/dev (Temporal CLI, SQLite file in WAL mode) with different dynamic settings and worker
// options. It is a measurement, not a check, so it runs only when asked:
//
//	SKILLCERT_ROUNDTRIP=1 go test -count=1 -run TestRoundTrip -v ./deploy/loadtest/
//
// SKILLCERT_ROUNDTRIP_N sets the updates per mode (default 60).

const (
	probeWorkflow = "RoundTripProbe"
	probeUpdate   = "step"
	probeActivity = "probeNoop"
)

// probeMode is what the update handler does before it returns.
type probeMode string

const (
	modeNone     probeMode = "none"
	modeActivity probeMode = "activity"
	modeLocal    probeMode = "local"
)

func probeWorkflowFunc(ctx workflow.Context) error {
	done := false
	err := workflow.SetUpdateHandlerWithOptions(ctx, probeUpdate, func(ctx workflow.Context, mode probeMode) (string, error) {
		switch mode {
		case modeActivity:
			actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 10 * time.Second})
			return "", workflow.ExecuteActivity(actx, probeActivity).Get(ctx, nil)
		case modeLocal:
			lctx := workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{StartToCloseTimeout: 10 * time.Second})
			return "", workflow.ExecuteLocalActivity(lctx, probeActivity).Get(ctx, nil)
		case "stop":
			done = true
		}
		return "", nil
	}, workflow.UpdateHandlerOptions{Validator: func(mode probeMode) error {
		if mode == "" {
			return errors.New("mode required")
		}
		return nil
	}})
	if err != nil {
		return err
	}
	return workflow.Await(ctx, func() bool { return done })
}

func probeNoop(context.Context) error { return nil }

// probeVariant is one server configuration and worker option set.
type probeVariant struct {
	name    string
	dynamic []string // --dynamic-config-value KEY=VALUE
	options worker.Options
}

func TestRoundTrip(t *testing.T) {
	if os.Getenv("SKILLCERT_ROUNDTRIP") == "" {
		t.Skip("a measurement: set SKILLCERT_ROUNDTRIP=1 to run it")
	}
	n := 60
	if v, err := strconv.Atoi(os.Getenv("SKILLCERT_ROUNDTRIP_N")); err == nil && v > 0 {
		n = v
	}
	bin := temporalBinary(t)
	variants := []probeVariant{
		{name: "dev server as shipped"},
		{name: "eager activities", dynamic: []string{"system.enableActivityEagerExecution=true"}},
		{name: "one task-queue partition", dynamic: []string{"matching.numTaskqueueReadPartitions=1", "matching.numTaskqueueWritePartitions=1"}},
		{name: "eager activities, one partition", dynamic: []string{"system.enableActivityEagerExecution=true",
			"matching.numTaskqueueReadPartitions=1", "matching.numTaskqueueWritePartitions=1"}},
		{name: "one write partition (4 read)", dynamic: []string{"matching.numTaskqueueWritePartitions=1"}},
		{name: "eager, one write partition", dynamic: []string{"system.enableActivityEagerExecution=true",
			"matching.numTaskqueueWritePartitions=1"}},
		{name: "8 pollers of each kind", options: worker.Options{MaxConcurrentWorkflowTaskPollers: 8, MaxConcurrentActivityTaskPollers: 8}},
	}
	t.Logf("load average at start: %s", loadAverage())
	t.Logf("%-34s | %-8s | %7s | %7s | %7s", "variant", "handler", "p50 ms", "p90 ms", "max ms")
	for _, v := range variants {
		res := probeVariantRun(t, bin, v, n)
		for _, mode := range []probeMode{modeNone, modeActivity, modeLocal} {
			d := res[mode]
			t.Logf("%-34s | %-8s | %7.1f | %7.1f | %7.1f", v.name, mode, probeMS(d[len(d)/2]), probeMS(d[len(d)*9/10]), probeMS(d[len(d)-1]))
		}
	}
	t.Logf("load average at end: %s", loadAverage())
}

func probeMS(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return string(b[:len(b)-1])
}

// temporalBinary is the Temporal CLI that deploy/dev/tools.sh installs.
func temporalBinary(t *testing.T) string {
	home, _ := os.UserHomeDir()
	matches, _ := filepath.Glob(filepath.Join(home, ".cache", "skillcert", "bin", "temporal-v*", "temporal"))
	if len(matches) == 0 {
		t.Skip("no Temporal CLI under ~/.cache/skillcert/bin (run deploy/dev/tools.sh)")
	}
	return matches[len(matches)-1]
}

// probeVariantRun starts a dev server with v's settings, a worker, one probe workflow, and times n updates
// per handler mode, one at a time (after a warm-up). It returns the sorted durations per mode.
func probeVariantRun(t *testing.T, bin string, v probeVariant, n int) map[probeMode][]time.Duration {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	args := []string{"server", "start-dev", "--headless", "--ip", "127.0.0.1", "--port", strconv.Itoa(port),
		"--db-filename", filepath.Join(dir, "temporal.sqlite"), "--sqlite-pragma", "journal_mode=wal",
		"--sqlite-pragma", "synchronous=normal", "--log-level", "error"}
	for _, d := range v.dynamic {
		args = append(args, "--dynamic-config-value", d)
	}
	srv := exec.Command(bin, args...)
	srv.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = syscall.Kill(-srv.Process.Pid, syscall.SIGTERM)
		_ = srv.Wait()
	}()
	var c client.Client
	for start := time.Now(); ; time.Sleep(200 * time.Millisecond) {
		var err error
		if c, err = client.DialContext(ctx, client.Options{HostPort: "127.0.0.1:" + strconv.Itoa(port), Logger: quietLogger()}); err == nil {
			if _, err = c.CheckHealth(ctx, &client.CheckHealthRequest{}); err == nil {
				break
			}
			c.Close()
		}
		if time.Since(start) > time.Minute {
			t.Fatalf("%s: server not ready: %v", v.name, err)
		}
	}
	defer c.Close()
	queue := "roundtrip"
	w := worker.New(c, queue, v.options)
	w.RegisterWorkflowWithOptions(probeWorkflowFunc, workflow.RegisterOptions{Name: probeWorkflow})
	w.RegisterActivityWithOptions(probeNoop, activity.RegisterOptions{Name: probeActivity})
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "probe-" + strconv.Itoa(port), TaskQueue: queue}, probeWorkflow)
	if err != nil {
		t.Fatal(err)
	}
	update := func(mode probeMode) time.Duration {
		t0 := time.Now()
		h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: run.GetID(), UpdateName: probeUpdate,
			Args: []any{mode}, WaitForStage: client.WorkflowUpdateStageCompleted})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		if err != nil {
			t.Fatalf("%s: update %s: %v", v.name, mode, err)
		}
		return time.Since(t0)
	}
	out := map[probeMode][]time.Duration{}
	modes := []probeMode{modeNone, modeActivity, modeLocal}
	for _, m := range modes { // warm-up: caches, connections, the first workflow task
		update(m)
	}
	for i := 0; i < n; i++ { // interleaved, so a burst of load on the shared machine hits every mode alike
		for _, m := range modes {
			out[m] = append(out[m], update(m))
		}
	}
	update("stop")
	for _, m := range modes {
		slices.Sort(out[m])
	}
	return out
}
