package gateway

import (
	"context"

	"skillcert/schema/db"
)

// Handlers reach the projection and the workflows through small interfaces, so that a handler can be
// unit-tested with a fake of one (services_test.go) while the integration tests run it on the real stack.
// *db.Queries implements the stores; temporalUpdater sends Updates through Temporal. The families done
// so far: the inbox and task actions (taskStore) and every workflow command (caseUpdater).

// taskStore is what the inbox and the task actions read and write in the projection.
type taskStore interface {
	ListInboxTasks(ctx context.Context, arg db.ListInboxTasksParams) ([]db.ListInboxTasksRow, error)
	CommitteeTaskFacts(ctx context.Context, arg db.CommitteeTaskFactsParams) ([]db.CommitteeTaskFactsRow, error)
	GetTaskDetail(ctx context.Context, id string) (db.GetTaskDetailRow, error)
	ClaimOpenTask(ctx context.Context, arg db.ClaimOpenTaskParams) (int64, error)
	ReleaseTask(ctx context.Context, arg db.ReleaseTaskParams) (int64, error)
	AssignTaskTo(ctx context.Context, arg db.AssignTaskToParams) (int64, error)
	GetUserByID(ctx context.Context, id string) (db.User, error)
}

// caseUpdater sends a named Workflow Update to an application's workflow and decodes its result into
// result (which may be nil); a refusal is the workflow's *skillcert.Error, which classify maps.
type caseUpdater interface {
	Update(ctx context.Context, applicationID, name string, arg, result any) error
}

// temporalUpdater is the caseUpdater of a running gateway: app.temporalUpdate.
type temporalUpdater struct{ a *app }

// Update implements caseUpdater.
func (t temporalUpdater) Update(ctx context.Context, applicationID, name string, arg, result any) error {
	return t.a.temporalUpdate(ctx, applicationID, name, arg, result)
}

// update sends a Workflow Update through the app's caseUpdater.
func (a *app) update(ctx context.Context, applicationID, name string, arg, result any) error {
	return a.updater.Update(ctx, applicationID, name, arg, result)
}
