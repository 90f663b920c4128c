package main

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
)

func TestFloorShapesKeepOnlyTheUpdates(t *testing.T) {
	got := floorShapes([]cycleShape{{Updates: 19, Activities: 27, Signals: 2}, {Updates: 0, Activities: 3}})
	want := []cycleShape{{Updates: 19}, {Updates: 1}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("floorShapes = %+v, want %+v", got, want)
	}
}

// updateCallbacks records the outcome of one Update sent in the test environment.
type updateCallbacks struct {
	rejected, failed error
	done             bool
}

func (u *updateCallbacks) Accept()                 {}
func (u *updateCallbacks) Reject(err error)        { u.rejected = err }
func (u *updateCallbacks) Complete(_ any, e error) { u.failed, u.done = e, true }

// TestFloorWorkflowEndsAfterItsUpdatesWithNoActivity sends three Updates to a floor workflow that expects
// three; one carrying activities is refused by the validator and does not count.
func TestFloorWorkflowEndsAfterItsUpdatesWithNoActivity(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.RegisterWorkflow(floorWorkflow)
	activities := 0
	env.SetOnActivityStartedListener(func(*activity.Info, context.Context, converter.EncodedValues) { activities++ })
	var calls [4]updateCallbacks
	args := []int{0, 2, 0, 0}
	for i := range calls {
		env.RegisterDelayedCallback(func() {
			env.UpdateWorkflow(baselineUpdateName, "u"+strconv.Itoa(i), &calls[i], args[i])
		}, time.Duration(i+1)*time.Second)
	}
	env.ExecuteWorkflow(floorWorkflow, 3)
	if !env.IsWorkflowCompleted() || env.GetWorkflowError() != nil {
		t.Fatalf("floor workflow: completed %v, error %v", env.IsWorkflowCompleted(), env.GetWorkflowError())
	}
	if !errors.Is(calls[1].rejected, errFloorArg) && (calls[1].rejected == nil || !strings.Contains(calls[1].rejected.Error(), errFloorArg.Error())) {
		t.Errorf("an Update carrying activities was not refused: %+v", calls[1])
	}
	for _, i := range []int{0, 2, 3} {
		if !calls[i].done || calls[i].failed != nil || calls[i].rejected != nil {
			t.Errorf("update %d: %+v", i, calls[i])
		}
	}
	if activities != 0 {
		t.Errorf("the floor ran %d activities", activities)
	}
}
