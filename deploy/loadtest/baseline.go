package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// The baseline: the same Temporal traffic as the lifecycles — one start, the same number of Updates,
// Signals and activities — with empty bodies, from a minimal client and a minimal in-process worker on
// its own task queue, against the same server. It bounds what the system could reach on this machine if
// the gateway, the projection, object storage and the encrypting codec cost nothing.
const (
	baselineWorkflowName = "LoadtestBaseline"
	baselineUpdateName   = "step"
	baselineSignalName   = "poke"
)

// quietLogger keeps the SDK's logs out of the report (warnings and errors only).
func quietLogger() log.Logger {
	return log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
}

// cycleShape is the Temporal traffic of one lifecycle, as read from its history.
type cycleShape struct {
	Updates, Activities, Signals int
}

// spread divides activities over updates as evenly as possible, earlier updates taking the remainder.
func spread(activities, updates int) []int {
	out := make([]int, updates)
	for i := range out {
		out[i] = activities / updates
		if i < activities%updates {
			out[i]++
		}
	}
	return out
}

// baselineWorkflow accepts updates Updates; each runs the number of empty activities it is given. It ends
// once all have run.
func baselineWorkflow(ctx workflow.Context, updates int) error {
	done := 0
	err := workflow.SetUpdateHandler(ctx, baselineUpdateName, func(ctx workflow.Context, activities int) error {
		actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second})
		for i := 0; i < activities; i++ {
			if err := workflow.ExecuteActivity(actx, baselineActivity).Get(ctx, nil); err != nil {
				return err
			}
		}
		done++
		return nil
	})
	if err != nil {
		return err
	}
	signals := workflow.GetSignalChannel(ctx, baselineSignalName)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			signals.Receive(ctx, nil)
		}
	})
	return workflow.Await(ctx, func() bool { return done >= updates && workflow.AllHandlersFinished(ctx) })
}

// baselineActivity does nothing.
func baselineActivity(context.Context) error { return nil }

// baselineResult is the baseline's throughput and the traffic it generated.
type baselineResult struct {
	Kind        string  `json:"kind"` // "same traffic" or "floor"
	Lifecycles  int     `json:"lifecycles"`
	Failed      int     `json:"failed"`
	Seconds     float64 `json:"seconds"`
	PerSecond   float64 `json:"lifecycles_per_s"`
	Concurrency int     `json:"concurrency"`
	Actions     Actions `json:"actions_per_lifecycle"`
	// TemporalCPUPerCycle is the Temporal server's CPU seconds during the run divided by the lifecycles.
	TemporalCPUPerCycle float64 `json:"temporal_cpu_s_per_lifecycle"`
}

// runBaseline replays shapes (one per measured lifecycle) at concurrency conc: the same traffic, or with
// floor set only the starts and validated Updates (floorShapes). temporalPid, when not 0, is the Temporal
// server whose CPU time the result divides by the lifecycles.
func runBaseline(ctx context.Context, hostPort, namespace string, shapes []cycleShape, conc int, errs *errorLog,
	floor bool, temporalPid int) (baselineResult, error) {
	kind, wfName := "same traffic", baselineWorkflowName
	if floor {
		kind, wfName, shapes = "floor", floorWorkflowName, floorShapes(shapes)
	}
	c, err := client.DialContext(ctx, client.Options{HostPort: hostPort, Namespace: namespace, Logger: quietLogger()})
	if err != nil {
		return baselineResult{}, fmt.Errorf("baseline client: %w", err)
	}
	defer c.Close()
	queue := "loadtest-baseline-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	w := worker.New(c, queue, worker.Options{})
	w.RegisterWorkflowWithOptions(baselineWorkflow, workflow.RegisterOptions{Name: baselineWorkflowName})
	w.RegisterWorkflowWithOptions(floorWorkflow, workflow.RegisterOptions{Name: floorWorkflowName})
	w.RegisterActivity(baselineActivity)
	if err := w.Start(); err != nil {
		return baselineResult{}, fmt.Errorf("baseline worker: %w", err)
	}
	defer w.Stop()

	ids := make([]string, len(shapes))
	cpu := newCPUMeter(map[string]int{"temporal": temporalPid}, nil)
	start := time.Now()
	failed := parallel(ctx, len(shapes), conc, func(ctx context.Context, i int) error {
		ids[i] = queue + "-" + strconv.Itoa(i)
		err := baselineCycle(ctx, c, wfName, queue, ids[i], shapes[i])
		if err != nil {
			errs.add(kind+" baseline", 0, err.Error())
		}
		return err
	})
	elapsed := time.Since(start)
	res := baselineResult{Kind: kind, Lifecycles: len(shapes) - failed, Failed: failed, Seconds: round2(elapsed.Seconds()), Concurrency: conc}
	res.PerSecond = round2(float64(res.Lifecycles) / elapsed.Seconds())
	if temporalPid != 0 && res.Lifecycles > 0 {
		res.TemporalCPUPerCycle = perCycle(cpu.seconds()["temporal"], res.Lifecycles)
	}
	total := countHistory(nil)
	for _, id := range ids {
		events, err := readHistory(ctx, c, id)
		if err != nil {
			return res, err
		}
		total.add(countHistory(events))
	}
	res.Actions = averageActions(total, len(ids))
	return res, nil
}

// baselineCycle starts one baseline workflow with its first Update, sends the Signals and the other
// Updates, and waits for it to end.
func baselineCycle(ctx context.Context, c client.Client, wfName, queue, id string, s cycleShape) error {
	updates := max(s.Updates, 1)
	per := spread(s.Activities, updates)
	start := c.NewWithStartWorkflowOperation(client.StartWorkflowOptions{ID: id, TaskQueue: queue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL}, wfName, updates)
	h, err := c.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{StartWorkflowOperation: start,
		UpdateOptions: client.UpdateWorkflowOptions{UpdateName: baselineUpdateName, Args: []any{per[0]},
			WaitForStage: client.WorkflowUpdateStageCompleted}})
	if err == nil {
		err = h.Get(ctx, nil)
	}
	if err != nil {
		return fmt.Errorf("baseline %s: start: %w", id, err)
	}
	for i := 0; i < s.Signals; i++ { // while the workflow still runs
		if err := c.SignalWorkflow(ctx, id, "", baselineSignalName, nil); err != nil {
			return fmt.Errorf("baseline %s: signal: %w", id, err)
		}
	}
	for i := 1; i < updates; i++ {
		h, err := c.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: id, UpdateName: baselineUpdateName,
			Args: []any{per[i]}, WaitForStage: client.WorkflowUpdateStageCompleted})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		if err != nil {
			return fmt.Errorf("baseline %s: update %d: %w", id, i, err)
		}
	}
	return c.GetWorkflow(ctx, id, "").Get(ctx, nil)
}
