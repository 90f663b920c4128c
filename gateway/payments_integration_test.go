package gateway

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"skillcert"
	"skillcert/api"
	skclient "skillcert/client"
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
			inbox := must(g.as(token).Tasks(t.Context(), skclient.TaskFilter{Type: step.taskType, ApplicationID: appID}, skclient.Paging{}))(t)
			if len(inbox.Items) > 0 {
				taskID = inbox.Items[0].ID
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
		r := must(g.as(token).Application(t.Context(), appID))(t)
		if r.Status == status {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("status %q after %v, want %q", r.Status, within, status)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// signedCallback posts a payment callback signed with secret.
func (g *testGateway) signedCallback(t *testing.T, secret string, cb api.PaymentCallback) (api.PaymentCallbackResponse, error) {
	t.Helper()
	return g.as("").PaymentCallback(t.Context(), []byte(secret), cb)
}

func TestPaymentsIntegration(t *testing.T) {
	g := startGateway(t)
	ctx := t.Context()
	batch := g.newBatch(t)
	payer, paid := g.submittedApplication(t, batch, "包头市", "钱一")
	late, expiring := g.submittedApplication(t, batch, "包头市", "孙二")
	_, err := g.as(payer.Token).PaymentOrder(ctx, paid)
	wantAPIError(t, err, 409, "conflict", "")
	g.approveReviews(t, paid, "包头市")
	g.approveReviews(t, expiring, "包头市")
	g.waitStatus(t, payer.Token, paid, "awaiting_payment", 10*time.Second)

	order := must(g.as(payer.Token).PaymentOrder(ctx, paid))(t)
	fee, _ := skillcert.DefaultFees().Total(skillcert.Level5)
	if order.OrderID == "" || order.AmountFen != int64(fee) || order.PayURL == "" || order.DueAt.IsZero() {
		t.Fatalf("order %+v (fee %d)", order, fee)
	}
	if again := must(g.as(payer.Token).PaymentOrder(ctx, paid))(t); again.OrderID != order.OrderID {
		t.Fatalf("a second request made another order: %+v vs %+v", again, order)
	}
	_, err = g.as(late.Token).PaymentOrder(ctx, paid)
	wantAPIError(t, err, 404, "not_found", "")
	page, _ := must2(g.as("").Download(ctx, strings.TrimPrefix(order.PayURL, g.baseURL)))(t)
	if !strings.Contains(string(page), order.OrderID) || !strings.Contains(string(page), skillcert.FormatFen(int64(fee))) {
		t.Fatalf("pay page %s does not show the order", page)
	}
	if r, raw, _ := g.send(t, "", "GET", "/pay/"+paid, nil); r.StatusCode != 404 {
		t.Fatalf("GET /pay/<application ID>: %d %s, want 404", r.StatusCode, raw)
	}
	if r, raw, _ := g.send(t, "", "POST", "/pay/"+paid+"/simulate", nil); r.StatusCode != 404 {
		t.Fatalf("POST /pay/<application ID>/simulate: %d %s, want 404", r.StatusCode, raw)
	}

	callback := api.PaymentCallback{OrderID: order.OrderID, ApplicationID: paid, AmountFen: int64(fee),
		PaidAt: time.Now().Format(time.RFC3339), TransactionID: "tx-" + paid}
	t.Run("refusals", func(t *testing.T) {
		for field, change := range map[string]func(*api.PaymentCallback){
			"amount_fen":     func(c *api.PaymentCallback) { c.AmountFen-- },
			"application_id": func(c *api.PaymentCallback) { c.ApplicationID = expiring },
			"paid_at":        func(c *api.PaymentCallback) { c.PaidAt = "yesterday" },
		} {
			body := callback
			change(&body)
			_, err := g.signedCallback(t, testPaymentSecret, body)
			wantAPIError(t, err, 422, "invalid", field)
		}
		_, err := g.signedCallback(t, "not-the-secret", callback)
		wantAPIError(t, err, 401, "unauthorized", "")
	})

	r := must(g.signedCallback(t, testPaymentSecret, callback))(t)
	if r.Status != "applied" || r.ApplicationStatus != "exam_scheduled" {
		t.Fatalf("callback %+v", r)
	}
	if r = must(g.signedCallback(t, testPaymentSecret, callback))(t); r.Status != "duplicate" {
		t.Fatalf("repeated callback %+v", r)
	}
	g.waitStatus(t, payer.Token, paid, "exam_scheduled", 5*time.Second)

	// Payment windows follow the batch: a window shortened and lengthened again keeps the application alive;
	// shortened to a moment from now, it expires it, and a late payment is refused and owed back.
	lateOrder := must(g.as(late.Token).PaymentOrder(ctx, expiring))(t)
	admin := g.adminToken(t)
	patch := func(d time.Duration) {
		t.Helper()
		closes := time.Now().Add(d).Format(time.RFC3339)
		must(g.as(admin).PatchBatch(ctx, batch, api.BatchRequest{PaymentClosesAt: &closes}))(t)
	}
	patch(3 * time.Second)
	patch(40 * 24 * time.Hour)
	time.Sleep(5 * time.Second)
	g.waitStatus(t, late.Token, expiring, "awaiting_payment", time.Second)
	patch(2 * time.Second)
	g.waitStatus(t, late.Token, expiring, "expired", 20*time.Second)

	_, err = g.signedCallback(t, testPaymentSecret, api.PaymentCallback{OrderID: lateOrder.OrderID, ApplicationID: expiring,
		AmountFen: int64(fee), PaidAt: time.Now().Format(time.RFC3339), TransactionID: "tx-late-" + expiring})
	if e := wantAPIError(t, err, 409, "conflict", ""); e.Body.Details["outcome"] != "refund_due" {
		t.Fatalf("late payment not recorded for refund: %+v", e.Body)
	}
	_, err = g.as(late.Token).PaymentOrder(ctx, expiring)
	wantAPIError(t, err, 409, "conflict", "")
	g.waitStatus(t, payer.Token, paid, "exam_scheduled", time.Second)
}
