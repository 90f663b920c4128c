package main

import (
	"context"
	"os"
	"testing"
	"time"

	"skillcert/internal/devstack"
)

func TestMain(m *testing.M) { os.Exit(devstack.Main(m)) }

// TestBaselinesOnTheRealServer runs both baselines for two lifecycle shapes on the test stack's Temporal
// server and counts their histories: the same-traffic baseline repeats the Updates, activities and Signals,
// the floor only the Updates (each accepted after its validator), with no activity, signal or timer.
func TestBaselinesOnTheRealServer(t *testing.T) {
	stack := devstack.ForTest(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	shapes := []cycleShape{{Updates: 4, Activities: 6, Signals: 1}, {Updates: 2, Activities: 2}}
	for _, floor := range []bool{false, true} {
		errs := newErrorLog()
		res, err := runBaseline(ctx, stack.TemporalAddress, stack.TemporalNamespace, shapes, 2, errs, floor, os.Getpid())
		if err != nil || res.Failed != 0 || errs.total() != 0 {
			t.Fatalf("floor=%v: %v, %+v, errors %v", floor, err, res, errs.list())
		}
		a := res.Actions
		wantUpdates, wantActivities, wantSignals, wantKind := 3.0, 4.0, 0.5, "same traffic"
		if floor {
			wantActivities, wantSignals, wantKind = 0, 0, "floor"
		}
		if res.Kind != wantKind || res.Lifecycles != 2 || a.Billable["updates"] != wantUpdates || a.Billable["activity_attempts"] != wantActivities ||
			a.Billable["signals"] != wantSignals || a.Billable["timers_started"] != 0 || a.Billable["workflow_started"] != 1 {
			t.Errorf("floor=%v: kind %q, %d lifecycles, billable %v", floor, res.Kind, res.Lifecycles, a.Billable)
		}
		if floor && a.Events["ActivityTaskScheduled"] != 0 {
			t.Errorf("the floor scheduled activities: %v", a.Events)
		}
	}
}
