package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func sampleResult() Result {
	return Result{
		GeneratedAt: time.Date(2026, 11, 28, 4, 0, 0, 0, time.UTC), Mode: "quick",
		LifecyclesPerS: 1.76, BaselinePerS: 2.2, Ratio: 0.8, FloorPerS: 2.5, RatioFloor: 0.7,
		RatioFloorByC: map[string]float64{"8": 0.7, "32": 0.66},
		EventsPerLC:   EventsReport{All: 280.13, ByLevel: map[string]float64{"2 二级/技师": 300}},
		TemporalCPU:   map[string]float64{"ours": 0.412, "same_traffic_baseline": 0.3, "floor": 0.071},
		EndpointsIdle: map[string]Latency{"POST /api/v1/applications": {Count: 3, P50: 40, P99: 45},
			"POST /api/v1/applications/{id}/submit": {Count: 3, P50: 12.5, P99: 19}},
		Floor: &baselineResult{Kind: "floor", PerSecond: 2.5},
		Load: &Gate{Start: LoadAverage{One: 0.2, Five: 0.3, Fifteen: 0.4}, End: LoadAverage{One: 1.5, Five: 0.6, Fifteen: 0.45},
			Name: "latest", Reason: "undisturbed: 1-minute load 0.20 at the start (limit 0.50)"},
		Actions: ActionsReport{All: Actions{Lifecycles: 30, BillablePerCycle: 58.4, EventsPerCycle: 280.13},
			ByGroup: map[string]Actions{"三级–五级": {Lifecycles: 24, BillablePerCycle: 55}}},
		Endpoints: map[string]Latency{"POST /api/v1/applications": {Count: 30, P50: 150.5, P95: 160, P99: 170.25}},
		Projection: &Projection{Loaded: loadedProjection{Applications: 1000, OpenTasks: 200, Certificates: 50}, Requests: 1000,
			Plans: []Plan{{Query: "inbox, first page"}, {Query: "stats"}}, SeqScansGeneric: []string{"inbox, first page: tasks"},
			Variants: []Variant{
				{Name: "as shipped", Endpoints: map[string]Latency{"inbox, first page": {Count: 1000, P50: 2.5, P99: 61}, "stats": {Count: 100, P50: 900, P99: 1000}},
					Goal: map[string]GoalCheck{"inbox, first page": {Value: 61, Met: false}}},
				{Name: "tuned", Endpoints: map[string]Latency{"inbox, first page": {Count: 1000, P50: 0.5, P99: 1.25}},
					Goal: map[string]GoalCheck{"inbox, first page": {Value: 1.25, Met: true}}},
			}},
		Machine:    Machine{CPUModel: "AMD EPYC", Cores: 2, RAMMiB: 24105, GoVersion: "go1.26.8", Commit: "0123456789abcdef"},
		Lifecycles: LifecycleRun{Completed: 30, Concurrency: 8, Seconds: 17},
		Baseline:   &baselineResult{PerSecond: 2.2},
		Memory:     map[string]Memory{"worker": {PeakMiB: 45.1, How: "VmHWM"}, "gateway": {PeakMiB: 145.4, How: "VmHWM"}},
		MemoryAll:  map[string]Memory{"gateway": {PeakMiB: 212}},
		MemoryGoal: map[string]GoalCheck{"worker": {Value: 45.1, Met: true}, "gateway": {Value: 145.4, Met: false}},
		Errors:     []ErrorEntry{{Endpoint: "POST /api/v1/tasks/{id}/claim", Status: 409, Message: "已被认领", Count: 2}},
		ErrorCount: 2,
		CPUBusy:    0.83, MachineBusy: 0.97, CPUSeconds: map[string]float64{"temporal": 20.6, "worker": 12.5},
		Sweep: []SweepPoint{{Concurrency: 32, PerSecond: 2.94, BaselinePerS: 4.54, Ratio: 0.65, FloorPerS: 4.45, RatioFloor: 0.66,
			CPUBusy: 0.88, MachineBusy: 0.9}},
	}
}

