package main

import (
	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/workflow"
)

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
	if !projectionWrites[activityType] {
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
