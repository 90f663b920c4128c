package gateway

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	enumspb "go.temporal.io/api/enums/v1"

	"skillcert/api"
	"skillcert/workflows"
)

// historyLength counts the events of the application's workflow history.
func (g *testGateway) historyLength(t *testing.T, appID string) int {
	t.Helper()
	iter := g.temporalClient(t).GetWorkflowHistory(context.Background(), workflows.WorkflowID(appID), "", false,
		enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	n := 0
	for iter.HasNext() {
		if _, err := iter.Next(); err != nil {
			t.Fatal(err)
		}
		n++
	}
	return n
}

// sql runs a statement on the gateway's database.
func (g *testGateway) sql(t *testing.T, q string, args ...any) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, g.env["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func TestIdempotentCommandsIntegration(t *testing.T) {
	s := newStaffCase(t, "乌海市")
	g := s.g
	owner, appID := s.submitted(t, "冯六", 5)
	s.decide(t, s.city, appID, "preliminary_review", "approve").want(t, 200)
	s.decide(t, s.prov, appID, "re_review", "approve").want(t, 200)
	order := must(g.as(owner.Token).PaymentOrder(t.Context(), appID))(t)
	callback := api.PaymentCallback{OrderID: order.OrderID, ApplicationID: appID, AmountFen: order.AmountFen,
		PaidAt: time.Now().Format(time.RFC3339), TransactionID: "tx-" + appID}
	if r := must(g.signedCallback(t, testPaymentSecret, callback))(t); r.Status != "applied" {
		t.Fatalf("first callback: %+v", r)
	}

	t.Run("ten repeated payment callbacks add no history event", func(t *testing.T) {
		before := g.historyLength(t, appID)
		for range 10 {
			r := must(g.signedCallback(t, testPaymentSecret, callback))(t)
			if r.Status != "duplicate" || r.ApplicationStatus != "exam_scheduled" {
				t.Fatalf("repeated callback: %+v", r)
			}
		}
		if after := g.historyLength(t, appID); after != before {
			t.Fatalf("ten repeated callbacks added %d history events", after-before)
		}
	})

	s.scoring(t, 5, appID)
	path := "/api/v1/applications/" + appID + "/scores"
	t.Run("the same score entry with one key gives the first answer", func(t *testing.T) {
		body := map[string]any{"component": "theory", "score": 75}
		first := g.do(t, "POST", path, s.prov.Token, body, "Idempotency-Key", "theory-"+appID).want(t, 200)
		again := g.do(t, "POST", path, s.prov.Token, body, "Idempotency-Key", "theory-"+appID).want(t, 200)
		if string(again.Raw) != string(first.Raw) || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("repeat answered %s (replayed %q), first %s", again.Raw, again.Header.Get("Idempotent-Replayed"), first.Raw)
		}
		g.do(t, "POST", path, s.prov.Token, map[string]any{"component": "theory", "score": 76}, "Idempotency-Key", "theory-"+appID).
			wantError(t, 422, "invalid", "Idempotency-Key")
		// A refusal is an outcome too: the repeat gets the same 403 without acting again.
		g.do(t, "POST", path, s.city.Token, body, "Idempotency-Key", "refused-"+appID).wantError(t, 403, "forbidden", "")
		if r := g.do(t, "POST", path, s.city.Token, body, "Idempotency-Key", "refused-"+appID).wantError(t, 403, "forbidden", ""); r.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatal("the refusal was not replayed")
		}
	})

	t.Run("a lost answer: the workflow's Update ID still gives the first outcome", func(t *testing.T) {
		body := map[string]any{"component": "skill", "score": 80}
		key := "skill-" + appID
		first := g.do(t, "POST", path, s.city.Token, body, "Idempotency-Key", key).want(t, 200)
		if first.str("state") != "awaiting_confirmation" {
			t.Fatalf("first entry: %s", first.Raw)
		}
		// As if the gateway had stopped after the update and before storing the answer.
		g.sql(t, `DELETE FROM idempotency_keys WHERE key = $1`, key)
		again := g.do(t, "POST", path, s.city.Token, body, "Idempotency-Key", key).want(t, 200)
		if again.str("state") != "awaiting_confirmation" {
			t.Fatalf("repeat after a lost answer: %s", again.Raw)
		}
		n := 0
		for _, a := range historyActions(t, g, owner.Token, appID) {
			if a == "score_entered" {
				n++
			}
		}
		if n != 2 { // theory once, skill once
			t.Fatalf("%d score entries recorded, want 2", n)
		}
	})

	t.Run("without a key a deliberate repeat after the case moved on is a new command", func(t *testing.T) {
		body := map[string]any{"component": "skill", "score": 81}
		if r := g.do(t, "POST", path, s.city2.Token, body).want(t, 200); r.str("state") != "mismatch" {
			t.Fatalf("mismatching entry: %s", r.Raw)
		}
		if r := g.do(t, "POST", path, s.city2.Token, body).want(t, 200); r.str("state") != "awaiting_confirmation" {
			t.Fatalf("the same entry again: %s", r.Raw)
		}
	})
}

