package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/client"

	"skillcert"
)

// randomToken returns n random bytes as hex.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// measure runs the phases against the started stack and assembles the result.
func measure(ctx context.Context, env *runEnv, o options, root string) (Result, error) {
	res := Result{GeneratedAt: time.Now(), Mode: map[bool]string{true: "quick", false: "full"}[o.quick],
		Machine: describeMachine(root), Phases: map[string]float64{}}
	if conn, err := pgx.Connect(ctx, env.stack.DatabaseURL); err == nil {
		_ = conn.QueryRow(ctx, "SHOW server_version").Scan(&res.Machine.Postgres)
		conn.Close(ctx)
	}
	res.Machine.Temporal = "temporal CLI dev server (" + env.stack.TemporalAddress + ", sqlite WAL)"
	res.Settings = map[string]string{"lifecycles": strconv.Itoa(o.lifecycles), "concurrency": strconv.Itoa(o.concurrency),
		"open_applications": strconv.Itoa(o.open), "worker_env": o.workerEnv, "gateway_env": o.gatewayEnv,
		"register_concurrency": strconv.Itoa(o.registerConc), "database_url_params": o.dbParams}
	phase := func(name string, t time.Time) { res.Phases[name] = round2(time.Since(t).Seconds()) }
	if !o.skipLifecycles {
		if err := measureLifecycles(ctx, env, o, &res, phase); err != nil {
			return res, err
		}
	}
	if !o.skipProj {
		t := time.Now()
		p, err := measureProjection(ctx, env, o.projApps, o.projTasks, o.projRequests, o.projBudget)
		if err != nil {
			return res, err
		}
		phase("projection", t)
		res.Projection = &p
	}
	res.Errors = env.errors.list()
	res.ErrorCount = env.errors.total()
	return res, nil
}

