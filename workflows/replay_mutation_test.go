package workflows_test

import (
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"skillcert"
	"skillcert/workflows"
)

// mutation is a deliberately incompatible change to ApplicationWorkflow, applied in this test only: through
// an interceptor that alters the commands the real workflow code issues, or by registering a changed copy
// under the workflow's name. affects tells which recorded histories the change must break.
type mutation struct {
	name     string
	outbound func(next interceptor.WorkflowOutboundInterceptor) interceptor.WorkflowOutboundInterceptor
	register func(worker.WorkflowReplayer)
	affects  func(*historypb.History) bool
}

var mutations = []mutation{
	{name: "swap IssueCertificate and RevokeCertificate",
		outbound: func(next interceptor.WorkflowOutboundInterceptor) interceptor.WorkflowOutboundInterceptor {
			return &swapActivities{WorkflowOutboundInterceptorBase: interceptor.WorkflowOutboundInterceptorBase{Next: next},
				a: "IssueCertificate", b: "RevokeCertificate"}
		},
		affects: func(h *historypb.History) bool {
			return schedules(h, "IssueCertificate") || schedules(h, "RevokeCertificate")
		}},
	{name: "remove every timer (deadlines and reminders wait without one)",
		outbound: func(next interceptor.WorkflowOutboundInterceptor) interceptor.WorkflowOutboundInterceptor {
			return &noTimers{WorkflowOutboundInterceptorBase: interceptor.WorkflowOutboundInterceptorBase{Next: next}}
		},
		affects: func(h *historypb.History) bool { return has(h, enumspb.EVENT_TYPE_TIMER_STARTED) }},
	{name: "inspect documents in a regular activity instead of a local one",
		outbound: func(next interceptor.WorkflowOutboundInterceptor) interceptor.WorkflowOutboundInterceptor {
			return &localAsRegular{WorkflowOutboundInterceptorBase: interceptor.WorkflowOutboundInterceptorBase{Next: next},
				activity: "InspectDocument"}
		},
		affects: func(h *historypb.History) bool {
			return changeVersion(h, "lean-2026-11") && updates(h, "attach_document")
		}},
	{name: "run a fused step (RecordStep) in a regular activity",
		outbound: func(next interceptor.WorkflowOutboundInterceptor) interceptor.WorkflowOutboundInterceptor {
			return &localAsRegular{WorkflowOutboundInterceptorBase: interceptor.WorkflowOutboundInterceptorBase{Next: next},
				activity: "RecordStep"}
		},
		affects: func(h *historypb.History) bool {
			return changeVersion(h, "fused-2026-11") && updates(h, "attach_document")
		}},
	{name: "a copy that starts an extra timer first",
		register: func(r worker.WorkflowReplayer) {
			r.RegisterWorkflowWithOptions(func(ctx workflow.Context, in workflows.ApplicationInput) (skillcert.Status, error) {
				workflow.NewTimer(ctx, time.Hour)
				return workflows.ApplicationWorkflow(ctx, in)
			}, workflow.RegisterOptions{Name: "ApplicationWorkflow"})
		},
		affects: func(*historypb.History) bool { return true }},
}

// TestReplayCorpusCatchesIncompatibleChanges proves that TestReplayCorpus bites: each mutation must make
// the replay of every history it touches fail with a non-determinism error, must leave the others green
// (so the failure is the mutation's, not noise), and must touch at least one history (so the corpus covers
// the path it changes).
func TestReplayCorpusCatchesIncompatibleChanges(t *testing.T) {
	histories := loadCorpus(t)
	for _, m := range mutations {
		t.Run(m.name, func(t *testing.T) {
			var ics []interceptor.WorkerInterceptor
			if m.outbound != nil {
				ics = append(ics, &mutator{outbound: m.outbound})
			}
			broken := 0
			for _, rec := range histories {
				err := replay(t, rec.history, m.register, ics...)
				switch want := m.affects(rec.history); {
				case want && !nonDeterminism(err):
					t.Errorf("%s: replay of the mutated workflow gave %v, want a non-determinism error", rec.name, err)
				case !want && err != nil:
					t.Errorf("%s: the mutation does not touch this history, yet replay failed: %v", rec.name, err)
				case want:
					broken++
				}
			}
			if broken == 0 {
				t.Errorf("no recorded history exercises this change: the corpus misses its path")
			}
			t.Logf("%d of %d histories broken", broken, len(histories))
		})
	}
}

