package main

import (
	"errors"

	"go.temporal.io/sdk/workflow"
)

// The floor baseline: what the engine cannot do less than for our lifecycles. Each lifecycle is one
// UpdateWithStart and the same number of further Updates as ours, each checked by a validator (as ours
// are), with no activity, no signal, no timer and no search attribute. Whatever our lifecycles cost above
// it — activities and their workflow-task round trips, timers, upserts, the gateway, the projection — is
// our design, not Temporal's price.
const floorWorkflowName = "LoadtestFloor"

// errFloorArg is what the floor's validator says to an Update that carries activities.
var errFloorArg = errors.New("the floor runs no activities")

// floorShapes keeps only the Updates of each lifecycle's traffic (at least one: the start carries it).
func floorShapes(shapes []cycleShape) []cycleShape {
	out := make([]cycleShape, len(shapes))
	for i, s := range shapes {
		out[i] = cycleShape{Updates: max(s.Updates, 1)}
	}
	return out
}

// floorWorkflow accepts updates validated Updates that do nothing and ends once all have been handled.
func floorWorkflow(ctx workflow.Context, updates int) error {
	done := 0
	err := workflow.SetUpdateHandlerWithOptions(ctx, baselineUpdateName,
		func(ctx workflow.Context, activities int) error {
			done++
			return nil
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, activities int) error {
			if activities != 0 {
				return errFloorArg
			}
			return nil
		}})
	if err != nil {
		return err
	}
	return workflow.Await(ctx, func() bool { return done >= updates && workflow.AllHandlersFinished(ctx) })
}

// perCycle divides seconds over n lifecycles (0 for none).
func perCycle(seconds float64, n int) float64 {
	if n <= 0 {
		return 0
	}
	return float64(int(seconds/float64(n)*1000+0.5)) / 1000
}
