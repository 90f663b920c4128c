package main

import (
	"fmt"
	"strconv"

	"skillcert"
)

// Goal is one target of the performance issue compared with this run's figure.
type Goal struct {
	What     string  `json:"what"`     // e.g. "submit p50 at concurrency 8"
	Target   string  `json:"target"`   // e.g. "< 60 ms"
	Value    float64 `json:"value"`    // the measured figure
	Met      bool    `json:"met"`      // Value satisfies Target
	Measured bool    `json:"measured"` // false: the run did not measure it (Value and Met mean nothing)
}

// humanActions are the routes of the human actions the latency goals cover, by the name the issue gives.
var humanActions = []struct{ name, route string }{
	{"submit", "POST /api/v1/applications/{id}/submit"},
	{"task complete", "POST /api/v1/tasks/{id}/complete"},
	{"score entry", "POST /api/v1/applications/{id}/scores"},
	{"payment order", "POST /api/v1/applications/{id}/payment"},
	{"payment callback", "POST /api/v1/payments/callback"},
	{"seat assignment", "POST /api/v1/exam-sessions/{id}/assign"},
	{"attendance", "POST /api/v1/exam-sessions/{id}/attendance"},
	{"evaluation", "POST /api/v1/applications/{id}/evaluations"},
}

// documentCompleteRoute is document complete: inspection included.
const documentCompleteRoute = "POST /api/v1/applications/{id}/documents/{document_id}/complete"

// Goal figures of the performance issue.
const (
	goalRatioFloor      = 0.8
	goalEvents          = 140
	goalP50Loaded       = 60  // ms, at concurrency 8
	goalP99Loaded       = 250 // ms, at concurrency 8
	goalP50Idle         = 20  // ms, one at a time
	goalDocCompleteIdle = 150 // ms p50, a 1 MiB PDF, one at a time
	goalProjectionP99   = 20  // ms, every list and search query at 1 M applications
	goalGatewayMiB      = 100 // RSS during registration and lifecycles
)

// computeGoals compares the run's figures with the goals. A goal the run did not measure is listed as not
// measured rather than left out, so a missing phase cannot look like a met goal.
func computeGoals(r *Result) []Goal {
	var out []Goal
	atMost := func(what, unit string, v, limit float64, ok bool) {
		out = append(out, Goal{What: what, Target: fmt.Sprintf("≤ %s%s", trimFloat(limit), unit), Value: v, Met: ok && v <= limit, Measured: ok})
	}
	below := func(what, unit string, v, limit float64, ok bool) {
		out = append(out, Goal{What: what, Target: fmt.Sprintf("< %s%s", trimFloat(limit), unit), Value: v, Met: ok && v < limit, Measured: ok})
	}
	for _, c := range []int{8, 16} {
		v, ok := r.RatioFloorByC[strconv.Itoa(c)]
		out = append(out, Goal{What: fmt.Sprintf("ratio_floor at concurrency %d", c), Target: fmt.Sprintf("≥ %s", trimFloat(goalRatioFloor)),
			Value: v, Met: ok && v >= goalRatioFloor, Measured: ok})
	}
	atMost("history events per lifecycle", "", r.EventsPerLC.All, goalEvents, r.EventsPerLC.All > 0)
	c := r.Lifecycles.Concurrency
	for _, h := range humanActions {
		l, ok := r.Endpoints[h.route]
		ok = ok && l.Count > 0
		below(fmt.Sprintf("%s p50 at concurrency %d", h.name, c), " ms", l.P50, goalP50Loaded, ok && c == 8)
		below(fmt.Sprintf("%s p99 at concurrency %d", h.name, c), " ms", l.P99, goalP99Loaded, ok && c == 8)
	}
	for _, h := range humanActions {
		l, ok := r.EndpointsIdle[h.route]
		below(h.name+" p50 one at a time", " ms", l.P50, goalP50Idle, ok && l.Count > 0)
	}
	l, ok := r.EndpointsIdle[documentCompleteRoute]
	below("document complete (1 MiB PDF) p50 one at a time", " ms", l.P50, goalDocCompleteIdle, ok && l.Count > 0)
	if pr := r.Projection; pr != nil {
		for _, pl := range pr.Plans {
			if v, ok := r.ProjectionP99[pl.Query]; ok {
				below(fmt.Sprintf("projection %s p99 at %d applications", pl.Query, pr.Loaded.Applications), " ms", v, goalProjectionP99, true)
			}
		}
	}
	if m, ok := r.MemoryAll["gateway"]; ok {
		below(fmt.Sprintf("gateway RSS during registration of %d applicants", r.Registration.Count), " MiB", m.PeakMiB, goalGatewayMiB, true)
	}
	if m, ok := r.Memory["gateway"]; ok {
		below("gateway RSS during open applications and lifecycles", " MiB", m.PeakMiB, goalGatewayMiB, true)
	}
	return out
}

// levelKey names a level in the per-level figures: "2 二级/技师".
func levelKey(level int) string {
	l := skillcert.Level(level)
	return fmt.Sprintf("%d %s", level, l.Label())
}

// EventsReport is the history size per lifecycle, overall and per level, with the billable actions.
type EventsReport struct {
	All               float64            `json:"all"`
	ByLevel           map[string]float64 `json:"by_level"`
	BillableAll       float64            `json:"billable_actions"`
	BillableByLevel   map[string]float64 `json:"billable_actions_by_level"`
	LifecyclesByLevel map[string]int     `json:"lifecycles_by_level"`
}

// eventsReport summarises the per-level actions.
func eventsReport(a ActionsReport) EventsReport {
	e := EventsReport{All: a.All.EventsPerCycle, BillableAll: a.All.BillablePerCycle, ByLevel: map[string]float64{},
		BillableByLevel: map[string]float64{}, LifecyclesByLevel: map[string]int{}}
	for k, v := range a.ByLevel {
		e.ByLevel[k], e.BillableByLevel[k], e.LifecyclesByLevel[k] = v.EventsPerCycle, v.BillablePerCycle, v.Lifecycles
	}
	return e
}

// projectionP99 is each query's p99 as shipped (the first variant).
func projectionP99(pr *Projection) map[string]float64 {
	if pr == nil || len(pr.Variants) == 0 {
		return nil
	}
	out := map[string]float64{}
	for q, l := range pr.Variants[0].Endpoints {
		out[q] = l.P99
	}
	return out
}
