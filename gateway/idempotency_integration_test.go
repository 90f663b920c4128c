package gateway

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	enumspb "go.temporal.io/api/enums/v1"

	"skillcert"
	"skillcert/api"
	"skillcert/client"
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
	must(s.decide(t, s.city, appID, "preliminary_review", "approve"))(t)
	must(s.decide(t, s.prov, appID, "re_review", "approve"))(t)
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
		ctx := t.Context()
		// Raw requests: the answers are compared byte for byte, with their Idempotent-Replayed header.
		body := api.ScoreRequest{Component: "theory", Score: 75}
		first, firstRaw, _ := g.send(t, s.prov.Token, "POST", path, body, "Idempotency-Key", "theory-"+appID)
		again, againRaw, _ := g.send(t, s.prov.Token, "POST", path, body, "Idempotency-Key", "theory-"+appID)
		if first.StatusCode != 200 || again.StatusCode != 200 || string(againRaw) != string(firstRaw) ||
			again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("repeat answered %d %s (replayed %q), first %d %s", again.StatusCode, againRaw,
				again.Header.Get("Idempotent-Replayed"), first.StatusCode, firstRaw)
		}
		wantAPIError(t, errOf(g.as(s.prov.Token).WithIdempotencyKey("theory-"+appID).EnterScore(ctx, appID, "theory", 76)),
			422, "invalid", "Idempotency-Key")
		// A refusal is an outcome too: the repeat gets the same 403 without acting again.
		wantAPIError(t, errOf(g.as(s.city.Token).WithIdempotencyKey("refused-"+appID).EnterScore(ctx, appID, "theory", 75)),
			403, "forbidden", "")
		r, _, e := g.send(t, s.city.Token, "POST", path, body, "Idempotency-Key", "refused-"+appID)
		wantStatusError(t, e, 403, "forbidden", "")
		if r.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatal("the refusal was not replayed")
		}
	})

	t.Run("a lost answer: the workflow's Update ID still gives the first outcome", func(t *testing.T) {
		key := "skill-" + appID
		enter := func() (api.ScoreResponse, error) {
			return g.as(s.city.Token).WithIdempotencyKey(key).EnterScore(t.Context(), appID, "skill", 80)
		}
		if first := must(enter())(t); first.State != "awaiting_confirmation" {
			t.Fatalf("first entry: %+v", first)
		}
		// As if the gateway had stopped after the update and before storing the answer.
		g.sql(t, `DELETE FROM idempotency_keys WHERE key = $1`, key)
		if again := must(enter())(t); again.State != "awaiting_confirmation" {
			t.Fatalf("repeat after a lost answer: %+v", again)
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
		enter := func() (api.ScoreResponse, error) {
			return g.as(s.city2.Token).EnterScore(t.Context(), appID, "skill", 81)
		}
		if r := must(enter())(t); r.State != "mismatch" {
			t.Fatalf("mismatching entry: %+v", r)
		}
		if r := must(enter())(t); r.State != "awaiting_confirmation" {
			t.Fatalf("the same entry again: %+v", r)
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

	ctx := t.Context()
	if _, err := g.as(owner.Token).Withdraw(ctx, appID, "工作调动"); answerStatus(err) < 500 {
		t.Fatalf("withdrawal with a broken projection write: %d %v", answerStatus(err), err)
	}
	// The 503 is not the answer forever: the same request again runs as a new update (the case has moved on).
	wantAPIError(t, errOf(g.as(owner.Token).Withdraw(ctx, appID, "工作调动")), 409, "conflict", "")
	var task *api.Task
	for deadline := time.Now().Add(20 * time.Second); task == nil; time.Sleep(200 * time.Millisecond) {
		list := must(g.as(s.admin).Tasks(ctx, client.TaskFilter{Type: "incident", ApplicationID: appID}, client.Paging{}))(t)
		if len(list.Items) == 1 {
			task = &list.Items[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no incident task: %+v", list)
		}
	}
	if task.Type != "incident" || task.Role != "admin" || task.Status != "open" {
		t.Fatalf("incident task %+v", task)
	}
	id := task.ID
	complete := func(token string, req api.CompleteTaskRequest) (api.CompleteTaskResponse, error) {
		return g.as(token).CompleteTask(ctx, id, req)
	}
	wantAPIError(t, errOf(complete(s.city.Token, api.CompleteTaskRequest{Decision: "retry", Reason: "x"})), 403, "forbidden", "")
	wantAPIError(t, errOf(complete(s.admin, api.CompleteTaskRequest{Decision: "approve", Reason: "x"})), 422, "invalid", "decision")
	// Without a reason at all (the typed request always has one).
	wantAPIError(t, g.as(s.admin).Do(ctx, "POST", "/api/v1/tasks/"+id+"/complete", map[string]any{"decision": "retry"}, nil),
		422, "invalid", "reason")

	found := must(g.as(s.admin).SearchApplications(ctx, client.ApplicationFilter{Q: appID[:8]}, client.Paging{}))(t)
	if len(found.Items) != 1 || !found.Items[0].OpenIncident {
		t.Fatalf("admin search does not show the incident: %+v", found)
	}
	g.sql(t, `DROP TRIGGER `+trigger+` ON audit_events`) // the cause is fixed
	if done := must(complete(s.admin, api.CompleteTaskRequest{Decision: "retry", Reason: "约束已修复，重试"}))(t); done.Status != "withdrawn" {
		t.Fatalf("after the retry: %+v", done)
	}
	if app := must(g.as(owner.Token).Application(ctx, appID))(t); app.Status != "withdrawn" {
		t.Fatalf("projection after the retry: %+v", app)
	}
	actions, _ := json.Marshal(historyActions(t, g, owner.Token, appID))
	if !strings.Contains(string(actions), `"withdraw"`) || !strings.Contains(string(actions), `"incident_retry"`) {
		t.Fatalf("history %s lacks the retried withdrawal and the decision", actions)
	}
	wantAPIError(t, errOf(complete(s.admin, api.CompleteTaskRequest{Decision: "retry", Reason: "again"})), 409, "conflict", "")
}

// TestCreateRepeatAfterLostAnswer: a creating POST whose answer was lost (the gateway stopped after the
// workflow started and before the answer was stored) and that the client repeats with the same
// Idempotency-Key gets the application the first attempt created, not a 409 naming it; a different key
// is still a duplicate.
func TestCreateRepeatAfterLostAnswer(t *testing.T) {
	g := startGateway(t)
	batch := g.newBatch(t)
	a := g.registerApplicant(t, "严九")
	body := applicationRequest(batch, "赤峰市")
	key := "create-" + a.Token[len(a.Token)-12:]
	create := func(key string) (api.Application, error) {
		return g.as(a.Token).WithIdempotencyKey(key).CreateApplication(t.Context(), body)
	}
	first := must(create(key))(t)
	g.sql(t, `DELETE FROM idempotency_keys WHERE key = $1`, key) // the stored answer is lost
	if again := must(create(key))(t); again.ID != first.ID || again.Status != "draft" {
		t.Fatalf("repeat created %+v, first %+v", again, first)
	}
	if n := g.historyLength(t, first.ID); n == 0 {
		t.Fatal("no workflow for the application")
	}
	wantAPIError(t, errOf(create(key+"-other")), 409, "conflict", "")
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
		r := must(g.as(token).Tasks(t.Context(), client.TaskFilter{Type: string(skillcert.TaskPreliminaryReview), ApplicationID: appID}, client.Paging{}))(t)
		if len(r.Items) > 0 {
			taskID = r.Items[0].ID
		} else {
			time.Sleep(100 * time.Millisecond)
		}
	}
	if taskID == "" {
		t.Fatal("no preliminary review task")
	}
	body := api.CompleteTaskRequest{Decision: "approve", Reason: "材料齐全"}
	key := "complete-" + taskID
	c := g.as(token)
	first := must(c.WithIdempotencyKey(key).CompleteTask(t.Context(), taskID, body))(t)
	g.sql(t, `DELETE FROM idempotency_keys WHERE key = $1`, key) // the stored answer is lost
	again := must(c.WithIdempotencyKey(key).CompleteTask(t.Context(), taskID, body))(t)
	if again.Status != first.Status || again.TaskID != taskID {
		t.Fatalf("repeat answered %+v, first %+v", again, first)
	}
	wantAPIError(t, errOf(c.WithIdempotencyKey(key+"-other").CompleteTask(t.Context(), taskID,
		api.CompleteTaskRequest{Decision: "reject", Reason: "重复提交"})), 409, "conflict", "")
	wantAPIError(t, errOf(c.CompleteTask(t.Context(), taskID, body)), 409, "conflict", "")
}
