package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"skillcert/contract"
)

// sideEffect runs the activity named activity with in and decodes its result into out (nil: none). Lean
// executions run it as a local activity: the worker that holds the workflow task runs it at once and the
// history records one marker, so an update that needs it completes in the workflow task that accepted it.
// Older executions run a regular activity (three events, a task-queue round trip for the activity and one
// for the workflow task that follows), as their histories recorded. Both use opts' timeout and retry
// policy; see sideEffectOptions and inspectOptions.
//
// What stays a regular activity, and why: RecordIncident (retries without limit, in its own coroutine,
// while updates go on), the retried projection write of an incident an admin resolves (the failure path),
// RevokeCertificate of old certified cases and RevokeApplication (separate, rare workflows). None of the
// side effects needs heartbeats: the longest, a PDF inspection, is bounded by inspectOptions.
func (w *application) sideEffect(ctx workflow.Context, opts workflow.ActivityOptions, activity string, in, out any) error {
	if !w.leaner() {
		return workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, opts), activity, in).Get(ctx, out)
	}
	lctx := workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout: opts.StartToCloseTimeout, ScheduleToCloseTimeout: opts.ScheduleToCloseTimeout, RetryPolicy: opts.RetryPolicy,
	})
	return workflow.ExecuteLocalActivity(lctx, activity, in).Get(ctx, out)
}

// sideEffectOptions are the options of the workflow's short side effects: a 30 s attempt under the
// bounded, classified retryPolicy (activityContext).
func sideEffectOptions() workflow.ActivityOptions {
	return workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second, RetryPolicy: retryPolicy()}
}

// inspectOptions bound a document inspection. Older executions allow two minutes per attempt; lean ones,
// which inspect in a local activity, allow one minute per attempt (pdftotext has 30 s, inspect.ToolTimeout) and
// two minutes in all, at most five attempts; a 1 MiB PDF takes well under a second.
func (w *application) inspectOptions() workflow.ActivityOptions {
	retry := &temporal.RetryPolicy{MaximumInterval: 10 * time.Second, MaximumAttempts: 5, NonRetryableErrorTypes: []string{contract.ErrInvalid}}
	if !w.leaner() {
		return workflow.ActivityOptions{StartToCloseTimeout: 2 * time.Minute, RetryPolicy: retry}
	}
	return workflow.ActivityOptions{StartToCloseTimeout: time.Minute, ScheduleToCloseTimeout: 2 * time.Minute, RetryPolicy: retry}
}
