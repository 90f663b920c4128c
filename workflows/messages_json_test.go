package workflows_test

import (
	"encoding/json"
	"testing"
	"time"

	"skillcert"
	"skillcert/contract"
	"skillcert/workflows"
)

// The vocabulary types marshal as the plain strings the recorded histories hold: a message or record
// written before the fields were typed decodes and encodes to the same bytes.
func TestTypedMessagesKeepTheirJSON(t *testing.T) {
	at := time.Date(2026, 11, 29, 8, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"complete_task", workflows.CompleteTaskRequest{TaskID: "t1", Decision: skillcert.DecisionReturn, Reason: "不清晰",
			Documents: []workflows.DocumentVerdict{{DocType: skillcert.DocPhoto, Verdict: skillcert.VerdictBad, Reason: "模糊"}},
			Actor:     workflows.Actor{UserID: "u1", Role: skillcert.RoleCityReviewer, Region: "包头市"}},
			`{"task_id":"t1","decision":"return","reason":"不清晰","documents":[{"doc_type":"photo","verdict":"bad","reason":"模糊"}],` +
				`"actor":{"user_id":"u1","role":"city_reviewer","region":"包头市"}}`},
		{"transition", contract.TransitionRecord{ApplicationID: "a1", Seq: 3, At: at, Action: "submit",
			FromStatus: skillcert.StatusDraft, ToStatus: skillcert.StatusPreliminaryReview, ActorRole: skillcert.RoleApplicant,
			Row:           contract.ApplicationRow{Level: skillcert.Level3, Pathway: skillcert.PathwayStandard, Status: skillcert.StatusPreliminaryReview},
			Tasks:         []contract.TaskSpec{{ID: "t1", Type: skillcert.TaskPreliminaryReview, Role: skillcert.RoleCityReviewer, Region: "包头市"}},
			Notifications: []contract.Notification{{Kind: "submitted", RecipientRole: skillcert.RoleApplicant, Message: "已提交"}}},
			`{"application_id":"a1","seq":3,"at":"2026-11-29T08:00:00Z","action":"submit","from_status":"draft",` +
				`"to_status":"preliminary_review","actor_role":"applicant","row":{"applicant_id":"","batch_id":"","region":"",` +
				`"employer":"","occupation_code":"","level":3,"pathway":"standard","status":"preliminary_review","view":null},` +
				`"tasks":[{"id":"t1","type":"preliminary_review","role":"city_reviewer","region":"包头市"}],` +
				`"notifications":[{"kind":"submitted","recipient_role":"applicant","message":"已提交"}]}`},
	}
	for _, tc := range tests {
		got, err := json.Marshal(tc.v)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}
