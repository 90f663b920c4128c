package workflows_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"skillcert"
	"skillcert/workflows"
)

// maxEventsWorstCase bounds the history of the worst case a client can script.
const maxEventsWorstCase = 1000

// TestWorstCaseHistoryStaysBounded scripts ten corrections, forty uploads and twenty repeated payment
// callbacks on one case and asserts that its history stays under maxEventsWorstCase events.
func TestWorstCaseHistoryStaysBounded(t *testing.T) {
	rs := startReal(t)
	ctx := context.Background()
	appID := uuid.NewString()
	in := rs.longLivedInput(appID)
	rs.startCase(t, in)
	var required []skillcert.DocType
	for _, r := range in.Checklist {
		if r.Required {
			required = append(required, r.DocType)
		}
	}
	uploads := len(required)
	img := whitePNG(300, 400)
	var res workflows.Result
	for round := 0; round < 10; round++ {
		rs.update(t, appID, workflows.UpdateSubmit, workflows.ActorRequest{Actor: in.Actor}, &res)
		taskType := workflows.TaskPreliminaryReview
		if round > 0 {
			taskType = workflows.TaskCorrectionReview
		}
		rs.update(t, appID, workflows.UpdateCompleteTask, workflows.CompleteTaskRequest{TaskID: rs.openTask(t, appID, taskType),
			Decision: "return", Reason: "照片不清晰", Actor: rs.actor("city1", workflows.RoleCityReviewer)}, &res)
		for i := 0; i < 3 && uploads < 40; i++ {
			rs.attach(t, in, required[(round+i)%len(required)], img)
			uploads++
		}
	}
	for uploads < 40 {
		rs.attach(t, in, required[uploads%len(required)], img)
		uploads++
	}
	rs.update(t, appID, workflows.UpdateSubmit, workflows.ActorRequest{Actor: in.Actor}, &res)
	rs.update(t, appID, workflows.UpdateCompleteTask, workflows.CompleteTaskRequest{TaskID: rs.openTask(t, appID, workflows.TaskCorrectionReview), Decision: "approve", Actor: rs.actor("city1", workflows.RoleCityReviewer)}, &res)
	rs.update(t, appID, workflows.UpdateCompleteTask, workflows.CompleteTaskRequest{TaskID: rs.openTask(t, appID, workflows.TaskReReview), Decision: "approve", Actor: rs.actor("prov1", workflows.RoleProvincialReviewer)}, &res)
	var order workflows.PaymentOrder
	rs.update(t, appID, workflows.UpdateCreatePaymentOrder, workflows.ActorRequest{Actor: in.Actor}, &order)
	pay := workflows.ConfirmPaymentRequest{OrderID: order.OrderID, TransactionID: "tx-" + appID, AmountFen: order.AmountFen, PaidAt: time.Now()}
	var paid workflows.ConfirmPaymentResult
	rs.update(t, appID, workflows.UpdateConfirmPayment, pay, &paid)
	for range 20 {
		h, err := rs.client.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: workflows.WorkflowID(appID),
			UpdateName: workflows.UpdateConfirmPayment, Args: []any{pay}, WaitForStage: client.WorkflowUpdateStageCompleted})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		var appErr *temporal.ApplicationError
		if !errors.As(err, &appErr) || appErr.Type() != workflows.ErrDuplicatePayment {
			t.Fatalf("repeated callback: %v", err)
		}
	}
	events := rs.events(t, appID)
	n := len(events)
	byType := map[string]int{}
	for _, e := range events {
		byType[e.GetEventType().String()]++
	}
	t.Logf("worst case: 10 corrections, %d uploads, 20 repeated callbacks: %d events %v", uploads, n, byType)
	if n >= maxEventsWorstCase {
		t.Fatalf("%d history events, want fewer than %d", n, maxEventsWorstCase)
	}
}

// TestLostBatchSignalsStillReachCases: the gateway saves a later payment deadline and is killed after
// signalling half of the batch's cases. The other half still follow the stored window: before the old
// deadline acts, each workflow re-reads its batch.
func TestLostBatchSignalsStillReachCases(t *testing.T) {
	rs := startReal(t)
	ctx := context.Background()
	const cases = 8
	oldDue := time.Now().Add(40 * time.Second).Truncate(time.Second)
	if _, err := rs.pool.Exec(ctx, `UPDATE batches SET payment_closes_at = $1 WHERE id = 'b1'`, oldDue); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := range cases {
		appID := uuid.NewString()
		in := rs.longLivedInput(appID)
		in.ApplicantID = uuid.NewString()
		in.Actor.UserID = in.ApplicantID
		if _, err := rs.pool.Exec(ctx, `INSERT INTO users (id, role, phone, name, password_hash) VALUES ($1, 'applicant', $2, '周八', 'x')`,
			in.ApplicantID, "1380000"+strconv.Itoa(1000+i)); err != nil {
			t.Fatal(err)
		}
		in.Batch.PaymentClosesAt = oldDue
		rs.startCase(t, in)
		var res workflows.Result
		rs.update(t, appID, workflows.UpdateSubmit, workflows.ActorRequest{Actor: in.Actor}, &res)
		rs.update(t, appID, workflows.UpdateCompleteTask, workflows.CompleteTaskRequest{TaskID: rs.openTask(t, appID, workflows.TaskPreliminaryReview), Decision: "approve", Actor: rs.actor("city1", workflows.RoleCityReviewer)}, &res)
		rs.update(t, appID, workflows.UpdateCompleteTask, workflows.CompleteTaskRequest{TaskID: rs.openTask(t, appID, workflows.TaskReReview), Decision: "approve", Actor: rs.actor("prov1", workflows.RoleProvincialReviewer)}, &res)
		if res.Status != skillcert.StatusAwaitingPayment {
			t.Fatalf("case %s: %s", appID, res.Status)
		}
		ids = append(ids, appID)
	}
	if time.Now().After(oldDue.Add(-5 * time.Second)) {
		t.Skipf("the machine is too slow: the cases were ready only at %v, the old deadline is %v", time.Now(), oldDue)
	}
	newDue := time.Now().Add(24 * time.Hour).Truncate(time.Second)
	if _, err := rs.pool.Exec(ctx, `UPDATE batches SET payment_closes_at = $1 WHERE id = 'b1'`, newDue); err != nil {
		t.Fatal(err)
	}
	in := rs.longLivedInput(ids[0])
	windows := in.Batch
	windows.PaymentClosesAt = newDue
	for _, id := range ids[:cases/2] { // the fan-out stops halfway
		if err := rs.client.SignalWorkflow(ctx, workflows.WorkflowID(id), "", workflows.SignalBatchChanged, windows); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(time.Until(oldDue) + 5*time.Second)
	for _, id := range ids {
		var status string
		var due *time.Time
		deadline := time.Now().Add(20 * time.Second)
		for {
			if err := rs.pool.QueryRow(ctx, `SELECT status, payment_due_at FROM applications WHERE id = $1`, id).Scan(&status, &due); err != nil {
				t.Fatal(err)
			}
			if status != "awaiting_payment" || (due != nil && due.Equal(newDue)) || time.Now().After(deadline) {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		if status != "awaiting_payment" || due == nil || !due.Equal(newDue) {
			t.Fatalf("case %s after the old deadline: %s, due %v; want awaiting_payment due %v", id, status, due, newDue)
		}
	}
}
