package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/client"
)

// SweepPoint is the throughput of the lifecycles and of the baseline at one more concurrency, showing where
// each saturates the machine.
type SweepPoint struct {
	Concurrency  int                `json:"concurrency"`
	Lifecycles   int                `json:"lifecycles"`
	Failed       int                `json:"failed"`
	PerSecond    float64            `json:"lifecycles_per_s"`
	BaselinePerS float64            `json:"baseline_per_s"`
	Ratio        float64            `json:"ratio"`
	FloorPerS    float64            `json:"floor_per_s"`
	RatioFloor   float64            `json:"ratio_floor"`
	TemporalCPU  map[string]float64 `json:"temporal_cpu_s_per_lifecycle"` // ours, same_traffic_baseline, floor
	CPUSeconds   map[string]float64 `json:"cpu_seconds"`                  // during the lifecycles
	CPUBusy      float64            `json:"cpu_busy_share"`               // CPU seconds of every process / (cores × seconds)
	MachineBusy  float64            `json:"machine_busy_share"`           // the whole machine, other programs included
	StepMillis   map[string]float64 `json:"mean_step_ms"`                 // task-queue waits and runs of the lifecycles
	BaselineStep map[string]float64 `json:"baseline_step_ms"`             // the same for the baseline
}

// parseSweep reads "8,32" ("none" for no sweep).
func parseSweep(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" || f == "none" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 {
			return nil, fmt.Errorf("-sweep: %q is not a concurrency", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// sweepRun is what a sweep point needs from the main run.
type sweepRun struct {
	env        *runEnv
	driver     *driver
	temporal   client.Client
	cpuPids    map[string]int
	cpuTrees   map[string]bool
	firstIndex int // the next unused applicant number
	// temporalPid is the Temporal server's process; skipBaseline leaves the baselines out.
	temporalPid  int
	skipBaseline bool
}

// point drives n more lifecycles at concurrency c with fresh applicants, then the baseline with their shapes.
func (s *sweepRun) point(ctx context.Context, n, c int) (SweepPoint, error) {
	p := SweepPoint{Concurrency: c}
	applicants, failed := registerApplicants(ctx, s.driver.api, s.firstIndex, n, 4)
	s.firstIndex += n
	if failed > 0 {
		return p, fmt.Errorf("sweep at %d: %d applicants did not register", c, failed)
	}
	cpu, machine := newCPUMeter(s.cpuPids, s.cpuTrees), newMachineMeter()
	start := time.Now()
	outcomes, run := runLifecycles(ctx, []*driver{s.driver}, makePlans(applicants), c)
	elapsed := time.Since(start)
	p.CPUSeconds = cpu.seconds()
	p.CPUBusy = busyShare(p.CPUSeconds, elapsed)
	p.MachineBusy = machine.busyShare()
	p.Lifecycles, p.Failed = run.Completed, run.Failed
	p.PerSecond = round2(float64(run.Completed) / run.Seconds)
	actions, shapes, err := countActions(ctx, s.temporal, outcomes)
	if err != nil {
		return p, err
	}
	p.StepMillis = actions.All.StepMillis
	p.TemporalCPU = map[string]float64{"ours": perCycle(p.CPUSeconds["temporal"], run.Completed)}
	if s.skipBaseline || len(shapes) == 0 {
		return p, nil
	}
	same, floor, err := runBaselines(ctx, s.env, shapes, c, s.temporalPid)
	if err != nil {
		return p, err
	}
	p.BaselinePerS, p.BaselineStep, p.Ratio = same.PerSecond, same.Actions.StepMillis, ratio(p.PerSecond, same.PerSecond)
	p.FloorPerS, p.RatioFloor = floor.PerSecond, ratio(p.PerSecond, floor.PerSecond)
	p.TemporalCPU["same_traffic_baseline"], p.TemporalCPU["floor"] = same.TemporalCPUPerCycle, floor.TemporalCPUPerCycle
	return p, nil
}