// measureLifecycles runs registration, the open applications, the lifecycles, the history count and the
// baseline, with the worker and the gateway running.
func measureLifecycles(ctx context.Context, env *runEnv, o options, res *Result, phase func(string, time.Time)) error {
	stackEnv := env.stack.Env()
	if o.dbParams != "" {
		dbURL, err := withParams(env.stack.DatabaseURL, o.dbParams)
		if err != nil {
			return err
		}
		stackEnv = append(stackEnv, "DATABASE_URL="+dbURL)
	}
	prof, profEnv, err := newProfiler(o.cpuProfile, "worker", "gateway")
	if err != nil {
		return err
	}
	worker, err := startWorker(ctx, env.bin, env.logDir, stackEnv, appendSet(splitEnv(o.workerEnv), profEnv["worker"])...)
	if err != nil {
		return err
	}
	defer worker.stop(15 * time.Second)
	workerCG, err := newCgroupCPU("worker", worker.pid())
	if err != nil {
		env.logf("worker CPU with its PDF tools not measured (no cpuacct cgroup: %v)", err)
	}
	defer workerCG.remove() // runs before worker.stop: moves the worker back to the root cgroup first
	gw, base, err := startGateway(ctx, env.bin, "gateway", env.logDir, stackEnv, env.gateway, appendSet(splitEnv(o.gatewayEnv), profEnv["gateway"])...)
	if err != nil {
		return err
	}
	defer gw.stop(20 * time.Second)
	env.logf("worker (pid %d) and gateway (pid %d, %s) running", worker.pid(), gw.pid(), base)
	single := map[string]int{"worker": worker.pid(), "gateway": gw.pid()}
	trees := map[string]int{}
	for _, name := range []string{"temporal", "minio"} {
		if pid, err := readPidFile(env.stack.Dir, name); err == nil {
			single[name] = pid
		}
	}
	if pid, err := readPidFile(env.stack.Dir, "postgres"); err == nil {
		trees["postgres"] = pid
	}
	mem := newMemSampler(single, trees)

	rec := newRecorder()
	api := newAPIClient(base, o.concurrency*2, rec, env.errors)
	setupRec := newRecorder()
	setupAPI := &apiClient{api: api.api, rec: setupRec, errors: env.errors}
	t := time.Now()
	staff, err := setupStaff(ctx, setupAPI, env.gateway.adminPassword, "lt", regionsOf(o.lifecycles))
	if err != nil {
		return err
	}
	batchID := "bench-" + time.Now().Format("20060102-150405")
	if err := createBatch(ctx, setupAPI, staff.admin, batchID, time.Now()); err != nil {
		return err
	}
	fx, err := makeFiles()
	if err != nil {
		return err
	}
	phase("setup", t)
	d := &driver{api: api, staff: staff, files: fx, batchID: batchID, secret: env.gateway.paymentSecret,
		today: skillcert.DateOf(time.Now()),
		seats: newSeating(api, staff.provincial[0], batchID, time.Now().Add(50*24*time.Hour))}

	openApplicants := (o.open + o.perApplicant - 1) / o.perApplicant
	idleN := min(o.idle, o.lifecycles)
	env.logf("registering %d applicants (%d for lifecycles, %d for the idle phase, %d holding open applications)",
		o.lifecycles+idleN+openApplicants, o.lifecycles, idleN, openApplicants)
	mem.start(treeSampleInterval)
	t = time.Now()
	applicants, failedReg := registerApplicants(ctx, setupAPI, 0, o.lifecycles+idleN+openApplicants, o.registerConc)
	res.Registration = PhaseRun{Count: len(applicants) - failedReg, Failed: failedReg, Seconds: round2(time.Since(t).Seconds())}
	res.Registration.PerSecond = round2(float64(res.Registration.Count) / time.Since(t).Seconds())
	phase("registration", t)
	res.MemoryAll = mem.finish()

	mem.start(treeSampleInterval)
	if o.open > 0 {
		env.logf("creating %d open applications", o.open)
		t = time.Now()
		openDriver := *d
		openDriver.api = setupAPI
		res.OpenApps = createOpenApplications(ctx, &openDriver, applicants[o.lifecycles+idleN:], o.open, o.perApplicant, o.concurrency)
		phase("open_applications", t)
		env.logf("open applications: %d in %.1f s (%d failed)", res.OpenApps.Count, res.OpenApps.Seconds, res.OpenApps.Failed)
	}
	if idleN > 0 {
		env.logf("idle phase: %d lifecycles one at a time (1 MiB scans)", idleN)
		t = time.Now()
		idleRec := newRecorder()
		failed, err := idleLifecycles(ctx, d, idleRec, makePlans(applicants[o.lifecycles:o.lifecycles+idleN]))
		if err != nil {
			return err
		}
		res.Idle = PhaseRun{Count: idleN - failed, Failed: failed, Seconds: round2(time.Since(t).Seconds())}
		res.EndpointsIdle = idleRec.summary()
		phase("idle", t)
	}
	env.logf("driving %d lifecycles at concurrency %d", o.lifecycles, o.concurrency)
	cpuPids := map[string]int{"loadtest": os.Getpid()}
	cpuTrees := map[string]bool{}
	for name, pid := range single {
		cpuPids[name] = pid
	}
	for name, pid := range trees {
		cpuPids[name], cpuTrees[name] = pid, true
	}
	cpu, machine := newCPUMeter(cpuPids, cpuTrees), newMachineMeter()
	t = time.Now()
	workerCGStart := workerCG.reading()
	stopProfiles := prof.start(ctx)
	outcomes, run := runLifecycles(ctx, []*driver{d}, makePlans(applicants[:o.lifecycles]), o.concurrency)
	phase("lifecycles", t)
	res.CPUSeconds = cpu.seconds()
	res.WorkerCPUWithTools = workerCG.cpuSince(workerCGStart)
	res.CPUBusy = busyShare(res.CPUSeconds, time.Since(t))
	res.MachineBusy = machine.busyShare()
	stopProfiles() // after the meters: its wait for the last chunk is not the lifecycles' time
	res.Memory = mem.finish()
	run.Requests = rec.total()
	res.Lifecycles = run
	res.LifecyclesPerS = round2(float64(run.Completed) / run.Seconds)
	res.Endpoints = rec.summary()
	res.MemoryGoal = map[string]GoalCheck{
		"worker":  {Value: res.Memory["worker"].PeakMiB, Met: res.Memory["worker"].PeakMiB < 200},
		"gateway": {Value: res.Memory["gateway"].PeakMiB, Met: res.Memory["gateway"].PeakMiB < 100},
	}
	env.logf("lifecycles: %d completed, %d failed in %.1f s: %.2f/s", run.Completed, run.Failed, run.Seconds, res.LifecyclesPerS)

	tc, err := client.DialContext(ctx, client.Options{HostPort: env.stack.TemporalAddress, Namespace: env.stack.TemporalNamespace,
		Logger: quietLogger()})
	if err != nil {
		return fmt.Errorf("temporal client: %w", err)
	}
	defer tc.Close()
	t = time.Now()
	actions, shapes, err := countActions(ctx, tc, outcomes)
	if err != nil {
		return err
	}
	res.Actions = actions
	phase("histories", t)
	env.logf("actions per lifecycle: %.2f billable, %.2f history events", actions.All.BillablePerCycle, actions.All.EventsPerCycle)

	res.EventsPerLC = eventsReport(actions)
	res.TemporalCPU = map[string]float64{"ours": perCycle(res.CPUSeconds["temporal"], run.Completed)}
	res.RatioFloorByC = map[string]float64{}
	if !o.skipBaseline && len(shapes) > 0 {
		t = time.Now()
		same, floor, err := runBaselines(ctx, env, shapes, o.concurrency, single["temporal"])
		if err != nil {
			return err
		}
		phase("baseline", t)
		res.Baseline, res.BaselinePerS, res.Ratio = &same, same.PerSecond, ratio(res.LifecyclesPerS, same.PerSecond)
		res.Floor, res.FloorPerS, res.RatioFloor = &floor, floor.PerSecond, ratio(res.LifecyclesPerS, floor.PerSecond)
		res.RatioFloorByC[strconv.Itoa(o.concurrency)] = res.RatioFloor
		res.TemporalCPU["same_traffic_baseline"], res.TemporalCPU["floor"] = same.TemporalCPUPerCycle, floor.TemporalCPUPerCycle
		env.logf("baseline %.2f/s, floor %.2f/s (ours %.2f/s: ratio %.2f, ratio_floor %.2f)", same.PerSecond, floor.PerSecond,
			res.LifecyclesPerS, res.Ratio, res.RatioFloor)
	}
	if len(o.sweep) > 0 {
		sr := &sweepRun{env: env, driver: d, temporal: tc, cpuPids: cpuPids, cpuTrees: cpuTrees,
			firstIndex: o.lifecycles + idleN + openApplicants, temporalPid: single["temporal"], skipBaseline: o.skipBaseline}
		n := min(o.sweepN, o.lifecycles) // plans 0..n-1 use regions that have staff
		for _, c := range o.sweep {
			env.logf("sweep: %d lifecycles and their baseline at concurrency %d", n, c)
			t = time.Now()
			p, err := sr.point(ctx, n, c)
			if err != nil {
				return err
			}
			phase(fmt.Sprintf("sweep_c%d", c), t)
			res.Sweep = append(res.Sweep, p)
			if p.FloorPerS > 0 {
				res.RatioFloorByC[strconv.Itoa(c)] = p.RatioFloor
			}
			env.logf("sweep at %d: %.2f/s, baseline %.2f/s, floor %.2f/s, ratio_floor %.2f, CPU busy %.0f %%", c, p.PerSecond,
				p.BaselinePerS, p.FloorPerS, p.RatioFloor, p.CPUBusy*100)
		}
	}
	return nil
}

// ratio is ours / base rounded, 0 when base is 0.
func ratio(ours, base float64) float64 {
	if base <= 0 {
		return 0
	}
	return round2(ours / base)
}

// runBaselines runs the same-traffic baseline and then the floor with the shapes of measured lifecycles.
func runBaselines(ctx context.Context, env *runEnv, shapes []cycleShape, conc, temporalPid int) (same, floor baselineResult, err error) {
	env.logf("baseline: %d bare-Temporal lifecycles (same traffic) at concurrency %d", len(shapes), conc)
	addr, ns := env.stack.TemporalAddress, env.stack.TemporalNamespace
	if same, err = runBaseline(ctx, addr, ns, shapes, conc, env.errors, false, temporalPid); err != nil {
		return same, floor, err
	}
	env.logf("floor: %d bare-Temporal lifecycles (starts and validated Updates only) at concurrency %d", len(shapes), conc)
	floor, err = runBaseline(ctx, addr, ns, shapes, conc, env.errors, true, temporalPid)
	return same, floor, err
}