func TestIncidentIntegration(t *testing.T) {
	s := newStaffCase(t, "乌兰察布市")
	g := s.g
	owner, appID := s.submitted(t, "褚七", 5)
	// A permanent failure of the projection write (SQLSTATE 23514, as a broken constraint gives) for this
	// application's withdrawal only.
	g.sql(t, `CREATE FUNCTION fail_withdraw_`+strings.ReplaceAll(appID, "-", "")+`() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			IF NEW.application_id = '`+appID+`' AND NEW.action = 'withdraw' THEN
				RAISE EXCEPTION 'test: constraint broken' USING ERRCODE = '23514';
			END IF;
			RETURN NEW;
		END $$`)
	trigger := "fail_withdraw_" + strings.ReplaceAll(appID, "-", "")
	g.sql(t, `CREATE TRIGGER `+trigger+` BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION `+trigger+`()`)
	defer g.sql(t, `DROP TRIGGER IF EXISTS `+trigger+` ON audit_events`)

	r := g.do(t, "POST", "/api/v1/applications/"+appID+"/withdraw", owner.Token, map[string]any{"reason": "工作调动"})
	if r.Status < 500 {
		t.Fatalf("withdrawal with a broken projection write: %d %s", r.Status, r.Raw)
	}
	// The 503 is not the answer forever: the same request again runs as a new update (the case has moved on).
	g.do(t, "POST", "/api/v1/applications/"+appID+"/withdraw", owner.Token, map[string]any{"reason": "工作调动"}).wantError(t, 409, "conflict", "")
	var task map[string]any
	for deadline := time.Now().Add(20 * time.Second); task == nil; time.Sleep(200 * time.Millisecond) {
		list := g.do(t, "GET", "/api/v1/tasks?type=incident&application_id="+appID, s.admin, nil).want(t, 200)
		if items, _ := list.Body["items"].([]any); len(items) == 1 {
			task = items[0].(map[string]any)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no incident task: %s", list.Raw)
		}
	}
	if task["type"] != "incident" || task["role"] != "admin" || task["status"] != "open" {
		t.Fatalf("incident task %v", task)
	}
	id := task["id"].(string)
	complete := "/api/v1/tasks/" + id + "/complete"
	g.do(t, "POST", complete, s.city.Token, map[string]any{"decision": "retry", "reason": "x"}).wantError(t, 403, "forbidden", "")
	g.do(t, "POST", complete, s.admin, map[string]any{"decision": "approve", "reason": "x"}).wantError(t, 422, "invalid", "decision")
	g.do(t, "POST", complete, s.admin, map[string]any{"decision": "retry"}).wantError(t, 422, "invalid", "reason")

	found := g.do(t, "GET", "/api/v1/admin/applications?q="+appID[:8], s.admin, nil).want(t, 200)
	if items, _ := found.Body["items"].([]any); len(items) != 1 || items[0].(map[string]any)["open_incident"] != true {
		t.Fatalf("admin search does not show the incident: %s", found.Raw)
	}
	g.sql(t, `DROP TRIGGER `+trigger+` ON audit_events`) // the cause is fixed
	done := g.do(t, "POST", complete, s.admin, map[string]any{"decision": "retry", "reason": "约束已修复，重试"}).want(t, 200)
	if done.str("status") != "withdrawn" {
		t.Fatalf("after the retry: %s", done.Raw)
	}
	app := g.do(t, "GET", "/api/v1/applications/"+appID, owner.Token, nil).want(t, 200)
	if app.str("status") != "withdrawn" {
		t.Fatalf("projection after the retry: %s", app.Raw)
	}
	actions, _ := json.Marshal(historyActions(t, g, owner.Token, appID))
	if !strings.Contains(string(actions), `"withdraw"`) || !strings.Contains(string(actions), `"incident_retry"`) {
		t.Fatalf("history %s lacks the retried withdrawal and the decision", actions)
	}
	g.do(t, "POST", complete, s.admin, map[string]any{"decision": "retry", "reason": "again"}).wantError(t, 409, "conflict", "")
}

