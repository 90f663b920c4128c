package workflows

import (
	"go.temporal.io/sdk/workflow"

	"skillcert"
	"skillcert/contract"
)

// RevocationWorkflowID is the ID of the revocation of a certified application whose workflow completed.
// One application is revoked at most once.
func RevocationWorkflowID(applicationID string) string { return "revocation-" + applicationID }

// RevocationWorkflowName is the name the worker registers RevocationWorkflow under.
const RevocationWorkflowName = "RevocationWorkflow"

// RevocationInput starts RevocationWorkflow; the gateway has checked the role and the reason.
type RevocationInput struct {
	ApplicationID string `json:"application_id"`
	Reason        string `json:"reason"`
	Actor         Actor  `json:"actor"`
}

// RevocationWorkflow revokes a certified application whose ApplicationWorkflow has completed. The
// certificate registry and the projection in Postgres are the record of such an application, so one
// activity does the whole revocation in one transaction; a short workflow of its own (rather than keeping
// every certified case open for years, or continuing it as new into a holder) gives it durable retries
// and a history for the audit, and leaves no long-lived execution to version. It returns the status after
// revocation.
func RevocationWorkflow(ctx workflow.Context, in RevocationInput) (Result, error) {
	var res contract.RevocationResult
	err := workflow.ExecuteActivity(activityContext(ctx), contract.RevokeApplication, contract.RevocationInput{
		ApplicationID: in.ApplicationID, Reason: in.Reason, ActorID: in.Actor.UserID, ActorRole: in.Actor.Role,
		At: workflow.Now(ctx),
	}).Get(ctx, &res)
	if err != nil {
		return Result{}, err
	}
	return Result{Status: skillcert.Status(res.Status), Seq: res.Seq}, nil
}
