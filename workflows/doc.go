// Package workflows holds ApplicationWorkflow, the durable case of one application (申报), the short
// RevocationWorkflow of certified cases whose workflow has completed, BatchWindowsWorkflow (the durable
// fan-out of a batch's window change), and the names and types of their messages (updates, the batch
// signal, the state query), which the gateway uses. It owns the order of a case's steps and its
// deadlines; the rules are the domain's (package skillcert), the side effects are activities it names
// through package contract, and its refusals are domain errors sent whole through package failure. It
// imports nothing else of the module (TestImportGraph), so it links neither the database nor storage.
//
// # Determinism
//
// Workflow code uses only workflow.Now, workflow.Go, workflow timers, side effects and activities for
// anything outside itself; maps are never iterated to decide anything; task and order IDs are derived
// (UUIDv5) from the application ID, so replays produce the same IDs. `make lint` runs workflowcheck over
// this package.
//
// Values derived from data files are recorded, so that a data update never changes a replay:
//
//   - the eligibility verdict at creation and every working-day deadline (correction, skill scores) are
//     computed inside workflow.SideEffect from the live data (data/conditions.json, data/holiday-cn), so
//     the history holds the value and a new 2027 calendar or tightened conditions apply to new cases only;
//   - executions started before that change (version DefaultVersion of "long-lived-2026-11") compute them
//     from a frozen copy of the data as it was then (snapshot/2026-11-29), never from data/;
//   - the fee is part of the input (computed by the gateway), the payment deadline comes from the batch
//     in the input, the batch signal and a re-read of the stored batch before the deadline acts.
//
// # Validators and handlers
//
// Update validators run before an update is accepted (a refusal never reaches the history) and never on
// replay, so they may change freely, with no version. The handlers do not call them: under the mutex they
// run a recheck that repeats only what another update, a timer or the clock can change between acceptance
// and execution (status, stale task, same operator, panel seats, the upload cap, a passed deadline). The
// rechecks are recorded behaviour and change only behind a version.
//
// # Versioning
//
// Any change to the commands a workflow issues (activities, timers, side effects, their order, search
// attribute upserts) for an already-running execution is gated with workflow.GetVersion. VERSIONING.md is
// the procedure: how to make and test a change, and when an old branch may be removed. The replay test
// replays recorded histories of every end state (testdata/histories) against the current code.
package workflows
