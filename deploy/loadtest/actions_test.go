package main

import (
	"strings"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	updatepb "go.temporal.io/api/update/v1"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// events builds a history: each entry adds one event at t0 + ms milliseconds.
type events struct {
	list []*historypb.HistoryEvent
	t0   time.Time
}

func (h *events) add(ms int, typ enumspb.EventType, set func(e *historypb.HistoryEvent)) int64 {
	id := int64(len(h.list) + 1)
	e := &historypb.HistoryEvent{EventId: id, EventType: typ, EventTime: timestamppb.New(h.t0.Add(time.Duration(ms) * time.Millisecond))}
	if set != nil {
		set(e)
	}
	h.list = append(h.list, e)
	return id
}

// workflowTask adds a scheduled, started and completed workflow task.
func (h *events) workflowTask(ms, wait, run int) {
	s := h.add(ms, enumspb.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED, nil)
	st := h.add(ms+wait, enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED, func(e *historypb.HistoryEvent) {
		e.Attributes = &historypb.HistoryEvent_WorkflowTaskStartedEventAttributes{
			WorkflowTaskStartedEventAttributes: &historypb.WorkflowTaskStartedEventAttributes{ScheduledEventId: s}}
	})
	h.add(ms+wait+run, enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED, func(e *historypb.HistoryEvent) {
		e.Attributes = &historypb.HistoryEvent_WorkflowTaskCompletedEventAttributes{
			WorkflowTaskCompletedEventAttributes: &historypb.WorkflowTaskCompletedEventAttributes{ScheduledEventId: s, StartedEventId: st}}
	})
}

func (h *events) update(ms int, name string) {
	h.add(ms, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED, func(e *historypb.HistoryEvent) {
		e.Attributes = &historypb.HistoryEvent_WorkflowExecutionUpdateAcceptedEventAttributes{
			WorkflowExecutionUpdateAcceptedEventAttributes: &historypb.WorkflowExecutionUpdateAcceptedEventAttributes{
				AcceptedRequest: &updatepb.Request{Input: &updatepb.Input{Name: name}}}}
	})
}

// activity adds a scheduled activity, started on attempt after wait, completed after run.
func (h *events) activity(ms, wait, run int, typ string, attempt int32) {
	s := h.add(ms, enumspb.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED, func(e *historypb.HistoryEvent) {
		e.Attributes = &historypb.HistoryEvent_ActivityTaskScheduledEventAttributes{
			ActivityTaskScheduledEventAttributes: &historypb.ActivityTaskScheduledEventAttributes{ActivityType: &commonpb.ActivityType{Name: typ}}}
	})
	st := h.add(ms+wait, enumspb.EVENT_TYPE_ACTIVITY_TASK_STARTED, func(e *historypb.HistoryEvent) {
		e.Attributes = &historypb.HistoryEvent_ActivityTaskStartedEventAttributes{
			ActivityTaskStartedEventAttributes: &historypb.ActivityTaskStartedEventAttributes{ScheduledEventId: s, Attempt: attempt}}
	})
	h.add(ms+wait+run, enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED, func(e *historypb.HistoryEvent) {
		e.Attributes = &historypb.HistoryEvent_ActivityTaskCompletedEventAttributes{
			ActivityTaskCompletedEventAttributes: &historypb.ActivityTaskCompletedEventAttributes{ScheduledEventId: s, StartedEventId: st}}
	})
}

// sampleHistory is a short lifecycle: start with the created Update, one upload (inspected, then
// recorded, the inspection retried once), a submit, a timer started and cancelled, a signal.
func sampleHistory() []*historypb.HistoryEvent {
	h := &events{t0: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	h.add(0, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, nil)
	h.workflowTask(0, 10, 2)
	h.update(12, "created")
	h.add(12, enumspb.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES, nil)
	h.activity(12, 20, 6, "RecordTransition", 1)
	h.workflowTask(40, 30, 4)
	h.update(74, "attach_document")
	h.activity(74, 40, 20, "InspectDocument", 2)
	h.activity(140, 20, 6, "RecordTransition", 1)
	h.update(170, "submit")
	h.add(170, enumspb.EVENT_TYPE_TIMER_STARTED, nil)
	h.add(200, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED, func(e *historypb.HistoryEvent) {
		e.Attributes = &historypb.HistoryEvent_WorkflowExecutionSignaledEventAttributes{
			WorkflowExecutionSignaledEventAttributes: &historypb.WorkflowExecutionSignaledEventAttributes{SignalName: "batch_windows_changed"}}
	})
	h.add(210, enumspb.EVENT_TYPE_TIMER_CANCELED, nil)
	return h.list
}

func TestCountHistory(t *testing.T) {
	h := countHistory(sampleHistory())
	if h.Events != 23 {
		t.Errorf("events = %d, want 23", h.Events)
	}
	wantBillable := map[string]int{"workflow_started": 1, "updates": 3, "signals": 1, "activity_attempts": 4,
		"timers_started": 1, "search_attribute_upserts": 1, "markers": 0, "child_workflows_started": 0}
	got := h.billable()
	for k, v := range wantBillable {
		if got[k] != v {
			t.Errorf("billable[%s] = %d, want %d", k, got[k], v)
		}
	}
	if len(got) != len(wantBillable) {
		t.Errorf("billable kinds = %v", got)
	}
	if h.Updates["attach_document"] != 1 || h.Activities["RecordTransition"] != 2 || h.Signals["batch_windows_changed"] != 1 {
		t.Errorf("by name: updates %v activities %v signals %v", h.Updates, h.Activities, h.Signals)
	}
	if h.Fired != 0 || h.ByType["TimerCanceled"] != 1 {
		t.Errorf("timers: fired %d, by type %v", h.Fired, h.ByType)
	}
	// Queue waits: activities 20+40+20, workflow tasks 10+30; runs: activities 6+20+6, workflow tasks 2+4.
	wantLatency := map[string]time.Duration{activityQueued: 80 * time.Millisecond, activityRan: 32 * time.Millisecond,
		wftQueued: 40 * time.Millisecond, wftRan: 6 * time.Millisecond}
	for k, v := range wantLatency {
		if h.Latency[k] != v {
			t.Errorf("latency[%s] = %v, want %v", k, h.Latency[k], v)
		}
	}
	if h.Steps[activityQueued] != 3 || h.Steps[wftRan] != 2 {
		t.Errorf("steps = %v", h.Steps)
	}
}

func TestAverageActions(t *testing.T) {
	total := countHistory(nil)
	total.add(countHistory(sampleHistory()))
	total.add(countHistory(sampleHistory()))
	a := averageActions(total, 2)
	if a.Lifecycles != 2 || a.BillablePerCycle != 11 || a.EventsPerCycle != 23 {
		t.Errorf("averages = %d lifecycles, %v actions, %v events", a.Lifecycles, a.BillablePerCycle, a.EventsPerCycle)
	}
	if a.Updates["created"] != 1 || a.Billable["activity_attempts"] != 4 || a.WorkflowTasks != 2 || a.ExternalMessages != 5 {
		t.Errorf("per lifecycle: %+v", a)
	}
	if a.StepMillis[activityQueued] != 26.67 || a.StepMillis[wftQueued] != 20 {
		t.Errorf("step means = %v", a.StepMillis)
	}
	if z := averageActions(total, 0); z.Lifecycles != 0 || z.BillablePerCycle != 0 || z.Billable != nil {
		t.Errorf("no lifecycles should give zero, got %+v", z)
	}
}

func TestExplainActionsNamesEveryKind(t *testing.T) {
	total := countHistory(sampleHistory())
	lines := explainActions(averageActions(total, 1))
	text := strings.Join(lines, "\n")
	for _, want := range []string{"workflow start: 1 per lifecycle", "updates: 3 per lifecycle", "attach_document ×1",
		"activity attempts: 4 per lifecycle", "InspectDocument ×1", "timers started: 1 per lifecycle",
		"1 cancelled, 0 fired during the run", "search-attribute upserts: 1", "nothing polls"} {
		if !strings.Contains(text, want) {
			t.Errorf("explanation lacks %q:\n%s", want, text)
		}
	}
}

func TestSpread(t *testing.T) {
	tests := []struct {
		activities, updates int
		want                []int
	}{{7, 3, []int{3, 2, 2}}, {2, 4, []int{1, 1, 0, 0}}, {0, 2, []int{0, 0}}, {6, 1, []int{6}}}
	for _, tt := range tests {
		got := spread(tt.activities, tt.updates)
		total := 0
		for i, v := range got {
			total += v
			if v != tt.want[i] {
				t.Errorf("spread(%d, %d) = %v, want %v", tt.activities, tt.updates, got, tt.want)
				break
			}
		}
		if total != tt.activities {
			t.Errorf("spread(%d, %d) sums to %d", tt.activities, tt.updates, total)
		}
	}
}
