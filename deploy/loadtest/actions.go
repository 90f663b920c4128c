package main

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
)

// historyCount is what one workflow history holds, counted by kind.
type historyCount struct {
	Events     int                      // every event
	ByType     map[string]int           // event type (WorkflowExecutionStarted, ...) → count
	Starts     int                      // workflow executions started (1, more after continue-as-new)
	WFTasks    int                      // workflow tasks completed
	Updates    map[string]int           // accepted Updates by name
	Signals    map[string]int           // signals by name
	Activities map[string]int           // scheduled activities by type
	Attempts   int                      // activity attempts (retries included), from the started events
	Timers     int                      // timers started
	Fired      int                      // timers that fired (none should during a lifecycle: nothing polls)
	Upserts    int                      // search-attribute upserts
	Markers    int                      // side effects, versions and local activities
	Children   int                      // child workflows started
	Latency    map[string]time.Duration // summed waits and runs (kinds below)
	Steps      map[string]int           // how many of each were summed
}

// Latency kinds read from event times: how long activity and workflow tasks waited in their task queue
// (scheduled → started) and how long they ran (started → completed).
const (
	activityQueued = "activity_task_queued"
	activityRan    = "activity_task_ran"
	wftQueued      = "workflow_task_queued"
	wftRan         = "workflow_task_ran"
)

// countHistory counts the events of one history.
func countHistory(events []*historypb.HistoryEvent) historyCount {
	h := historyCount{ByType: map[string]int{}, Updates: map[string]int{}, Signals: map[string]int{}, Activities: map[string]int{},
		Latency: map[string]time.Duration{}, Steps: map[string]int{}}
	at := map[int64]time.Time{}
	span := func(kind string, from int64, to time.Time) {
		if t, ok := at[from]; ok && !t.IsZero() && !to.IsZero() {
			h.Latency[kind] += to.Sub(t)
			h.Steps[kind]++
		}
	}
	for _, e := range events {
		h.Events++
		now := e.GetEventTime().AsTime()
		at[e.GetEventId()] = now
		h.ByType[eventName(e.GetEventType())]++
		switch e.GetEventType() {
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
			h.Starts++
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
			h.Updates[e.GetWorkflowExecutionUpdateAcceptedEventAttributes().GetAcceptedRequest().GetInput().GetName()]++
		case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
			h.Signals[e.GetWorkflowExecutionSignaledEventAttributes().GetSignalName()]++
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
			h.Activities[e.GetActivityTaskScheduledEventAttributes().GetActivityType().GetName()]++
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED:
			a := e.GetActivityTaskStartedEventAttributes()
			h.Attempts += int(max(1, a.GetAttempt()))
			span(activityQueued, a.GetScheduledEventId(), now)
		case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
			span(activityRan, e.GetActivityTaskCompletedEventAttributes().GetStartedEventId(), now)
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED:
			span(wftQueued, e.GetWorkflowTaskStartedEventAttributes().GetScheduledEventId(), now)
		case enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
			h.WFTasks++
			span(wftRan, e.GetWorkflowTaskCompletedEventAttributes().GetStartedEventId(), now)
		case enumspb.EVENT_TYPE_TIMER_STARTED:
			h.Timers++
		case enumspb.EVENT_TYPE_TIMER_FIRED:
			h.Fired++
		case enumspb.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
			h.Upserts++
		case enumspb.EVENT_TYPE_MARKER_RECORDED:
			h.Markers++
		case enumspb.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED:
			h.Children++
		}
	}
	return h
}

