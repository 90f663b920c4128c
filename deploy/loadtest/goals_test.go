package main

import (
	"os/exec"
	"strings"
	"testing"

	"skillcert"
	"skillcert/inspect"
)

func goalByName(goals []Goal, what string) (Goal, bool) {
	for _, g := range goals {
		if g.What == what {
			return g, true
		}
	}
	return Goal{}, false
}

func TestGoalsCompareFiguresAndNameWhatWasNotMeasured(t *testing.T) {
	r := sampleResult()
	r.Endpoints["POST /api/v1/applications/{id}/submit"] = Latency{Count: 30, P50: 59.9, P99: 250}
	r.EndpointsIdle[documentCompleteRoute] = Latency{Count: 3, P50: 149}
	r.ProjectionP99 = projectionP99(r.Projection)
	goals := computeGoals(&r)
	tests := []struct {
		what          string
		value         float64
		met, measured bool
	}{
		{"ratio_floor at concurrency 8", 0.7, false, true},
		{"ratio_floor at concurrency 16", 0, false, false}, // the sample has no point at 16
		{"history events per lifecycle", 280.13, false, true},
		{"submit p50 at concurrency 8", 59.9, true, true},
		{"submit p99 at concurrency 8", 250, false, true}, // the goal is below 250
		{"task complete p50 at concurrency 8", 0, false, false},
		{"submit p50 one at a time", 12.5, true, true},
		{"document complete (1 MiB PDF) p50 one at a time", 149, true, true},
		{"projection inbox, first page p99 at 1000 applications", 61, false, true},
		{"gateway RSS during registration of 0 applicants", 212, false, true},
	}
	for _, tt := range tests {
		g, ok := goalByName(goals, tt.what)
		if !ok || g.Value != tt.value || g.Met != tt.met || g.Measured != tt.measured {
			t.Errorf("goal %q = %+v (found %v), want value %v met %v measured %v", tt.what, g, ok, tt.value, tt.met, tt.measured)
		}
	}
	r.Lifecycles.Concurrency = 16
	if g, _ := goalByName(computeGoals(&r), "submit p50 at concurrency 16"); g.Measured {
		t.Errorf("latency goals are stated at concurrency 8; a run at 16 must not claim them: %+v", g)
	}
	r.RatioFloorByC["16"] = 0.85
	if g, _ := goalByName(computeGoals(&r), "ratio_floor at concurrency 16"); !g.Met {
		t.Errorf("ratio_floor 0.85 at 16 not met: %+v", g)
	}
}

func TestEventsReportIsPerLevel(t *testing.T) {
	e := eventsReport(ActionsReport{All: Actions{EventsPerCycle: 190, BillablePerCycle: 60},
		ByLevel: map[string]Actions{levelKey(2): {Lifecycles: 6, EventsPerCycle: 222, BillablePerCycle: 72}}})
	if e.All != 190 || e.ByLevel["2 二级/技师"] != 222 || e.BillableByLevel["2 二级/技师"] != 72 || e.LifecyclesByLevel["2 二级/技师"] != 6 {
		t.Errorf("eventsReport = %+v", e)
	}
}

func TestPaddedPDFIsAOneMebibyteScanTheInspectionAccepts(t *testing.T) {
	data, err := paddedPDF(bigPDFSize)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > bigPDFSize || len(data) < bigPDFSize-400 {
		t.Errorf("padded PDF has %d bytes, want about %d", len(data), bigPDFSize)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext is not installed")
	}
	rule := skillcert.Checklist(skillcert.Level(4), skillcert.Pathway("standard"))[0]
	if res := inspect.Inspect(data, rule); !res.Accepted {
		t.Errorf("inspection refuses the padded PDF as %s: %+v", rule.DocType, res)
	}
	text, pages, err := inspect.ExtractPDFText(data)
	if err != nil || pages != 1 || !strings.Contains(text, "Scanned document") {
		t.Errorf("pdftotext reads %d pages, %q, %v", pages, text, err)
	}
}
