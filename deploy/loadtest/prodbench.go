package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.temporal.io/sdk/client"

	"skillcert"
	"skillcert/deploy/prodstack"
)

// The production profile (`make bench PROFILE=production`): the same lifecycles driven against
// deploy/prodstack — Temporal's frontend, history, matching and worker services as separate processes on
// Postgres, MinIO over four drives, two skillcert workers and two gateways — alternating the two gateways
// lifecycle by lifecycle. It runs the lifecycles once with both workers and once with worker-2 stopped, so
// the speed-up from one worker to two is measured on the same stack, and prints the dev server's figures
// from latest.json beside its own.

// ProductionRun is what the production profile measured.
type ProductionRun struct {
	Topology   string        `json:"topology"`
	TwoWorkers ProdPoint     `json:"two_workers"`
	OneWorker  ProdPoint     `json:"one_worker"`
	SpeedUp    float64       `json:"speed_up_one_to_two_workers"` // two workers' lifecycles/s ÷ one worker's
	Dev        *DevReference `json:"dev_server"`                  // the dev-server figures of latest.json, for comparison
}

// ProdPoint is one run of lifecycles on the production profile.
type ProdPoint struct {
	Workers     int                `json:"workers"`
	Run         LifecycleRun       `json:"lifecycles"`
	PerSecond   float64            `json:"lifecycles_per_s"`
	Endpoints   map[string]Latency `json:"endpoints"`
	CPUSeconds  map[string]float64 `json:"cpu_seconds"`
	CPUBusy     float64            `json:"cpu_busy_share"`
	MachineBusy float64            `json:"machine_busy_share"`
	TemporalCPU float64            `json:"temporal_cpu_s_per_lifecycle"` // the four Temporal services together
}

// DevReference is the dev-server run the production figures are compared with.
type DevReference struct {
	GeneratedAt    time.Time          `json:"generated_at"`
	Mode           string             `json:"mode"`
	LifecyclesPerS float64            `json:"lifecycles_per_s"`
	Concurrency    int                `json:"concurrency"`
	Disturbed      bool               `json:"disturbed"`
	LoadKnown      bool               `json:"load_known"` // the run recorded its load average (runs before the gate did not)
	Endpoints      map[string]Latency `json:"endpoints"`
}

// readDevReference reads latest.json of dir (nil when there is none).
func readDevReference(dir string) *DevReference {
	data, err := os.ReadFile(filepath.Join(dir, "latest.json"))
	if err != nil {
		return nil
	}
	var r Result
	if json.Unmarshal(data, &r) != nil {
		return nil
	}
	return &DevReference{GeneratedAt: r.GeneratedAt, Mode: r.Mode, LifecyclesPerS: r.LifecyclesPerS, Concurrency: r.Lifecycles.Concurrency,
		Disturbed: r.Load != nil && r.Load.Disturbed, LoadKnown: r.Load != nil, Endpoints: r.Endpoints}
}

// runProduction starts the production profile in a temporary folder and measures it.
func runProduction(ctx context.Context, o options, root string, startLoad LoadAverage) error {
	dir, err := os.MkdirTemp("", "skillcert-bench-prod-")
	if err != nil {
		return fmt.Errorf("stack folder: %w", err)
	}
	env := &runEnv{dir: dir, logDir: filepath.Join(dir, "loadtest-logs"), errors: newErrorLog(), start: time.Now(), keep: o.keep}
	defer func() {
		if o.keep {
			env.logf("kept %s", dir)
			return
		}
		_ = os.RemoveAll(dir)
	}()
	env.logf("starting the production profile in %s", dir)
	s, err := prodstack.Start(ctx, prodstack.Options{Dir: dir, Workers: 2, Gateways: 2, Log: prefixWriter{}})
	if err != nil {
		return err
	}
	defer s.Stop()
	env.gateway = gatewaySettings{adminPassword: s.AdminPassword(), paymentSecret: s.PaymentSecret()}
	res := Result{GeneratedAt: time.Now(), Mode: map[bool]string{true: "quick", false: "full"}[o.quick] + " production",
		Machine: describeMachine(root), Phases: map[string]float64{},
		Settings: map[string]string{"profile": "production", "lifecycles": fmt.Sprint(o.lifecycles), "concurrency": fmt.Sprint(o.concurrency),
			"synchronous_commit": "on"}}
	res.Machine.Temporal = "Temporal server v1.29 as four processes (frontend, history, matching, worker) on Postgres"
	pr, err := measureProduction(ctx, env, s, o, &res)
	if err != nil {
		return err
	}
	if pr.Dev = readDevReference(o.out); pr.Dev == nil { // -out elsewhere: the repository's record
		pr.Dev = readDevReference(filepath.Join(root, "deploy", "loadtest", "results"))
	}
	res.Production = pr
	res.Errors, res.ErrorCount = env.errors.list(), env.errors.total()
	return finish(o, env, res, startLoad, map[bool]string{true: "quick", false: "full"}[o.quick]+"-production")
}