// eventName is the event type's name, such as WorkflowExecutionStarted.
func eventName(t enumspb.EventType) string {
	return strings.TrimPrefix(t.String(), "EVENT_TYPE_") // older API versions spell it EVENT_TYPE_...
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// billable lists the Temporal Cloud billable actions of the history by kind: the start, every accepted
// Update, every Signal, every activity attempt, every timer started, every search-attribute upsert, every
// marker, every child workflow. Workflow tasks, completions and cancellations are not actions; Updates
// refused by their validator never reach the history (the load test expects none).
func (h historyCount) billable() map[string]int {
	return map[string]int{
		"workflow_started":         h.Starts,
		"updates":                  sum(h.Updates),
		"signals":                  sum(h.Signals),
		"activity_attempts":        h.Attempts,
		"timers_started":           h.Timers,
		"search_attribute_upserts": h.Upserts,
		"markers":                  h.Markers,
		"child_workflows_started":  h.Children,
	}
}

// add adds o's counts to h.
func (h *historyCount) add(o historyCount) {
	h.Events += o.Events
	h.Starts += o.Starts
	h.WFTasks += o.WFTasks
	for _, pair := range []struct{ dst, src map[string]int }{{h.ByType, o.ByType}, {h.Updates, o.Updates},
		{h.Signals, o.Signals}, {h.Activities, o.Activities}} {
		for k, v := range pair.src {
			pair.dst[k] += v
		}
	}
	h.Attempts += o.Attempts
	h.Timers += o.Timers
	h.Fired += o.Fired
	h.Upserts += o.Upserts
	h.Markers += o.Markers
	h.Children += o.Children
	for k, v := range o.Latency {
		h.Latency[k] += v
	}
	for k, v := range o.Steps {
		h.Steps[k] += v
	}
}

// readHistory fetches a workflow's whole history.
func readHistory(ctx context.Context, c client.Client, workflowID string) ([]*historypb.HistoryEvent, error) {
	it := c.GetWorkflowHistory(ctx, workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var events []*historypb.HistoryEvent
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("history of %s: %w", workflowID, err)
		}
		events = append(events, e)
	}
	return events, nil
}

// Actions is the per-lifecycle Temporal cost of one group of lifecycles, averaged.
type Actions struct {
	Lifecycles        int                `json:"lifecycles"`
	BillablePerCycle  float64            `json:"billable_actions"`
	EventsPerCycle    float64            `json:"history_events"`
	Billable          map[string]float64 `json:"billable_by_kind"`
	Updates           map[string]float64 `json:"updates_by_name"`
	Activities        map[string]float64 `json:"activities_by_type"`
	Events            map[string]float64 `json:"events_by_type"`
	TimersFired       float64            `json:"timers_fired"`
	WorkflowTasks     float64            `json:"workflow_tasks"`
	ExternalMessages  float64            `json:"external_messages"` // starts + updates + signals
	WorkflowTasksNote string             `json:"workflow_tasks_note"`
	StepMillis        map[string]float64 `json:"mean_step_ms"` // task queue waits and runs, from event times
}

// averageActions averages the counts of n lifecycles (total holds their sum).
func averageActions(total historyCount, n int) Actions {
	if n == 0 {
		return Actions{}
	}
	per := func(m map[string]int) map[string]float64 {
		out := make(map[string]float64, len(m))
		for k, v := range m {
			out[k] = round2(float64(v) / float64(n))
		}
		return out
	}
	b := total.billable()
	a := Actions{Lifecycles: n, BillablePerCycle: round2(float64(sum(b)) / float64(n)),
		EventsPerCycle: round2(float64(total.Events) / float64(n)), Billable: per(b), Updates: per(total.Updates),
		Activities: per(total.Activities), Events: per(total.ByType), TimersFired: round2(float64(total.Fired) / float64(n)),
		WorkflowTasks:    round2(float64(total.WFTasks) / float64(n)),
		ExternalMessages: round2(float64(total.Starts+sum(total.Updates)+sum(total.Signals)) / float64(n))}
	a.StepMillis = map[string]float64{}
	for k, d := range total.Latency {
		if n := total.Steps[k]; n > 0 {
			a.StepMillis[k] = ms(d / time.Duration(n))
		}
	}
	a.WorkflowTasksNote = "workflow tasks run only when something arrives (a start, an Update, an activity result, a timer); " +
		"they are not billed as actions"
	return a
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }
