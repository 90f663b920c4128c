package workflows

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"time"

	"go.temporal.io/sdk/workflow"

	"skillcert"
)

// changeLongLived gates the command-sequence changes of the "long-lived cases" release (VERSIONING.md):
// deadlines and eligibility verdicts recorded as side effects, timers that lose their race cancelled, the
// payment deadline re-reading its batch before it acts, incidents after a failed projection write, and a
// certified application that completes its workflow. Executions started before it keep version
// workflow.DefaultVersion and the old behaviour for their whole life.
const changeLongLived = "long-lived-2026-11"

// versionLongLived is the version of changeLongLived that new executions record.
const versionLongLived workflow.Version = 1

// changeLean gates the "lean" release (VERSIONING.md): the side effects of human actions (document
// inspection, payment order, payment record, certificate issue) and of deadlines (reminder, batch re-read)
// run as local activities inside the workflow task that handles them, instead of regular activities with
// their own events and workflow-task round trips. It implies changeLongLived: executions that record it
// follow every long-lived-2026-11 behaviour too, without that marker.
const changeLean = "lean-2026-11"

// versionLean is the version of changeLean that new executions record.
const versionLean workflow.Version = 1

// changeFused gates the "fused" release (VERSIONING.md): the side effect of a human action (document
// inspection, payment order, payment record, certificate issue) and the projection write of its step run
// in one local activity (RecordStep) and one transaction: one marker instead of two, and neither written
// without the other. It implies changeLean (and so changeLongLived): executions that record it follow
// every lean-2026-11 behaviour too, without that marker.
const changeFused = "fused-2026-11"

// versionFused is the version of changeFused that new executions record.
const versionFused workflow.Version = 1

// decideVersion asks, once at the start, which behaviour this execution follows. The SDK keeps the answer
// for the rest of the execution, so a history recorded without a marker replays the old branches only.
// changeLean is asked first: a new execution records only its marker (one marker and one
// TemporalChangeVersion upsert, as before), and a history without it (recorded before lean-2026-11) goes
// on to the long-lived-2026-11 question, whose marker it has or has not.
//
// changeFused is asked before both, in the same way: a new execution records only its marker, and a
// history without it (recorded before fused-2026-11) goes on to the lean question.
func (w *application) decideVersion(ctx workflow.Context) {
	w.fuse = workflow.GetVersion(ctx, changeFused, workflow.DefaultVersion, versionFused)
	if w.fuse >= versionFused {
		w.lean, w.version = versionLean, versionLongLived
		return
	}
	w.lean = workflow.GetVersion(ctx, changeLean, workflow.DefaultVersion, versionLean)
	if w.lean >= versionLean {
		w.version = versionLongLived
		return
	}
	w.version = workflow.GetVersion(ctx, changeLongLived, workflow.DefaultVersion, versionLongLived)
}

// longLived reports whether this execution follows the long-lived-2026-11 behaviour.
func (w *application) longLived() bool { return w.version >= versionLongLived }

// leaner reports whether this execution follows the lean-2026-11 behaviour (side effects as local
// activities).
func (w *application) leaner() bool { return w.lean >= versionLean }

// fused reports whether this execution follows the fused-2026-11 behaviour (a step's side effect and its
// projection write in one local activity).
func (w *application) fused() bool { return w.fuse >= versionFused }

// liveCalendar and liveRuleSets are the rule data that new executions record in their history. They are
// variables so that tests can swap in a changed calendar or changed conditions; nil rule sets mean the
// embedded data/conditions.json.
var (
	liveCalendar = skillcert.DefaultCalendar
	liveRuleSets = func() map[string]skillcert.RuleSet { return nil }
)

// The rule data as it was when executions without the long-lived marker ran (2026-11-29). Their
// histories never recorded the values derived from it, so on replay they must see exactly this data,
// whatever data/ holds later. It is read once when the package loads and never changes.
//
//go:embed snapshot/2026-11-29
var snapshotFS embed.FS

var frozenCalendar, frozenRuleSets = mustLoadSnapshot("snapshot/2026-11-29")

func mustLoadSnapshot(dir string) (*skillcert.Calendar, map[string]skillcert.RuleSet) {
	entries, err := fs.ReadDir(snapshotFS, path.Join(dir, "holiday-cn"))
	if err != nil {
		panic(fmt.Sprintf("workflows: snapshot calendar: %v", err))
	}
	var years [][]byte
	for _, e := range entries {
		if path.Ext(e.Name()) != ".json" { // the holiday-cn LICENSE (MIT) travels with the copy
			continue
		}
		b, err := fs.ReadFile(snapshotFS, path.Join(dir, "holiday-cn", e.Name()))
		if err != nil {
			panic(fmt.Sprintf("workflows: snapshot calendar: %v", err))
		}
		years = append(years, b)
	}
	cal, err := skillcert.NewCalendar(years...)
	if err != nil {
		panic(fmt.Sprintf("workflows: snapshot calendar: %v", err))
	}
	b, err := fs.ReadFile(snapshotFS, path.Join(dir, "conditions.json"))
	if err != nil {
		panic(fmt.Sprintf("workflows: snapshot conditions: %v", err))
	}
	rules, err := skillcert.ParseRuleSets(b)
	if err != nil {
		panic(fmt.Sprintf("workflows: snapshot conditions: %v", err))
	}
	return cal, rules
}

// eligibility judges the application. New executions judge with the live rules inside a SideEffect, so
// the verdict is in the history and a later change of conditions.json cannot change it on replay; old
// executions judge with the frozen snapshot, which is what they judged with when they ran.
func (w *application) eligibility(ctx workflow.Context, req skillcert.EligibilityRequest) []skillcert.Violation {
	if !w.longLived() {
		req.RuleSets = frozenRuleSets
		return skillcert.CheckEligibility(req)
	}
	var out []skillcert.Violation
	v := workflow.SideEffect(ctx, func(workflow.Context) any {
		r := req
		r.RuleSets = liveRuleSets()
		return skillcert.CheckEligibility(r)
	})
	if err := v.Get(&out); err != nil {
		panic(fmt.Sprintf("decode recorded eligibility: %v", err)) // a broken history: let the task fail and retry
	}
	return out
}

// workdaysFrom is the end (23:59:59 China time) of the n-th working day after t. New executions count
// with the live calendar inside a SideEffect (the deadline is recorded); old ones with the frozen one.
func (w *application) workdaysFrom(ctx workflow.Context, t time.Time, n int) time.Time {
	if !w.longLived() {
		return addWorkdays(frozenCalendar, t, n)
	}
	var due time.Time
	v := workflow.SideEffect(ctx, func(workflow.Context) any { return addWorkdays(liveCalendar(), t, n) })
	if err := v.Get(&due); err != nil {
		panic(fmt.Sprintf("decode recorded deadline: %v", err))
	}
	return due
}

// addWorkdays counts n working days after t in cal. Where the State Council calendar is not yet published
// for a year, weekends alone are skipped.
func addWorkdays(cal *skillcert.Calendar, t time.Time, n int) time.Time {
	start := skillcert.DateOf(t)
	d, err := cal.AddWorkdays(start, n)
	if err != nil {
		d = start
		for added := 0; added < n; {
			d = d.AddDays(1)
			if wd := d.Start().Weekday(); wd != time.Saturday && wd != time.Sunday {
				added++
			}
		}
	}
	return d.End()
}