// measureProduction drives the lifecycles with two workers and then with one.
func measureProduction(ctx context.Context, env *runEnv, s *prodstack.Stack, o options, res *Result) (*ProductionRun, error) {
	rec := newRecorder()
	apis := []*apiClient{newAPIClient(s.GatewayURLs[0], o.concurrency*2, rec, env.errors), newAPIClient(s.GatewayURLs[1], o.concurrency*2, rec, env.errors)}
	setupAPI := &apiClient{api: apis[0].api, rec: newRecorder(), errors: env.errors}
	staff, err := setupStaff(ctx, setupAPI, env.gateway.adminPassword, "lt", regionsOf(o.lifecycles))
	if err != nil {
		return nil, err
	}
	batchID := "bench-" + time.Now().Format("20060102-150405")
	if err := createBatch(ctx, setupAPI, staff.admin, batchID, time.Now()); err != nil {
		return nil, err
	}
	fx, err := makeFiles()
	if err != nil {
		return nil, err
	}
	env.logf("registering %d applicants", 2*o.lifecycles)
	t := time.Now()
	applicants, failed := registerApplicants(ctx, setupAPI, 0, 2*o.lifecycles, o.registerConc)
	res.Registration = PhaseRun{Count: len(applicants) - failed, Failed: failed, Seconds: round2(time.Since(t).Seconds()),
		PerSecond: round2(float64(len(applicants)-failed) / time.Since(t).Seconds())}
	if failed > 0 {
		return nil, fmt.Errorf("%d applicants did not register", failed)
	}
	seats := newSeating(apis[0], staff.provincial[0], batchID, time.Now().Add(50*24*time.Hour))
	var drivers []*driver
	for _, a := range apis {
		drivers = append(drivers, &driver{api: a, staff: staff, files: fx, batchID: batchID, secret: env.gateway.paymentSecret,
			today: skillcert.DateOf(time.Now()), seats: seats})
	}
	tc, err := client.DialContext(ctx, client.Options{HostPort: s.TemporalAddress, Namespace: s.TemporalNamespace, Logger: quietLogger()})
	if err != nil {
		return nil, fmt.Errorf("temporal client: %w", err)
	}
	defer tc.Close()
	pr := &ProductionRun{Topology: strings.Join(s.Names(), ", ")}
	point := func(workers int, plans []plan) (ProdPoint, []lifecycleOutcome, error) {
		rec.reset()
		pids, trees := map[string]int{}, map[string]bool{}
		for _, name := range s.Names() {
			if pid, err := s.Pid(name); err == nil {
				pids[name], trees[name] = pid, name == "postgres"
			}
		}
		cpu, machine := newCPUMeter(pids, trees), newMachineMeter()
		start := time.Now()
		env.logf("%d lifecycles at concurrency %d with %d worker(s), alternating the two gateways", len(plans), o.concurrency, workers)
		outcomes, run := runLifecycles(ctx, drivers, plans, o.concurrency)
		p := ProdPoint{Workers: workers, Run: run, PerSecond: round2(float64(run.Completed) / run.Seconds), Endpoints: rec.summary(),
			CPUSeconds: cpu.seconds()}
		p.CPUBusy, p.MachineBusy = busyShare(p.CPUSeconds, time.Since(start)), machine.busyShare()
		temporal := 0.0
		for name, v := range p.CPUSeconds {
			if strings.HasPrefix(name, "temporal-") && name != "temporal-ui" {
				temporal += v
			}
		}
		p.TemporalCPU = perCycle(temporal, run.Completed)
		env.logf("%d worker(s): %.2f lifecycles/s (%d failed)", workers, p.PerSecond, run.Failed)
		return p, outcomes, nil
	}
	var outcomes []lifecycleOutcome
	if pr.TwoWorkers, outcomes, err = point(2, makePlans(applicants[:o.lifecycles])); err != nil {
		return nil, err
	}
	res.Lifecycles, res.LifecyclesPerS, res.Endpoints = pr.TwoWorkers.Run, pr.TwoWorkers.PerSecond, pr.TwoWorkers.Endpoints
	res.CPUSeconds, res.CPUBusy, res.MachineBusy = pr.TwoWorkers.CPUSeconds, pr.TwoWorkers.CPUBusy, pr.TwoWorkers.MachineBusy
	res.TemporalCPU = map[string]float64{"ours": pr.TwoWorkers.TemporalCPU}
	if res.Actions, _, err = countActions(ctx, tc, outcomes); err != nil {
		return nil, err
	}
	res.EventsPerLC = eventsReport(res.Actions)
	if err := s.Terminate("worker-2", 30*time.Second); err != nil {
		return nil, err
	}
	if pr.OneWorker, _, err = point(1, makePlans(applicants[o.lifecycles:])); err != nil {
		return nil, err
	}
	if err := s.Restart(ctx, "worker-2"); err != nil {
		env.logf("restart worker-2: %v", err)
	}
	if pr.OneWorker.PerSecond > 0 {
		pr.SpeedUp = round2(pr.TwoWorkers.PerSecond / pr.OneWorker.PerSecond)
	}
	return pr, nil
}

// prefixWriter prints the production stack's progress lines.
type prefixWriter struct{}

func (prefixWriter) Write(p []byte) (int, error) { return os.Stdout.Write(p) }
