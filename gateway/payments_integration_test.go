package gateway

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"skillcert"
	"skillcert/codec"
	"skillcert/workflows"
)

// temporalClient is a client of the test stack's Temporal with the same codec as the gateway.
func (g *testGateway) temporalClient(t *testing.T) client.Client {
	t.Helper()
	getenv := func(k string) string { return g.env[k] }
	dc, fc, _, _, err := codec.DataConverterFromEnv(getenv)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.Dial(client.Options{HostPort: g.env["TEMPORAL_ADDRESS"], Namespace: g.env["TEMPORAL_NAMESPACE"],
		DataConverter: dc, FailureConverter: fc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// approveReviews takes a submitted application through 初审 (a city reviewer of region) and 复审 (a
// provincial reviewer) with the workflow's complete_task Update; the task IDs come from the inboxes.
func (g *testGateway) approveReviews(t *testing.T, appID, region string) {
	t.Helper()
	tc := g.temporalClient(t)
	for _, step := range []struct{ role, region, taskType string }{
		{roleCityReviewer, region, string(skillcert.TaskPreliminaryReview)},
		{roleProvincialReviewer, "", string(skillcert.TaskReReview)},
	} {
		userID, token := g.newStaff(t, step.role, step.region)
		var taskID string
		deadline := time.Now().Add(10 * time.Second)
		for taskID == "" && time.Now().Before(deadline) {
			r := g.do(t, "GET", "/api/v1/tasks?type="+step.taskType+"&application_id="+appID, token, nil).want(t, 200)
			if items, _ := r.Body["items"].([]any); len(items) > 0 {
				taskID = items[0].(map[string]any)["id"].(string)
			} else {
				time.Sleep(100 * time.Millisecond)
			}
		}
		if taskID == "" {
			t.Fatalf("no %s task for %s in the %s inbox", step.taskType, appID, step.role)
		}
		h, err := tc.UpdateWorkflow(context.Background(), client.UpdateWorkflowOptions{
			WorkflowID: workflows.WorkflowID(appID), UpdateName: workflows.UpdateCompleteTask,
			WaitForStage: client.WorkflowUpdateStageCompleted,
			Args: []any{workflows.CompleteTaskRequest{TaskID: taskID, Decision: "approve", Reason: "材料齐全",
				Actor: workflows.Actor{UserID: userID, Role: skillcert.Role(step.role), Region: step.region}}},
		})
		if err == nil {
			err = h.Get(context.Background(), nil)
		}
		if err != nil {
			t.Fatalf("complete %s: %v", step.taskType, err)
		}
	}
}

// waitStatus polls the application until it reaches status.
func (g *testGateway) waitStatus(t *testing.T, token, appID, status string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		r := g.do(t, "GET", "/api/v1/applications/"+appID, token, nil).want(t, 200)
		if r.str("status") == status {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("status %q after %v, want %q", r.str("status"), within, status)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// signedCallback posts a payment callback signed with secret.
func (g *testGateway) signedCallback(t *testing.T, secret string, body map[string]any) result {
	t.Helper()
	raw, _ := json.Marshal(body)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(raw)
	return g.do(t, "POST", "/api/v1/payments/callback", "", string(raw), "X-Signature", hex.EncodeToString(m.Sum(nil)))
}

func TestPaymentsIntegration(t *testing.T) {
	g := startGateway(t)
	batch := g.newBatch(t)
	payer, paid := g.submittedApplication(t, batch, "包头市", "钱一")
	late, expiring := g.submittedApplication(t, batch, "包头市", "孙二")
	g.do(t, "POST", "/api/v1/applications/"+paid+"/payment", payer.Token, nil).wantError(t, 409, "conflict", "")
	g.approveReviews(t, paid, "包头市")
	g.approveReviews(t, expiring, "包头市")
	g.waitStatus(t, payer.Token, paid, "awaiting_payment", 10*time.Second)

	order := g.do(t, "POST", "/api/v1/applications/"+paid+"/payment", payer.Token, nil).want(t, 201)
	fee, _ := skillcert.DefaultFees().Total(skillcert.Level5)
	if order.str("order_id") == "" || order.Body["amount_fen"].(float64) != float64(fee) || order.str("pay_url") == "" || order.str("due_at") == "" {
		t.Fatalf("order %s (fee %d)", order.Raw, fee)
	}
	again := g.do(t, "POST", "/api/v1/applications/"+paid+"/payment", payer.Token, nil).want(t, 201)
	if again.str("order_id") != order.str("order_id") {
		t.Fatalf("a second request made another order: %s vs %s", again.Raw, order.Raw)
	}
	g.do(t, "POST", "/api/v1/applications/"+paid+"/payment", late.Token, nil).wantError(t, 404, "not_found", "")
	page := g.do(t, "GET", strings.TrimPrefix(order.str("pay_url"), g.baseURL), "", nil).want(t, 200)
	if !strings.Contains(string(page.Raw), order.str("order_id")) || !strings.Contains(string(page.Raw), skillcert.FormatFen(int64(fee))) {
		t.Fatalf("pay page %s does not show the order", page.Raw)
	}
	g.do(t, "GET", "/pay/"+paid, "", nil).want(t, 404)
	g.do(t, "POST", "/pay/"+paid+"/simulate", "", nil).want(t, 404)

	callback := map[string]any{"order_id": order.str("order_id"), "application_id": paid, "amount_fen": fee,
		"paid_at": time.Now().Format(time.RFC3339), "transaction_id": "tx-" + paid}
	t.Run("refusals", func(t *testing.T) {
		for field, change := range map[string]any{"amount_fen": fee - 1, "application_id": expiring, "paid_at": "yesterday"} {
			body := map[string]any{}
			for k, v := range callback {
				body[k] = v
			}
			body[field] = change
			g.signedCallback(t, testPaymentSecret, body).wantError(t, 422, "invalid", field)
		}
		g.signedCallback(t, "not-the-secret", callback).wantError(t, 401, "unauthorized", "")
	})

	r := g.signedCallback(t, testPaymentSecret, callback).want(t, 200)
	if r.str("status") != "applied" || r.str("application_status") != "exam_scheduled" {
		t.Fatalf("callback %s", r.Raw)
	}
	r = g.signedCallback(t, testPaymentSecret, callback).want(t, 200)
	if r.str("status") != "duplicate" {
		t.Fatalf("repeated callback %s", r.Raw)
	}
	g.waitStatus(t, payer.Token, paid, "exam_scheduled", 5*time.Second)

	// Payment windows follow the batch: a window shortened and lengthened again keeps the application alive;
	// shortened to a moment from now, it expires it, and a late payment is refused and owed back.
	lateOrder := g.do(t, "POST", "/api/v1/applications/"+expiring+"/payment", late.Token, nil).want(t, 201)
	admin := g.adminToken(t)
	patch := func(d time.Duration) {
		t.Helper()
		g.do(t, "PATCH", "/api/v1/admin/batches/"+batch, admin,
			map[string]any{"payment_closes_at": time.Now().Add(d).Format(time.RFC3339)}).want(t, 200)
	}
	patch(3 * time.Second)
	patch(40 * 24 * time.Hour)
	time.Sleep(5 * time.Second)
	g.waitStatus(t, late.Token, expiring, "awaiting_payment", time.Second)
	patch(2 * time.Second)
	g.waitStatus(t, late.Token, expiring, "expired", 20*time.Second)

	r = g.signedCallback(t, testPaymentSecret, map[string]any{"order_id": lateOrder.str("order_id"), "application_id": expiring,
		"amount_fen": fee, "paid_at": time.Now().Format(time.RFC3339), "transaction_id": "tx-late-" + expiring})
	r.wantError(t, 409, "conflict", "")
	if details, _ := r.Body["error"].(map[string]any)["details"].(map[string]any); details["outcome"] != "refund_due" {
		t.Fatalf("late payment not recorded for refund: %s", r.Raw)
	}
	g.do(t, "POST", "/api/v1/applications/"+expiring+"/payment", late.Token, nil).wantError(t, 409, "conflict", "")
	g.waitStatus(t, payer.Token, paid, "exam_scheduled", time.Second)
}
