package gateway

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"skillcert"
	"skillcert/schema/db"
	"skillcert/workflows"
)

// workflowType is the name the worker registers ApplicationWorkflow under.
const workflowType = "ApplicationWorkflow"

// temporalUpdate sends the named Update to the application's workflow, waits until it completed and decodes its
// result into result (which may be nil). Refusals come back as ApplicationErrors whose type is a skillcert
// error code (classify maps them); a workflow that has already ended answers 409. Its Update ID derives from
// the request (updateID), so a repeated request gets the first outcome; a transient failure (5xx) moves
// the request to a new generation of the ID, so a retry of it runs again.
func (a *app) temporalUpdate(ctx context.Context, applicationID, name string, arg, result any) error {
	base := a.updateID(ctx, applicationID, name)
	id, gen := base, int32(0)
	if base != "" {
		g, err := a.q.GetUpdateGeneration(ctx, base)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("read update generation: %w", err)
		}
		if gen = g; gen > 0 {
			id = base + "/" + strconv.Itoa(int(gen))
		}
	}
	h, err := a.temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		UpdateID:     id,
		WorkflowID:   workflows.WorkflowID(applicationID),
		UpdateName:   name,
		Args:         []any{arg},
		WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(ctx, result)
	}
	a.countUpdate(name, err)
	if err != nil {
		if status, _ := classify(err); base != "" && status >= 500 && completedFailure(err) {
			if berr := a.q.BumpUpdateGeneration(context.WithoutCancel(ctx), db.BumpUpdateGenerationParams{BaseID: base, Generation: gen + 1}); berr != nil {
				a.log.Warn("bump update generation", "error", berr)
			}
		}
		return updateError(name, err)
	}
	return nil
}

// completedFailure reports whether err is the outcome of an update that ran and failed (as opposed to an
// update whose outcome is unknown: timed out, cancelled, the server unreachable). Only a completed
// failure moves the request to a new Update ID; an unknown one may still be running.
func completedFailure(err error) bool {
	var (
		appErr   *temporal.ApplicationError
		actErr   *temporal.ActivityError
		canceled *temporal.CanceledError
		timeout  *temporal.TimeoutError
	)
	return errors.As(err, &appErr) || errors.As(err, &actErr) || errors.As(err, &canceled) || errors.As(err, &timeout)
}

// updateError adds context to an update's error and turns "the workflow has ended" into a conflict.
func updateError(name string, err error) error {
	var notFound *serviceerror.NotFound
	if errors.As(err, &notFound) {
		return fmt.Errorf("update %s: %w (%w)", name,
			skillcert.Errorf(skillcert.ECONFLICT, "该申报已办结，无法再执行此操作"), err)
	}
	return fmt.Errorf("update %s: %w", name, err)
}

// workflowEnded reports whether err says the workflow is no longer running.
func workflowEnded(err error) bool {
	var notFound *serviceerror.NotFound
	return errors.As(err, &notFound)
}

func (a *app) countUpdate(name string, err error) {
	outcome := "ok"
	if err != nil {
		_, body := classify(err)
		outcome = body.Code
	}
	a.metrics.updates.WithLabelValues(name, outcome).Inc()
}

// startApplication starts the application's workflow together with its "created" Update and returns once
// the draft has been projected. A running workflow with the same ID (the same request repeated, see
// newApplicationID) is joined, not started twice; a closed one is refused.
func (a *app) startApplication(ctx context.Context, in workflows.ApplicationInput) (workflows.Result, error) {
	start := a.temporal.NewWithStartWorkflowOperation(client.StartWorkflowOptions{
		ID:        workflows.WorkflowID(in.ApplicationID),
		TaskQueue: a.cfg.TaskQueue,
		// A repeat of the creating request (the ID derives from its Idempotency-Key) joins the workflow the
		// first attempt started, and its Update ID gets the first outcome.
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		// Set at the start, they spare the workflow's first step an upsert (one event, one action).
		TypedSearchAttributes: workflows.StartSearchAttributes(in),
	}, workflowType, in)
	h, err := a.temporal.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{
		StartWorkflowOperation: start,
		UpdateOptions: client.UpdateWorkflowOptions{
			UpdateID:     a.updateID(ctx, in.ApplicationID, workflows.UpdateCreated),
			UpdateName:   workflows.UpdateCreated,
			WaitForStage: client.WorkflowUpdateStageCompleted,
		},
	})
	var res workflows.Result
	if err == nil {
		err = h.Get(ctx, &res)
	}
	a.countUpdate(workflows.UpdateCreated, err)
	if err != nil {
		return res, fmt.Errorf("start application %s: %w", in.ApplicationID, err)
	}
	return res, nil
}

// signalBatchChanged tells every running application of the batch about its new windows through a
// BatchWindowsWorkflow, which finishes the fan-out even if this gateway is killed halfway, and waits for it.
// A fan-out of the same batch still running (older dates) is replaced. It returns how many were signalled.
func (a *app) signalBatchChanged(ctx context.Context, ids []string, w workflows.BatchWindows) (int, error) {
	run, err := a.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                       workflows.BatchWindowsWorkflowID(w.BatchID),
		TaskQueue:                a.cfg.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_TERMINATE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
	}, workflows.BatchWindowsWorkflowName, workflows.BatchWindowsInput{Windows: w, ApplicationIDs: ids})
	if err != nil {
		return 0, fmt.Errorf("start the fan-out of batch %s: %w", w.BatchID, err)
	}
	var n int
	if err := run.Get(ctx, &n); err != nil {
		return 0, fmt.Errorf("fan-out of batch %s: %w", w.BatchID, err)
	}
	return n, nil
}

// revoke cancels an application's qualification: through its workflow while that runs (every running
// case, and certified cases whose workflow started before certified workflows completed), else, for a
// certified application whose workflow has completed, through a RevocationWorkflow of its own. One
// application is revoked once: a second revocation workflow is refused (409).
func (a *app) revoke(ctx context.Context, applicationID string, status skillcert.Status, actor workflows.Actor, reason string) (workflows.Result, error) {
	var res workflows.Result
	err := a.update(ctx, applicationID, workflows.UpdateRevoke, workflows.ActorRequest{Actor: actor, Reason: reason}, &res)
	if err == nil || status != skillcert.StatusCertified || !workflowEnded(err) {
		return res, err
	}
	run, err := a.temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID:                                       workflows.RevocationWorkflowID(applicationID),
		TaskQueue:                                a.cfg.TaskQueue,
		WorkflowIDConflictPolicy:                 enumspb.WORKFLOW_ID_CONFLICT_POLICY_FAIL,
		WorkflowIDReusePolicy:                    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowExecutionErrorWhenAlreadyStarted: true,
	}, workflows.RevocationWorkflowName, workflows.RevocationInput{ApplicationID: applicationID, Reason: reason, Actor: actor})
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return res, skillcert.Errorf(skillcert.ECONFLICT, "该申报已被取消资格")
	}
	if err == nil {
		err = run.Get(ctx, &res)
	}
	if err != nil {
		return res, fmt.Errorf("revocation of %s: %w", applicationID, err)
	}
	return res, nil
}