// TestCreateRepeatAfterLostAnswer: a creating POST whose answer was lost (the gateway stopped after the
// workflow started and before the answer was stored) and that the client repeats with the same
// Idempotency-Key gets the application the first attempt created, not a 409 naming it; a different key
// is still a duplicate.
func TestCreateRepeatAfterLostAnswer(t *testing.T) {
	g := startGateway(t)
	batch := g.newBatch(t)
	a := g.registerApplicant(t, "严九")
	body := applicationBody(batch, "赤峰市")
	key := "create-" + a.Token[len(a.Token)-12:]
	first := g.do(t, "POST", "/api/v1/applications", a.Token, body, "Idempotency-Key", key).want(t, 201)
	g.sql(t, `DELETE FROM idempotency_keys WHERE key = $1`, key) // the stored answer is lost
	again := g.do(t, "POST", "/api/v1/applications", a.Token, body, "Idempotency-Key", key).want(t, 201)
	if again.str("id") != first.str("id") || again.str("status") != "draft" {
		t.Fatalf("repeat created %s, first %s", again.Raw, first.Raw)
	}
	if n := g.historyLength(t, first.str("id")); n == 0 {
		t.Fatal("no workflow for the application")
	}
	g.do(t, "POST", "/api/v1/applications", a.Token, body, "Idempotency-Key", key+"-other").wantError(t, 409, "conflict", "")
}

// TestCompleteTaskRepeatAfterLostAnswer: a reviewer's decision went through but its answer was lost (the
// gateway died before storing it); the client repeats it with the same Idempotency-Key and gets the first
// outcome, not 409 "already completed" (seen once in make chaos). A new decision on the completed task is
// still refused.
func TestCompleteTaskRepeatAfterLostAnswer(t *testing.T) {
	g := startGateway(t)
	_, appID := g.submittedApplication(t, g.newBatch(t), "通辽市", "包十")
	_, token := g.newStaff(t, roleCityReviewer, "通辽市")
	var taskID string
	for deadline := time.Now().Add(time.Minute); taskID == "" && time.Now().Before(deadline); {
		r := g.do(t, "GET", "/api/v1/tasks?type="+workflows.TaskPreliminaryReview+"&application_id="+appID, token, nil).want(t, 200)
		if items, _ := r.Body["items"].([]any); len(items) > 0 {
			taskID = items[0].(map[string]any)["id"].(string)
		} else {
			time.Sleep(100 * time.Millisecond)
		}
	}
	if taskID == "" {
		t.Fatal("no preliminary review task")
	}
	body := map[string]any{"decision": "approve", "reason": "材料齐全"}
	key := "complete-" + taskID
	first := g.do(t, "POST", "/api/v1/tasks/"+taskID+"/complete", token, body, "Idempotency-Key", key).want(t, 200)
	g.sql(t, `DELETE FROM idempotency_keys WHERE key = $1`, key) // the stored answer is lost
	again := g.do(t, "POST", "/api/v1/tasks/"+taskID+"/complete", token, body, "Idempotency-Key", key).want(t, 200)
	if again.str("status") != first.str("status") || again.str("task_id") != taskID {
		t.Fatalf("repeat answered %s, first %s", again.Raw, first.Raw)
	}
	g.do(t, "POST", "/api/v1/tasks/"+taskID+"/complete", token, map[string]any{"decision": "reject", "reason": "重复提交"},
		"Idempotency-Key", key+"-other").wantError(t, 409, "conflict", "")
	g.do(t, "POST", "/api/v1/tasks/"+taskID+"/complete", token, body).wantError(t, 409, "conflict", "")
}
