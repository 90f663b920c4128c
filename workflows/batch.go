package workflows

import (
	"go.temporal.io/sdk/workflow"

	"skillcert"
	"skillcert/contract"
)

// refreshBatch reads the batch's stored windows before the payment deadline acts, so that a window
// change whose signal never arrived (the gateway stopped halfway through its fan-out) still reaches the
// case: a later deadline re-arms the timer instead of expiring the application. It reports whether the
// windows changed. When the read fails after its retries, the deadline acts on what the workflow knows.
func (w *application) refreshBatch(ctx workflow.Context) bool {
	var b contract.BatchDates
	if err := w.sideEffect(ctx, sideEffectOptions(), contract.LoadBatchWindows, w.in.Batch.BatchID, &b); err != nil {
		workflow.GetLogger(ctx).Warn("batch windows not re-read before the payment deadline", "error", err)
		return false
	}
	cur := w.in.Batch
	if b.RegistrationClosesAt.Equal(cur.RegistrationClosesAt) && b.PaymentOpensAt.Equal(cur.PaymentOpensAt) &&
		b.PaymentClosesAt.Equal(cur.PaymentClosesAt) && b.ExamStartsAt.Equal(cur.ExamStartsAt) {
		return false
	}
	w.changeWindows(ctx, BatchWindows{BatchID: cur.BatchID, RegistrationClosesAt: b.RegistrationClosesAt,
		PaymentOpensAt: b.PaymentOpensAt, PaymentClosesAt: b.PaymentClosesAt, ExamStartsAt: b.ExamStartsAt})
	return true
}

// receiveBatchChanges applies batch window changes: running timers re-arm, the projection shows new dates.
func (w *application) receiveBatchChanges(ctx workflow.Context) {
	ch := workflow.GetSignalChannel(ctx, SignalBatchChanged)
	for {
		var b BatchWindows
		ch.Receive(ctx, &b)
		if b.BatchID != w.in.Batch.BatchID {
			workflow.GetLogger(ctx).Warn("batch change for another batch ignored", "batch", b.BatchID)
			continue
		}
		w.changeWindows(ctx, b)
	}
}

func (w *application) changeWindows(ctx workflow.Context, b BatchWindows) {
	w.withLock(ctx, func() {
		w.in.Batch = b
		w.windows++
		if !w.st.Status.Final() && w.created && w.createErr == nil {
			_, _ = w.apply(ctx, step{action: "batch_windows_changed", actor: Actor{Role: skillcert.RoleSystem}})
		}
	})
}
