package main

import (
	"context"
	"fmt"
	"sort"

	"github.com/jackc/pgx/v5/pgxpool"
	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"skillcert/activities"
	"skillcert/workflows"
)

// reprojector rebuilds the projection of a case by re-applying, in order, the projection writes its
// workflow completed, as the replayed workflow code builds them: the same RecordTransition (and payment,
// notification, certificate) write paths the worker uses. Those writes are idempotent and ordered by the
// workflow's sequence number, so rows that survived are left as they are and only what is missing or behind
// is written again.
type reprojector struct {
	temporal   client.Client
	dc         converter.DataConverter
	fc         converter.FailureConverter
	sdkLogger  log.Logger
	pool       *pgxpool.Pool
	acts       *activities.Activities
	taskQueue  string
	skipOutbox bool
}

// caseResult is what rebuilding one case did.
type caseResult struct {
	runs, writes int
	err          error
}

// reprojectCase rebuilds one case from every run of its workflow (oldest first).
func (r *reprojector) reprojectCase(ctx context.Context, workflowID string) caseResult {
	var res caseResult
	runs, err := r.runsOf(ctx, workflowID)
	if err == nil && len(runs) == 0 {
		err = fmt.Errorf("no workflow (never started, or closed longer ago than the namespace's retention)")
	}
	for _, runID := range runs {
		if err != nil {
			break
		}
		var n int
		n, err = r.replayRun(ctx, workflowID, runID)
		res.runs++
		res.writes += n
	}
	if err != nil {
		res.err = fmt.Errorf("%s: %w", workflowID, err)
	}
	return res
}

// runsOf lists the runs of a workflow, oldest first.
func (r *reprojector) runsOf(ctx context.Context, workflowID string) ([]string, error) {
	type run struct {
		id    string
		start int64
	}
	var runs []run
	var token []byte
	for {
		resp, err := r.temporal.ListWorkflow(ctx, &workflowservice.ListWorkflowExecutionsRequest{
			Query: fmt.Sprintf("WorkflowId = '%s'", workflowID), NextPageToken: token})
		if err != nil {
			return nil, fmt.Errorf("list runs: %w", err)
		}
		for _, e := range resp.GetExecutions() {
			runs = append(runs, run{e.GetExecution().GetRunId(), e.GetStartTime().AsTime().UnixNano()})
		}
		if token = resp.GetNextPageToken(); len(token) == 0 {
			break
		}
	}
	sort.Slice(runs, func(i, j int) bool { return runs[i].start < runs[j].start })
	ids := make([]string, len(runs))
	for i, r := range runs {
		ids[i] = r.id
	}
	return ids, nil
}

// replayRun re-applies the projection writes of one run and returns how many it re-applied. It replays the
// run's history through the workflow code with an interceptor that records every projection write the code
// asks for, with its arguments as the code built them; only writes whose activity completed (its future
// resolved without error) are re-applied: one still running will write by itself, one that failed wrote
// nothing. This works for regular and for local activities alike (a local activity's input is not in the
// history, but the replayed code rebuilds it), and a history that no longer replays is refused.
func (r *reprojector) replayRun(ctx context.Context, workflowID, runID string) (int, error) {
	iter := r.temporal.GetWorkflowHistory(ctx, workflowID, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	hist := &historypb.History{}
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			return 0, fmt.Errorf("read history: %w", err)
		}
		hist.Events = append(hist.Events, ev)
	}
	rec := &recorder{}
	replayer, err := worker.NewWorkflowReplayerWithOptions(worker.WorkflowReplayerOptions{
		DataConverter: r.dc, FailureConverter: r.fc, Interceptors: []interceptor.WorkerInterceptor{rec},
	})
	if err != nil {
		return 0, err
	}
	replayer.RegisterWorkflow(workflows.ApplicationWorkflow)
	if err := replayer.ReplayWorkflowHistory(r.sdkLogger, hist); err != nil {
		return 0, fmt.Errorf("replay: %w", err)
	}
	for i, w := range rec.writes {
		err := w.err
		if err == nil {
			err = writers[w.activity](ctx, r, w.args, w.result)
		}
		if err != nil {
			return i, fmt.Errorf("write %d (%s): %w", i+1, w.activity, err)
		}
	}
	return len(rec.writes), nil
}

// write is a projection write the replayed workflow completed: the activity, and its arguments and result
// encoded when the workflow passed and received them (as the worker would have; the workflow may change
// the values they point to afterwards).
type write struct {
	activity string
	args     *commonpb.Payloads
	result   *commonpb.Payload
	err      error
}

// recorder intercepts the replayed workflow's activity calls and keeps the projection writes that complete,
// in the order the workflow saw them complete.
type recorder struct {
	interceptor.WorkerInterceptorBase
	writes []write
}

// InterceptWorkflow implements interceptor.WorkerInterceptor.
func (r *recorder) InterceptWorkflow(_ workflow.Context, next interceptor.WorkflowInboundInterceptor) interceptor.WorkflowInboundInterceptor {
	return &recordingInbound{WorkflowInboundInterceptorBase: interceptor.WorkflowInboundInterceptorBase{Next: next}, root: r}
}

