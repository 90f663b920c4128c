package workflows

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"skillcert"
	"skillcert/contract"
)

// UpdateResolveIncident is an admin's decision on an incident: retry the failed write or abandon it.
const UpdateResolveIncident = "resolve_incident"

// Incident decisions.
const (
	IncidentRetry   = "retry"
	IncidentAbandon = "abandon"
)

// Incident is a side effect that failed past its retry limit (or with a permanent error). The case goes
// on (its state is ahead of the projection); an admin task asks for a decision, and the workflow does not
// complete while an incident is open.
type Incident struct {
	ID       string                    `json:"id"` // the incident task's ID
	Action   string                    `json:"action"`
	Error    string                    `json:"error"`
	At       time.Time                 `json:"at"`
	Record   contract.TransitionRecord `json:"record"` // the write that failed, for a retry
	Reported bool                      `json:"reported"`
}

// ResolveIncidentRequest is an admin's decision on the open incident.
type ResolveIncidentRequest struct {
	TaskID   string `json:"task_id"`
	Decision string `json:"decision"` // "retry" or "abandon"
	Reason   string `json:"reason"`
	Actor    Actor  `json:"actor"`
}

// raiseIncident opens an incident for a failed projection write, unless one is open already (its
// resolution writes the current state, which covers this write's row and tasks too). It reports whether
// an incident is open for the failure.
func (w *application) raiseIncident(ctx workflow.Context, rec contract.TransitionRecord, err error) bool {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && appErr.Type() == contract.ErrDuplicate {
		return false // a refusal, not a failure
	}
	if rec.Seq <= 1 {
		return false // the first write failing ends the workflow instead (create)
	}
	if w.st.Incident != nil {
		return true
	}
	w.st.Incidents++
	w.st.Incident = &Incident{ID: w.taskID(skillcert.TaskIncident, w.st.Incidents), Action: rec.Action, Error: err.Error(),
		At: workflow.Now(ctx), Record: rec}
	workflow.GetLogger(ctx).Error("incident raised", "action", rec.Action, "seq", rec.Seq)
	return true
}

// incidentTask is the open incident as a task of the projection (kept open by every later write).
func (w *application) incidentTask() []contract.TaskSpec {
	if w.st.Incident == nil {
		return nil
	}
	return []contract.TaskSpec{{ID: w.st.Incident.ID, Type: skillcert.TaskIncident, Role: skillcert.RoleAdmin, Region: w.in.Region}}
}

// reportIncidents records each new incident as an admin task. It runs outside the mutex, retrying
// without limit (the write is small and idempotent), so no update waits for it.
func (w *application) reportIncidents(ctx workflow.Context) {
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{StartToCloseTimeout: 30 * time.Second,
		RetryPolicy: &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 5 * time.Minute,
			NonRetryableErrorTypes: []string{contract.ErrInvalid, contract.ErrPermanent}}})
	for {
		if err := workflow.Await(ctx, func() bool { return w.st.Incident != nil && !w.st.Incident.Reported }); err != nil {
			return
		}
		inc := w.st.Incident
		err := workflow.ExecuteActivity(actx, contract.RecordIncident, contract.IncidentInput{
			TaskID: inc.ID, ApplicationID: w.in.ApplicationID, Region: w.in.Region, Action: inc.Action,
			Error: inc.Error, Seq: inc.Record.Seq, At: inc.At,
		}).Get(ctx, nil)
		if err != nil {
			workflow.GetLogger(ctx).Error("incident not recorded", "task_id", inc.ID, "error", err)
		}
		inc.Reported = true
	}
}

func (w *application) validateResolveIncident(_ workflow.Context, req ResolveIncidentRequest) error {
	if err := w.requireRole(req.Actor, skillcert.RoleAdmin); err != nil {
		return err
	}
	if w.st.Incident == nil || w.st.Incident.ID != req.TaskID {
		return conflict("该事件已处理或已失效")
	}
	switch req.Decision {
	case IncidentRetry, IncidentAbandon:
	default:
		return invalidInput("decision", "decision 只能是 retry 或 abandon")
	}
	if req.Reason == "" {
		return invalidInput("reason", "请填写处理原因")
	}
	return nil
}

func (w *application) recheckResolveIncident(_ workflow.Context, req ResolveIncidentRequest) error {
	if w.st.Incident == nil || w.st.Incident.ID != req.TaskID {
		return conflict("该事件已处理或已失效")
	}
	return nil
}

// resolveIncident retries the failed write (the incident stays open when it fails again) or abandons it,
// then writes the current state, which closes the incident task.
func (w *application) resolveIncident(ctx workflow.Context, req ResolveIncidentRequest) (Result, error) {
	inc := w.st.Incident
	if req.Decision == IncidentRetry {
		if err := workflow.ExecuteActivity(activityContext(ctx), contract.RecordTransition, inc.Record).Get(ctx, nil); err != nil {
			return Result{}, refuse(skillcert.EUNAVAILABLE, "重试仍未成功，事件保持未处理状态", nil)
		}
	}
	w.st.Incident = nil
	return w.apply(ctx, step{action: "incident_" + req.Decision, actor: req.Actor, reason: req.Reason, completedTask: inc.ID,
		details: map[string]any{"failed_action": inc.Action, "failed_seq": inc.Record.Seq}})
}
