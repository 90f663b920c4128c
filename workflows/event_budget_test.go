package workflows_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
)

// TestEventBudget reads the lean-2026-11 and fused-2026-11 histories of the corpus (which TestReplayCorpus
// proves the current code reproduces) and holds them to issue 14's budget: they schedule no regular
// activity, no human action costs more than nine events in a lean history (its update and its workflow
// task: five; the markers of its side effect and projection write; a status change's search attributes; a
// timer started or cancelled) and eight in a fused one (one marker for both; nine for attendance, which
// records the skill-score due date in a SideEffect), and a certified 三级 lifecycle
// stays within 140 events (lean) and 129 (fused). It logs where the events go, per update, for
// VERSIONING.md (go test -run TestEventBudget -v ./workflows/).
func TestEventBudget(t *testing.T) {
	for _, rec := range loadCorpus(t) {
		version, _, _ := strings.Cut(rec.name, "-")
		perAction, level3Budget := map[string]int{"lean": 9, "fused": 8}[version], map[string]int{"lean": 140, "fused": 129}[version]
		if perAction == 0 {
			continue
		}
		steps := breakdown(rec.history)
		var lines []string
		for _, s := range steps {
			lines = append(lines, fmt.Sprintf("%s %d×%.1f", s.name, s.count, float64(s.events)/float64(s.count)))
			budget := perAction
			if version == "fused" {
				budget += recordsValue[s.name]
			}
			if s.update && s.events > budget*s.count && !slowStep[s.name] {
				t.Errorf("%s: %s costs %.1f events each, budget %d", rec.name, s.name, float64(s.events)/float64(s.count), budget)
			}
		}
		t.Logf("%s: %d events: %s", rec.name, len(rec.history.Events), strings.Join(lines, ", "))
		for _, e := range rec.history.Events {
			if e.EventType == enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED {
				t.Errorf("%s: regular activity %s scheduled", rec.name, e.GetActivityTaskScheduledEventAttributes().GetActivityType().GetName())
			}
		}
		if strings.HasSuffix(rec.name, "-certified-level3") && len(rec.history.Events) > level3Budget {
			t.Errorf("%s: %d events, budget %d", rec.name, len(rec.history.Events), level3Budget)
		}
	}
}

// recordsValue are the updates that record a derived value (a SideEffect marker) besides their step.
var recordsValue = map[string]int{"record_attendance": 1}

// slowStep names the updates allowed more than the per-action budget: created starts the workflow and
// records its eligibility verdict, and the deadline-driven steps (timers firing) are not human actions.
var slowStep = map[string]bool{"created": true, "timer": true, "signal": true, "start": true}

// step is what one kind of trigger cost in a history: events between it and the next trigger.
type step struct {
	name          string
	update        bool
	count, events int
}

// breakdown attributes every event to the trigger before it: the start, an accepted update (by name), a
// timer that fired or a signal.
func breakdown(h *historypb.History) []step {
	by := map[string]*step{}
	cur := &step{name: "start", count: 1}
	by["start"] = cur
	for _, e := range h.Events {
		name, update := "", false
		switch e.EventType {
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
			name, update = e.GetWorkflowExecutionUpdateAcceptedEventAttributes().GetAcceptedRequest().GetInput().GetName(), true
		case enumspb.EVENT_TYPE_TIMER_FIRED:
			name = "timer"
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
			name = "signal"
		}
		if name != "" {
			if by[name] == nil {
				by[name] = &step{name: name, update: update}
			}
			cur = by[name]
			cur.count++
		}
		cur.events++
	}
	out := make([]step, 0, len(by))
	for _, s := range by {
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].events > out[j].events })
	return out
}
