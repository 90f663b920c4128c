package workflows_test

import (
	"path/filepath"
	"testing"

	"go.temporal.io/sdk/worker"

	"skillcert/codec"
	"skillcert/workflows"
)

// TestReplayRecordedHistories replays histories recorded from real runs (go test -run RealStack -record)
// against the current workflow code: a change that is not backward compatible fails here.
func TestReplayRecordedHistories(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "histories", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no recorded histories in testdata/histories")
	}
	cdc, err := codec.Parse(codec.DevKeyring)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			r, err := worker.NewWorkflowReplayerWithOptions(worker.WorkflowReplayerOptions{DataConverter: cdc.DataConverter(), FailureConverter: cdc.FailureConverter()})
			if err != nil {
				t.Fatal(err)
			}
			r.RegisterWorkflow(workflows.ApplicationWorkflow)
			if err := r.ReplayWorkflowHistoryFromJSONFile(nil, f); err != nil {
				t.Fatalf("replay %s: %v", f, err)
			}
		})
	}
}
