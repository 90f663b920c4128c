package workflows_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/worker"
	"google.golang.org/protobuf/proto"

	"skillcert/codec"
	"skillcert/workflows"
)

// corpus names every recorded history (testdata/histories/<name>.json) and the status its application was
// in when it was saved. `make histories` records all but the first; see testdata/histories/README.md.
var corpus = map[string]string{
	"level5-updates-certified-revoked": "revoked", // TestSeniorWorkerOnRealStack -record: direct Updates, no HTTP
	"certified-level3":                 "certified",
	"certified-technician-panel":       "certified",
	"failed-scores":                    "failed",
	"expired-unpaid":                   "expired",
	"expired-after-window-extension":   "expired",
	"withdrawn":                        "withdrawn",
	"correction-resubmitted":           "awaiting_payment",
	"correction-deadline-pending":      "correction_needed",
	"no-show":                          "abandoned",
	"skill-scores-escalated":           "certified",
	"revoked-after-certification":      "revoked",
	"duplicate-payment-callbacks":      "exam_scheduled",
	"rejected-at-re-review":            "rejected",

	// The same end states recorded on the long-lived-2026-11 version (workflows/VERSIONING.md): the
	// corpus must cover the branches new cases take as well as the old ones.
	"long-lived-certified-level3":               "certified",
	"long-lived-certified-technician-panel":     "certified",
	"long-lived-failed-scores":                  "failed",
	"long-lived-expired-unpaid":                 "expired",
	"long-lived-expired-after-window-extension": "expired",
	"long-lived-withdrawn":                      "withdrawn",
	"long-lived-correction-resubmitted":         "awaiting_payment",
	"long-lived-correction-deadline-pending":    "correction_needed",
	"long-lived-no-show":                        "abandoned",
	"long-lived-skill-scores-escalated":         "certified",
	"long-lived-revoked-after-certification":    "certified", // the revocation runs in RevocationWorkflow
	"long-lived-duplicate-payment-callbacks":    "exam_scheduled",
	"long-lived-rejected-at-re-review":          "rejected",

	// The same end states recorded on the lean-2026-11 version: side effects as local activities, a
	// timer that loses its race ends with the workflow when the deciding update ends the application.
	"lean-certified-level3":               "certified",
	"lean-certified-technician-panel":     "certified",
	"lean-failed-scores":                  "failed",
	"lean-expired-unpaid":                 "expired",
	"lean-expired-after-window-extension": "expired",
	"lean-withdrawn":                      "withdrawn",
	"lean-correction-resubmitted":         "awaiting_payment",
	"lean-correction-deadline-pending":    "correction_needed",
	"lean-no-show":                        "abandoned",
	"lean-skill-scores-escalated":         "certified",
	"lean-revoked-after-certification":    "certified",
	"lean-duplicate-payment-callbacks":    "exam_scheduled",
	"lean-rejected-at-re-review":          "rejected",

	// The same end states recorded on the fused-2026-11 version: each side effect and its projection write
	// in one local activity (RecordStep), the search attributes set at the start by the gateway.
	"fused-certified-level3":               "certified",
	"fused-certified-technician-panel":     "certified",
	"fused-failed-scores":                  "failed",
	"fused-expired-unpaid":                 "expired",
	"fused-expired-after-window-extension": "expired",
	"fused-withdrawn":                      "withdrawn",
	"fused-correction-resubmitted":         "awaiting_payment",
	"fused-correction-deadline-pending":    "correction_needed",
	"fused-no-show":                        "abandoned",
	"fused-skill-scores-escalated":         "certified",
	"fused-revoked-after-certification":    "certified",
	"fused-duplicate-payment-callbacks":    "exam_scheduled",
	"fused-rejected-at-re-review":          "rejected",
}

// recorded is one history of the corpus.
type recorded struct {
	name    string
	history *historypb.History
}

// loadCorpus reads every history in testdata/histories and checks the folder holds exactly the corpus.
func loadCorpus(t *testing.T) []recorded {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "histories", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out []recorded
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		if _, ok := corpus[name]; !ok {
			t.Errorf("%s is not in the corpus list of replay_test.go", f)
			continue
		}
		r, err := os.Open(f)
		if err != nil {
			t.Fatal(err)
		}
		h, err := client.HistoryFromJSON(r, client.HistoryJSONOptions{})
		r.Close()
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, recorded{name: name, history: h})
	}
	for name := range corpus {
		if !slices.ContainsFunc(out, func(r recorded) bool { return r.name == name }) {
			t.Errorf("testdata/histories/%s.json is missing: run `make histories`", name)
		}
	}
	return out
}

// replay replays h against ApplicationWorkflow as registered by register (the real one when nil), with
// the development codec and the given interceptors.
func replay(t *testing.T, h *historypb.History, register func(worker.WorkflowReplayer), ics ...interceptor.WorkerInterceptor) error {
	t.Helper()
	cdc, err := codec.Parse(codec.DevKeyring)
	if err != nil {
		t.Fatal(err)
	}
	r, err := worker.NewWorkflowReplayerWithOptions(worker.WorkflowReplayerOptions{DataConverter: cdc.DataConverter(),
		FailureConverter: cdc.FailureConverter(), Interceptors: ics})
	if err != nil {
		t.Fatal(err)
	}
	if register == nil {
		r.RegisterWorkflow(workflows.ApplicationWorkflow)
	} else {
		register(r)
	}
	// A copy: the replayer merges the workflow's upserts into the start event's search attributes, which a
	// later replay of the same history would read as those it was started with.
	return r.ReplayWorkflowHistory(quietLogger{}, proto.Clone(h).(*historypb.History))
}

// TestReplayCorpus replays every recorded history against the current workflow code: a change that is not
// backward compatible (without workflow.GetVersion) fails here. Each history must also still be in the end
// state it is named after, and carry its payloads encrypted.
func TestReplayCorpus(t *testing.T) {
	for _, rec := range loadCorpus(t) {
		t.Run(rec.name, func(t *testing.T) {
			if got := lastStatus(t, rec.history); got != corpus[rec.name] {
				t.Errorf("history ends in status %q, want %q", got, corpus[rec.name])
			}
			checkEncrypted(t, rec.history)
			if err := replay(t, rec.history, nil); err != nil {
				t.Fatalf("replay: %v", err)
			}
			t.Logf("%d events replayed", len(rec.history.Events))
		})
	}
}

// lastStatus is the last SkillcertStatus search attribute the workflow was started with or set.
func lastStatus(t *testing.T, h *historypb.History) string {
	t.Helper()
	var status string
	for _, e := range h.Events {
		p := e.GetUpsertWorkflowSearchAttributesEventAttributes().GetSearchAttributes().GetIndexedFields()[workflows.SearchStatus]
		if s := e.GetWorkflowExecutionStartedEventAttributes().GetSearchAttributes(); s != nil {
			p = s.GetIndexedFields()[workflows.SearchStatus]
		}
		if p == nil {
			continue
		}
		if err := converter.GetDefaultDataConverter().FromPayload(p, &status); err != nil {
			t.Fatalf("event %d: %v", e.EventId, err)
		}
	}
	return status
}

type quietLogger struct{}

func (quietLogger) Debug(string, ...any) {}
func (quietLogger) Info(string, ...any)  {}
func (quietLogger) Warn(string, ...any)  {}
func (quietLogger) Error(string, ...any) {}
