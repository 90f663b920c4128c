package gateway

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"

	"skillcert/codec"
	"skillcert/workflows"
)

// startedEvent is a workflow-started event whose input the data converter encoded.
func startedEvent(t *testing.T, in workflows.ApplicationInput) *historypb.HistoryEvent {
	t.Helper()
	cdc, err := codec.Parse(codec.DevKeyring)
	if err != nil {
		t.Fatal(err)
	}
	payloads, err := cdc.DataConverter().ToPayloads(in)
	if err != nil {
		t.Fatal(err)
	}
	return &historypb.HistoryEvent{EventId: 1, EventType: enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
		Attributes: &historypb.HistoryEvent_WorkflowExecutionStartedEventAttributes{
			WorkflowExecutionStartedEventAttributes: &historypb.WorkflowExecutionStartedEventAttributes{
				Input: payloads, Memo: &commonpb.Memo{Fields: map[string]*commonpb.Payload{"note": {
					Metadata: map[string][]byte{"encoding": []byte("binary/null")}}}},
			}}}
}

func TestRenderEvent(t *testing.T) {
	in := workflows.ApplicationInput{ApplicationID: "a-1", OccupationCode: "4-07-05-01", Region: "包头市"}
	cdc, err := codec.Parse(codec.DevKeyring)
	if err != nil {
		t.Fatal(err)
	}
	t.Run("decoded", func(t *testing.T) {
		raw, err := renderEvent(context.Background(), startedEvent(t, in), payloadCodec(cdc.DataConverter()))
		if err != nil {
			t.Fatal(err)
		}
		var ev map[string]any
		if err := json.Unmarshal(raw, &ev); err != nil {
			t.Fatal(err)
		}
		attrs := ev["workflow_execution_started_event_attributes"].(map[string]any)
		input := attrs["input"].(map[string]any)["payloads"].([]any)[0].(map[string]any)
		if input["occupation_code"] != "4-07-05-01" || input["region"] != "包头市" || ev["event_type"] != "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED" {
			t.Fatalf("rendered %s", raw)
		}
		if note, ok := attrs["memo"].(map[string]any)["fields"].(map[string]any)["note"]; !ok || note != nil {
			t.Fatalf("a null payload renders as %v", note)
		}
	})
	t.Run("without the key", func(t *testing.T) {
		raw, err := renderEvent(context.Background(), startedEvent(t, in), nil)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(raw), `"undecodable":true`) || strings.Contains(string(raw), "4-07-05-01") {
			t.Fatalf("an undecodable payload renders as %s", raw)
		}
	})
}

func TestShowPayloadsLeavesOtherObjects(t *testing.T) {
	tree := map[string]any{"metadata": "not a payload", "data": "x", "nested": []any{
		map[string]any{"metadata": map[string]any{"encoding": "YmluYXJ5L3BsYWlu"}, "data": "AQI="},
	}}
	got, _ := json.Marshal(showPayloads(tree))
	want := `{"data":"x","metadata":"not a payload","nested":[{"data":"AQI=","encoding":"binary/plain"}]}`
	if string(got) != want {
		t.Fatalf("showPayloads = %s, want %s", got, want)
	}
}
