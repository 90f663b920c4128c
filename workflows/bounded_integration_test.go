package workflows_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"skillcert"
	"skillcert/workflows"
)

// maxEventsWorstCase bounds the history of the worst case a client can script.
const maxEventsWorstCase = 1000

// TestWorstCaseHistoryStaysBounded scripts ten corrections, forty uploads and twenty repeated payment
// callbacks on one case and asserts that its history stays under maxEventsWorstCase events.
func TestWorstCaseHistoryStaysBounded(t *testing.T) {
	rs := startReal(t)
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
		taskType := skillcert.TaskPreliminaryReview
		if round > 0 {
			taskType = skillcert.TaskCorrectionReview
		}
		rs.update(t, appID, workflows.UpdateCompleteTask, workflows.CompleteTaskRequest{TaskID: rs.openTask(t, appID, taskType),
			Decision: "return", Reason: "照片不清晰", Actor: rs.actor("city1", skillcert.RoleCityReviewer)}, &res)
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
	rs.update(t, appID, workflows.UpdateCompleteTask, workflows.CompleteTaskRequest{TaskID: rs.openTask(t, appID, skillcert.TaskCorrectionReview), Decision: "approve", Actor: rs.actor("city1", skillcert.RoleCityReviewer)}, &res)
	rs.update(t, appID, workflows.UpdateCompleteTask, workflows.CompleteTaskRequest{TaskID: rs.openTask(t, appID, skillcert.TaskReReview), Decision: "approve", Actor: rs.actor("prov1", skillcert.RoleProvincialReviewer)}, &res)
	var order workflows.PaymentOrder
	rs.update(t, appID, workflows.UpdateCreatePaymentOrder, workflows.ActorRequest{Actor: in.Actor}, &order)
	pay := workflows.ConfirmPaymentRequest{OrderID: order.OrderID, TransactionID: "tx-" + appID, AmountFen: order.AmountFen, PaidAt: time.Now()}
	var paid workflows.ConfirmPaymentResult
	rs.update(t, appID, workflows.UpdateConfirmPayment, pay, &paid)
	rs.repeatCallback(t, appID, pay, 20)
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

// TestLostBatchSignalsStillReachCases: the organiser shortens the payment window (every case is told),
// then extends it; the gateway saves the extension and is killed after signalling half of the batch's
// cases. The other half still follow the stored window: before the old deadline acts, each workflow
// re-reads its batch. SKILLCERT_FANOUT_CASES sets the number of cases (8 here, 200 in `make fanout`).
func TestLostBatchSignalsStillReachCases(t *testing.T) {
	rs := startReal(t)
	ctx := context.Background()
	cases := 8
	if v := os.Getenv("SKILLCERT_FANOUT_CASES"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 2 {
			t.Fatalf("SKILLCERT_FANOUT_CASES=%q", v)
		}
		cases = n
	}
	ids := make([]string, cases)
	var wg sync.WaitGroup
	errs := make(chan error, cases)
	sem := make(chan struct{}, 8)
	for i := range cases {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			id, err := rs.awaitingPayment(ctx, i)
			ids[i] = id
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	windows := rs.longLivedInput(ids[0]).Batch
	change := func(due time.Time, signalled []string) {
		if _, err := rs.pool.Exec(ctx, `UPDATE batches SET payment_closes_at = $1 WHERE id = 'b1'`, due); err != nil {
			t.Fatal(err)
		}
		windows.PaymentClosesAt = due
		for _, id := range signalled {
			if err := rs.client.SignalWorkflow(ctx, workflows.WorkflowID(id), "", workflows.SignalBatchChanged, windows); err != nil {
				t.Fatal(err)
			}
		}
	}
	oldDue := time.Now().Add(15 * time.Second).Truncate(time.Second)
	change(oldDue, ids) // shortened: every case is told
	newDue := time.Now().Add(24 * time.Hour).Truncate(time.Second)
	change(newDue, ids[:cases/2]) // extended: the fan-out stops halfway
	time.Sleep(time.Until(oldDue) + 5*time.Second)
	for _, id := range ids {
		var status string
		var due *time.Time
		deadline := time.Now().Add(60 * time.Second)
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

// awaitingPayment starts the i-th case of its own applicant and takes it through both reviews.
func (rs *realStack) awaitingPayment(ctx context.Context, i int) (string, error) {
	appID := uuid.NewString()
	in := rs.longLivedInput(appID)
	in.Batch.PaymentClosesAt = time.Now().Add(time.Hour)
	in.ApplicantID = uuid.NewString()
	in.Actor.UserID = in.ApplicantID
	if _, err := rs.pool.Exec(ctx, `INSERT INTO users (id, role, phone, name, password_hash) VALUES ($1, 'applicant', $2, '周八', 'x')`,
		in.ApplicantID, fmt.Sprintf("137%08d", i)); err != nil {
		return "", err
	}
	return appID, rs.toPayment(ctx, in)
}

// toPayment creates the case, attaches its documents and approves both reviews, reporting errors (it runs
// on goroutines other than the test's).
func (rs *realStack) toPayment(ctx context.Context, in workflows.ApplicationInput) error {
	id := in.ApplicationID
	start := rs.client.NewWithStartWorkflowOperation(client.StartWorkflowOptions{ID: workflows.WorkflowID(id), TaskQueue: taskQueue,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_FAIL}, workflows.ApplicationWorkflow, in)
	h, err := rs.client.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{StartWorkflowOperation: start,
		UpdateOptions: client.UpdateWorkflowOptions{UpdateName: workflows.UpdateCreated, WaitForStage: client.WorkflowUpdateStageCompleted}})
	if err != nil {
		return err
	}
	if err := h.Get(ctx, nil); err != nil {
		return fmt.Errorf("created: %w", err)
	}
	update := func(name string, arg any) error {
		h, err := rs.client.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: workflows.WorkflowID(id),
			UpdateName: name, Args: []any{arg}, WaitForStage: client.WorkflowUpdateStageCompleted})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	}
	img := whitePNG(300, 400)
	for _, rule := range in.Checklist {
		if !rule.Required {
			continue
		}
		docID := uuid.NewString()
		key := "applications/" + id + "/" + docID
		if _, err := rs.store.Put(ctx, key, img, "image/png"); err != nil {
			return err
		}
		if _, err := rs.pool.Exec(ctx, `INSERT INTO documents (id, application_id, doc_type, object_key, filename, declared_type, declared_size, created_by)
			VALUES ($1, $2, $3, $4, 'x.png', 'image/png', $5, $6)`, docID, id, rule.DocType, key, len(img), in.ApplicantID); err != nil {
			return err
		}
		if err := update(workflows.UpdateAttachDocument, workflows.AttachDocumentRequest{DocumentID: docID, DocType: rule.DocType, ObjectKey: key, Actor: in.Actor}); err != nil {
			return err
		}
	}
	if err := update(workflows.UpdateSubmit, workflows.ActorRequest{Actor: in.Actor}); err != nil {
		return err
	}
	for _, r := range []struct {
		task skillcert.TaskType
		who  string
		role skillcert.Role
	}{
		{skillcert.TaskPreliminaryReview, "city1", skillcert.RoleCityReviewer}, {skillcert.TaskReReview, "prov1", skillcert.RoleProvincialReviewer},
	} {
		var task string
		if err := rs.pool.QueryRow(ctx, `SELECT id FROM tasks WHERE application_id = $1 AND type = $2 AND status IN ('open','claimed')`, id, string(r.task)).Scan(&task); err != nil {
			return fmt.Errorf("%s task: %w", r.task, err)
		}
		if err := update(workflows.UpdateCompleteTask, workflows.CompleteTaskRequest{TaskID: task, Decision: "approve", Actor: rs.actor(r.who, r.role)}); err != nil {
			return err
		}
	}
	return nil
}

// TestBatchWindowsWorkflowReachesEveryCase: the gateway's fan-out is a workflow, so it completes without
// the gateway. Among 600 listed applications, the 4 that exist are signalled (ended or unknown ones are
// skipped), across a continue-as-new.
func TestBatchWindowsWorkflowReachesEveryCase(t *testing.T) {
	rs := startReal(t)
	ctx := context.Background()
	var ids []string
	for i := range 4 {
		id, err := rs.awaitingPayment(ctx, 100+i)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	listed := append([]string(nil), ids...)
	for len(listed) < 600 {
		listed = append(listed, uuid.NewString())
	}
	windows := rs.longLivedInput(ids[0]).Batch
	windows.PaymentClosesAt = time.Now().Add(48 * time.Hour).Truncate(time.Second)
	run, err := rs.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.BatchWindowsWorkflowID("b1"), TaskQueue: taskQueue},
		workflows.BatchWindowsWorkflowName, workflows.BatchWindowsInput{Windows: windows, ApplicationIDs: listed})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := run.Get(ctx, &n); err != nil || n != len(ids) {
		t.Fatalf("fan-out signalled %d (%v), want %d", n, err, len(ids))
	}
	for _, id := range ids {
		var due *time.Time
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(200 * time.Millisecond) {
			if err := rs.pool.QueryRow(ctx, `SELECT payment_due_at FROM applications WHERE id = $1`, id).Scan(&due); err != nil {
				t.Fatal(err)
			}
			if (due != nil && due.Equal(windows.PaymentClosesAt)) || time.Now().After(deadline) {
				break
			}
		}
		if due == nil || !due.Equal(windows.PaymentClosesAt) {
			t.Fatalf("case %s due %v, want %v", id, due, windows.PaymentClosesAt)
		}
	}
}
