package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"skillcert"
)

// awaitWithTimeout waits up to d for cond and reports whether cond came first. In long-lived executions
// the timer that loses the race is cancelled (a TimerCanceled event), so no stale timer fires later;
// older executions keep workflow.AwaitWithTimeout, whose timer is left running. Lean executions cancel it
// only when the workflow goes on (timerDiesWithWorkflow). Never call it with the mutex held: a lean
// execution waits for the mutex to be free before it decides.
func (w *application) awaitWithTimeout(ctx workflow.Context, d time.Duration, cond func() bool) (bool, error) {
	if !w.longLived() {
		return workflow.AwaitWithTimeout(ctx, d, cond)
	}
	timerCtx, cancel := workflow.WithCancel(ctx)
	timer := workflow.NewTimer(timerCtx, d)
	if err := workflow.Await(ctx, func() bool { return cond() || timer.IsReady() }); err != nil {
		cancel()
		return false, err
	}
	won := cond()
	if !won || timer.IsReady() || !w.timerDiesWithWorkflow(ctx) {
		cancel() // a no-op for a timer that fired
	}
	return won, nil
}

// timerDiesWithWorkflow reports whether the timer that lost its race to cond may be left to end with the
// workflow instead of being cancelled. Never for older long-lived executions. Lean ones first let the
// update that decided the race finish (it holds the mutex while its side effects and projection write
// run, all in this workflow task): when that update ends the application (the last score certifies it,
// the applicant withdraws while a deadline runs), the workflow completes in the same task and the timer
// goes with it, so no TimerCanceled event is written.
func (w *application) timerDiesWithWorkflow(ctx workflow.Context) bool {
	if !w.leaner() {
		return false
	}
	err := workflow.Await(ctx, func() bool { return !w.mu.IsLocked() })
	return err == nil && w.ends()
}

// ends reports whether the workflow completes once its handlers finish: the status is final (certified
// too, for long-lived executions) and no incident keeps the case open.
func (w *application) ends() bool {
	s := w.st.Status
	return s.Final() && (s != skillcert.StatusCertified || w.longLived()) && w.st.Incident == nil
}
