package workflows

import (
	"go.temporal.io/sdk/workflow"
)

// BatchWindowsWorkflowName is the name the worker registers BatchWindowsWorkflow under.
const BatchWindowsWorkflowName = "BatchWindowsWorkflow"

// BatchWindowsWorkflowID is the ID of the fan-out of one batch's window change. A newer change of the
// same batch replaces a fan-out still running (its dates are stale).
func BatchWindowsWorkflowID(batchID string) string { return "batch-windows-" + batchID }

// fanOutChunk bounds the signals of one run (two events each); the rest continue as new.
const fanOutChunk = 500

// fanOutParallel is how many signals are in flight at once.
const fanOutParallel = 50

// BatchWindowsInput is a batch's new windows and the applications that may still be running.
type BatchWindowsInput struct {
	Windows        BatchWindows `json:"windows"`
	ApplicationIDs []string     `json:"application_ids"`
	Notified       int          `json:"notified"` // signalled by earlier runs of the chain
}

// BatchWindowsWorkflow tells every listed application of the batch about its new windows. Being a
// workflow, the fan-out finishes even if the gateway that started it is killed halfway; the applications'
// own re-read of the batch before a payment deadline covers a change whose fan-out never started. It
// returns how many running applications were signalled (ended ones are skipped).
func BatchWindowsWorkflow(ctx workflow.Context, in BatchWindowsInput) (int, error) {
	ids, rest := in.ApplicationIDs, []string(nil)
	if len(ids) > fanOutChunk {
		ids, rest = ids[:fanOutChunk], ids[fanOutChunk:]
	}
	for start := 0; start < len(ids); start += fanOutParallel {
		end := min(start+fanOutParallel, len(ids))
		futures := make([]workflow.Future, 0, end-start)
		for _, id := range ids[start:end] {
			futures = append(futures, workflow.SignalExternalWorkflow(ctx, WorkflowID(id), "", SignalBatchChanged, in.Windows))
		}
		for _, f := range futures {
			if err := f.Get(ctx, nil); err == nil {
				in.Notified++
			} // an application whose workflow has ended cannot be signalled: nothing to change
		}
	}
	if len(rest) > 0 {
		return 0, workflow.NewContinueAsNewError(ctx, BatchWindowsWorkflowName, BatchWindowsInput{Windows: in.Windows, ApplicationIDs: rest, Notified: in.Notified})
	}
	return in.Notified, nil
}
