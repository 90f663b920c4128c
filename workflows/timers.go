package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"
)

// awaitWithTimeout waits up to d for cond and reports whether cond came first. In long-lived executions
// the timer that loses the race is cancelled (a TimerCanceled event), so no stale timer fires later;
// older executions keep workflow.AwaitWithTimeout, whose timer is left running.
func (w *application) awaitWithTimeout(ctx workflow.Context, d time.Duration, cond func() bool) (bool, error) {
	if !w.longLived() {
		return workflow.AwaitWithTimeout(ctx, d, cond)
	}
	timerCtx, cancel := workflow.WithCancel(ctx)
	defer cancel() // cancels the timer unless it has fired
	timer := workflow.NewTimer(timerCtx, d)
	if err := workflow.Await(ctx, func() bool { return cond() || timer.IsReady() }); err != nil {
		return false, err
	}
	return cond(), nil
}
