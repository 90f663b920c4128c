package main

import (
	"strings"
	"testing"
)

func TestProductionMarkdownSetsTheProfileBesideTheDevServer(t *testing.T) {
	dir := t.TempDir()
	dev := sampleResult()
	dev.Endpoints["POST /api/v1/applications/{id}/submit"] = Latency{Count: 30, P50: 24.6, P99: 89.7}
	if err := writeResults(dir, "latest", dev); err != nil {
		t.Fatal(err)
	}
	ref := readDevReference(dir)
	if ref == nil || ref.LifecyclesPerS != 1.76 || ref.Concurrency != 8 || ref.Endpoints["POST /api/v1/applications/{id}/submit"].P99 != 89.7 {
		t.Fatalf("readDevReference = %+v", ref)
	}
	if readDevReference(t.TempDir()) != nil {
		t.Error("a folder without latest.json gives a reference")
	}
	pr := &ProductionRun{Topology: "postgres, temporal-history", Dev: ref, SpeedUp: 1.07,
		TwoWorkers: ProdPoint{Workers: 2, PerSecond: 1.5, Run: LifecycleRun{Completed: 30, Concurrency: 8},
			Endpoints: map[string]Latency{"POST /api/v1/applications/{id}/submit": {Count: 30, P50: 31, P99: 120}}},
		OneWorker: ProdPoint{Workers: 1, PerSecond: 1.4, Run: LifecycleRun{Completed: 30, Concurrency: 8}}}
	r := sampleResult()
	r.Production = pr
	md := markdown(r)
	for _, want := range []string{
		"| figure | two workers | one worker | dev server (quick, 2026-11-28 04:00) |",
		"| **lifecycles/s** | **1.50** | 1.40 | 1.76 |",
		"| submit p50 / p99 ms | 31 / 120 | — | 25 / 90 |",
		"Speed-up from one worker to two: **1.07×**. The machine has 2 cores",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown lacks %q:\n%s", want, md)
		}
	}
}