type recordingInbound struct {
	interceptor.WorkflowInboundInterceptorBase
	root *recorder
}

// Init implements interceptor.WorkflowInboundInterceptor.
func (i *recordingInbound) Init(outbound interceptor.WorkflowOutboundInterceptor) error {
	return i.Next.Init(&recordingOutbound{WorkflowOutboundInterceptorBase: interceptor.WorkflowOutboundInterceptorBase{Next: outbound}, root: i.root})
}

type recordingOutbound struct {
	interceptor.WorkflowOutboundInterceptorBase
	root *recorder
}

// ExecuteActivity implements interceptor.WorkflowOutboundInterceptor.
func (o *recordingOutbound) ExecuteActivity(ctx workflow.Context, activityType string, args ...any) workflow.Future {
	return o.root.watch(activityType, args, o.Next.ExecuteActivity(ctx, activityType, args...))
}

// ExecuteLocalActivity implements interceptor.WorkflowOutboundInterceptor.
func (o *recordingOutbound) ExecuteLocalActivity(ctx workflow.Context, activityType string, args ...any) workflow.Future {
	return o.root.watch(activityType, args, o.Next.ExecuteLocalActivity(ctx, activityType, args...))
}

// watch returns f, wrapped so that a projection write is recorded when the workflow gets its result.
func (r *recorder) watch(activityType string, args []any, f workflow.Future) workflow.Future {
	if _, ok := writers[activityType]; !ok {
		return f
	}
	call := write{activity: activityType}
	call.args, call.err = plainJSON.ToPayloads(args...)
	return &watchedFuture{Future: f, root: r, call: call}
}

// plainJSON encodes the values in memory only: plain JSON, no encryption.
var plainJSON = converter.GetDefaultDataConverter()

type watchedFuture struct {
	workflow.Future
	root *recorder
	call write
	done bool
}

// Get implements workflow.Future and records the write once it has completed.
func (f *watchedFuture) Get(ctx workflow.Context, valuePtr any) error {
	err := f.Future.Get(ctx, valuePtr)
	if err == nil && !f.done {
		f.done = true
		if valuePtr != nil && f.call.err == nil {
			f.call.result, f.call.err = plainJSON.ToPayload(valuePtr)
		}
		f.root.writes = append(f.root.writes, f.call)
	}
	return err
}

// writer re-applies one completed activity from the arguments the workflow passed and the result it got.
type writer func(ctx context.Context, r *reprojector, args *commonpb.Payloads, result *commonpb.Payload) error

// writers are the activities that write the projection, by activity type. InspectDocument is not among
// them: document rows are created by the gateway, not the workflow (see deploy/OPERATIONS.md).
var writers = map[string]writer{
	"RecordTransition": func(ctx context.Context, r *reprojector, args *commonpb.Payloads, _ *commonpb.Payload) error {
		rec, err := arg[activities.TransitionRecord](args)
		if err != nil {
			return err
		}
		if r.skipOutbox {
			rec.Notifications = nil
		}
		return r.acts.RecordTransition(ctx, rec)
	},
	"CreatePaymentOrder": func(ctx context.Context, r *reprojector, args *commonpb.Payloads, _ *commonpb.Payload) error {
		in, err := arg[activities.OrderInput](args)
		if err != nil {
			return err
		}
		return r.acts.CreatePaymentOrder(ctx, in)
	},
	"RecordPayment": func(ctx context.Context, r *reprojector, args *commonpb.Payloads, _ *commonpb.Payload) error {
		in, err := arg[activities.PaymentInput](args)
		if err != nil {
			return err
		}
		return r.acts.RecordPayment(ctx, in)
	},
	"Notify": func(ctx context.Context, r *reprojector, args *commonpb.Payloads, _ *commonpb.Payload) error {
		in, err := arg[activities.NotifyInput](args)
		if err != nil || r.skipOutbox {
			return err
		}
		return r.acts.Notify(ctx, in)
	},
	"IssueCertificate": func(ctx context.Context, r *reprojector, args *commonpb.Payloads, result *commonpb.Payload) error {
		in, err := arg[activities.IssueInput](args)
		if err != nil {
			return err
		}
		var number string
		if result == nil || plainJSON.FromPayload(result, &number) != nil || number == "" {
			return fmt.Errorf("the workflow got no certificate number")
		}
		return activities.RestoreCertificate(ctx, r.pool, in, number)
	},
	"RevokeCertificate": func(ctx context.Context, r *reprojector, args *commonpb.Payloads, _ *commonpb.Payload) error {
		in, err := arg[activities.RevokeInput](args)
		if err != nil {
			return err
		}
		return r.acts.RevokeCertificate(ctx, in)
	},
}

// arg decodes the single argument of an activity call as a T.
func arg[T any](args *commonpb.Payloads) (T, error) {
	var v T
	if n := len(args.GetPayloads()); n != 1 {
		return v, fmt.Errorf("%d arguments, want 1", n)
	}
	if err := plainJSON.FromPayload(args.GetPayloads()[0], &v); err != nil {
		return v, fmt.Errorf("decode argument as a %T: %w", v, err)
	}
	return v, nil
}
