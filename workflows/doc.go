// Package workflows holds ApplicationWorkflow, the durable case of one application (申报), and the names
// and types of its messages (updates, the batch signal, the state query), which the gateway uses. It owns
// the order of a case's steps and its deadlines; the rules are the domain's (package skillcert), the side
// effects are activities it names through package contract, and its refusals are domain errors sent whole
// through package failure. It imports nothing else of the module (TestImportGraph), so it links neither
// the database nor storage.
//
// # Determinism
//
// Workflow code uses only workflow.Now, workflow.Go, workflow timers and activities for anything outside
// itself; maps are never iterated to decide anything; task and order IDs are derived (UUIDv5) from the
// application ID, so replays produce the same IDs. `make lint` runs workflowcheck over this package.
//
// # Versioning
//
// Histories of running applications must replay on new code. Any change that alters the commands a
// workflow issues (activities, timers, their order, search attribute upserts) for an already-running
// execution must be gated:
//
//	v := workflow.GetVersion(ctx, "describe-the-change", workflow.DefaultVersion, 1)
//	if v == workflow.DefaultVersion { /* old behaviour */ } else { /* new behaviour */ }
//
// Change IDs are never reused; old branches are removed only when no execution older than the change is
// open (check with the SkillcertStatus search attribute). Changes to update validators, messages and
// the projection contents do not need a version. Before a release, record a history of every kind of run
// into testdata/ (see TestReplayRecordedHistories); the replay test then fails on any incompatible change.
package workflows