func TestWriteResultsHasTheAgreedKeys(t *testing.T) {
	dir := t.TempDir()
	if err := writeResults(dir, "latest", sampleResult()); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "latest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"lifecycles_per_s", "baseline_per_s", "ratio", "actions_per_lifecycle", "endpoints", "projection", "machine",
		"floor_per_s", "ratio_floor", "events_per_lifecycle", "temporal_cpu_s_per_lifecycle", "endpoints_idle", "projection_p99_ms",
		"load_average", "goals"} {
		if _, ok := top[key]; !ok {
			t.Errorf("latest.json lacks %q", key)
		}
	}
	var back Result
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.Ratio != 0.8 || back.Endpoints["POST /api/v1/applications"].P99 != 170.25 || back.Machine.Cores != 2 ||
		back.RatioFloor != 0.7 || back.TemporalCPU["floor"] != 0.071 || back.EventsPerLC.ByLevel["2 二级/技师"] != 300 {
		t.Errorf("round trip lost figures: %+v", back)
	}
	if _, err := os.Stat(filepath.Join(dir, "latest.md")); err != nil {
		t.Errorf("latest.md: %v", err)
	}
}

func TestMarkdownShowsFiguresGoalsAndErrors(t *testing.T) {
	md := markdown(sampleResult())
	for _, want := range []string{
		"| **lifecycles/s** | **1.76** |", "| ratio to the same-traffic baseline | 0.80 |", "commit 0123456789ab",
		"| **ratio_floor** (ours / floor, goal ≥ 0.8) | **0.70** |",
		"| Temporal CPU-seconds per lifecycle | ours 0.412, same-traffic baseline 0.3, floor 0.071 |",
		"| `POST /api/v1/applications` | 30 | 150.5 | 160.0 | 170.2 | 3 | 40.0 | 45.0 |", // p99 rounded to one decimal
		"| `POST /api/v1/applications/{id}/submit` | 0 | 0.0 | 0.0 | 0.0 | 3 | 12.5 | 19.0 |",
		"Load average (1/5/15 min): 0.20 0.30 0.40 at the start, 1.50 0.60 0.45 at the end: undisturbed.",
		"| gateway | 145.4 (VmHWM) | 212.0 | < 100: **missed** |", "| worker | 45.1 (VmHWM) | 0.0 | < 200: met |",
		"| query | as shipped p50 / p99 | tuned p50 / p99 | p99 < 50 ms |",
		"| inbox, first page | 2.50 / 61.00 (n=1000) | 0.50 / 1.25 (n=1000) | **no**, yes |",
		"| stats | 900.00 / 1000.00 (n=100) | 0.00 / 0.00 (n=0) | — |",
		"No sequential scan of applications, tasks or certificates in the custom plans",
		"Sequential scans in the generic plans (what a prepared statement may switch to after five runs under plan_cache_mode=auto): inbox, first page: tasks.",
		"2 × `POST /api/v1/tasks/{id}/claim` → 409: 已被认领",
		"| CPU busy during the lifecycles | 83 % of 2 cores (temporal 20.6 s, worker 12.5 s); machine busy 97 % (other programs: 14 %) |",
		"| 8 (main run) | 1.76 | 2.20 | 0.80 | 2.50 | 0.70 | 83 % / 97 % |", "| 32 | 2.94 | 4.54 | 0.65 | 4.45 | 0.66 | 88 % / 90 % |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
	r := sampleResult()
	r.Baseline, r.Floor, r.Projection, r.Errors = nil, nil, nil, nil
	md = markdown(r)
	if strings.Contains(md, "same-traffic baseline |") || strings.Contains(md, "ratio_floor**") || strings.Contains(md, "Projection") ||
		strings.Contains(md, "Errors:") {
		t.Errorf("markdown shows parts that were not run:\n%s", md)
	}
}

func TestTrimFloat(t *testing.T) {
	tests := map[float64]string{58.4: "58.4", 3: "3", 0: "0", 0.005: "0.01", 12.25: "12.25"}
	for in, want := range tests {
		if got := trimFloat(in); got != want {
			t.Errorf("trimFloat(%v) = %q, want %q", in, got, want)
		}
	}
}