// nonDeterminism reports whether err is the SDK's non-determinism error (code TMPRL1100).
func nonDeterminism(err error) bool {
	return err != nil && strings.Contains(err.Error(), "TMPRL1100")
}

func has(h *historypb.History, t enumspb.EventType) bool {
	for _, e := range h.Events {
		if e.EventType == t {
			return true
		}
	}
	return false
}

func schedules(h *historypb.History, activity string) bool {
	for _, e := range h.Events {
		if e.GetActivityTaskScheduledEventAttributes().GetActivityType().GetName() == activity {
			return true
		}
	}
	return false
}

// mutator installs a mutation's outbound interceptor on every workflow the replayer runs.
type mutator struct {
	interceptor.WorkerInterceptorBase
	outbound func(interceptor.WorkflowOutboundInterceptor) interceptor.WorkflowOutboundInterceptor
}

func (m *mutator) InterceptWorkflow(_ workflow.Context, next interceptor.WorkflowInboundInterceptor) interceptor.WorkflowInboundInterceptor {
	return &mutatedInbound{WorkflowInboundInterceptorBase: interceptor.WorkflowInboundInterceptorBase{Next: next}, m: m}
}

type mutatedInbound struct {
	interceptor.WorkflowInboundInterceptorBase
	m *mutator
}

func (i *mutatedInbound) Init(outbound interceptor.WorkflowOutboundInterceptor) error {
	return i.Next.Init(i.m.outbound(outbound))
}

// swapActivities schedules activity b where the workflow asks for a, and a for b.
type swapActivities struct {
	interceptor.WorkflowOutboundInterceptorBase
	a, b string
}

func (s *swapActivities) ExecuteActivity(ctx workflow.Context, activityType string, args ...any) workflow.Future {
	switch activityType {
	case s.a:
		activityType = s.b
	case s.b:
		activityType = s.a
	}
	return s.Next.ExecuteActivity(ctx, activityType, args...)
}

// localAsRegular runs the local activity of type activity as a regular one.
type localAsRegular struct {
	interceptor.WorkflowOutboundInterceptorBase
	activity string
}

func (l *localAsRegular) ExecuteLocalActivity(ctx workflow.Context, activityType string, args ...any) workflow.Future {
	if activityType != l.activity {
		return l.Next.ExecuteLocalActivity(ctx, activityType, args...)
	}
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: time.Minute})
	return l.Next.ExecuteActivity(ctx, activityType, args...)
}

// changeVersion reports whether the workflow recorded a version of changeID (its TemporalChangeVersion
// search attribute, which is not encrypted, names it).
func changeVersion(h *historypb.History, changeID string) bool {
	for _, e := range h.Events {
		p := e.GetUpsertWorkflowSearchAttributesEventAttributes().GetSearchAttributes().GetIndexedFields()["TemporalChangeVersion"]
		if p != nil && strings.Contains(string(p.GetData()), changeID+"-") {
			return true
		}
	}
	return false
}

// updates reports whether the workflow accepted an update of that name.
func updates(h *historypb.History, name string) bool {
	for _, e := range h.Events {
		if e.GetWorkflowExecutionUpdateAcceptedEventAttributes().GetAcceptedRequest().GetInput().GetName() == name {
			return true
		}
	}
	return false
}

// noTimers waits for conditions without a timer and never fires the workflow's own timers.
type noTimers struct {
	interceptor.WorkflowOutboundInterceptorBase
}

func (n *noTimers) AwaitWithTimeout(ctx workflow.Context, _ time.Duration, condition func() bool) (bool, error) {
	return true, n.Next.Await(ctx, condition)
}

func (n *noTimers) NewTimer(ctx workflow.Context, _ time.Duration) workflow.Future {
	f, _ := workflow.NewFuture(ctx)
	return f
}

func (n *noTimers) NewTimerWithOptions(ctx workflow.Context, _ time.Duration, _ workflow.TimerOptions) workflow.Future {
	f, _ := workflow.NewFuture(ctx)
	return f
}
