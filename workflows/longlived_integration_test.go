package workflows_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"

	"skillcert"
	"skillcert/codec"
	"skillcert/workflows"
)

// longLivedInput is a level-5 application on the real stack's batch b1.
func (rs *realStack) longLivedInput(appID string) workflows.ApplicationInput {
	return workflows.ApplicationInput{
		ApplicationID: appID, ApplicantID: rs.users["applicant"],
		Batch: workflows.BatchWindows{BatchID: "b1", RegistrationClosesAt: time.Now().Add(240 * time.Hour), PaymentOpensAt: time.Now().Add(-time.Hour),
			PaymentClosesAt: time.Now().Add(480 * time.Hour), ExamStartsAt: time.Now().Add(720 * time.Hour)},
		Region: "包头市", Employer: "包头市水务局", EmployerType: skillcert.EmployerInstitution,
		OccupationCode: "6-31-01-03", OccupationName: "电工", Conditions: skillcert.DefaultConditions, OccupationLevels: skillcert.AllLevels,
		Level: skillcert.Level5, Pathway: skillcert.PathwayStandard, Education: skillcert.EducationHighSchool,
		OccupationStartedOn: skillcert.Date{Year: 2015, Month: 1, Day: 1}, FeeFen: 12000, Policy: workflows.DefaultPolicy(),
		Checklist: skillcert.Checklist(skillcert.Level5, skillcert.PathwayStandard), Actor: rs.actor("applicant", skillcert.RoleApplicant),
	}
}

// startCase starts the application's workflow and attaches every required document.
func (rs *realStack) startCase(t *testing.T, in workflows.ApplicationInput) {
	t.Helper()
	ctx := context.Background()
	start := rs.client.NewWithStartWorkflowOperation(client.StartWorkflowOptions{ID: workflows.WorkflowID(in.ApplicationID), TaskQueue: taskQueue,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_FAIL}, workflows.ApplicationWorkflow, in)
	h, err := rs.client.UpdateWithStartWorkflow(ctx, client.UpdateWithStartWorkflowOptions{StartWorkflowOperation: start,
		UpdateOptions: client.UpdateWorkflowOptions{UpdateName: workflows.UpdateCreated, WaitForStage: client.WorkflowUpdateStageCompleted}})
	if err != nil {
		t.Fatal(err)
	}
	var res workflows.Result
	if err := h.Get(ctx, &res); err != nil {
		t.Fatalf("created: %v", err)
	}
	img := whitePNG(300, 400)
	for _, rule := range in.Checklist {
		if rule.Required {
			rs.attach(t, in, rule.DocType, img)
		}
	}
}

// attach uploads data as a document of type dt and attaches it.
func (rs *realStack) attach(t *testing.T, in workflows.ApplicationInput, dt skillcert.DocType, data []byte) workflows.AttachDocumentResult {
	t.Helper()
	ctx := context.Background()
	docID := uuid.NewString()
	key := "applications/" + in.ApplicationID + "/" + docID
	if _, err := rs.store.Put(ctx, key, data, "image/png"); err != nil {
		t.Fatal(err)
	}
	if _, err := rs.pool.Exec(ctx, `INSERT INTO documents (id, application_id, doc_type, object_key, filename, declared_type, declared_size, created_by)
		VALUES ($1, $2, $3, $4, 'x.png', 'image/png', $5, $6)`, docID, in.ApplicationID, dt, key, len(data), in.ApplicantID); err != nil {
		t.Fatal(err)
	}
	var att workflows.AttachDocumentResult
	rs.update(t, in.ApplicationID, workflows.UpdateAttachDocument, workflows.AttachDocumentRequest{DocumentID: docID, DocType: dt, ObjectKey: key, Actor: in.Actor}, &att)
	return att
}

// repeatCallback sends the payment confirmation n more times; each must be refused as a duplicate.
func (rs *realStack) repeatCallback(t *testing.T, appID string, pay workflows.ConfirmPaymentRequest, n int) {
	t.Helper()
	ctx := context.Background()
	for range n {
		h, err := rs.client.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: workflows.WorkflowID(appID),
			UpdateName: workflows.UpdateConfirmPayment, Args: []any{pay}, WaitForStage: client.WorkflowUpdateStageCompleted})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		var appErr *temporal.ApplicationError
		if !errors.As(err, &appErr) || appErr.Type() != workflows.ErrDuplicatePayment {
			t.Fatalf("repeated callback: %v, want a %s refusal", err, workflows.ErrDuplicatePayment)
		}
	}
}

// events returns the workflow's history.
func (rs *realStack) events(t *testing.T, appID string) []*history.HistoryEvent {
	t.Helper()
	iter := rs.client.GetWorkflowHistory(context.Background(), workflows.WorkflowID(appID), "", false, enums.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var out []*history.HistoryEvent
	for iter.HasNext() {
		ev, err := iter.Next()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, ev)
	}
	return out
}

func countEvents(events []*history.HistoryEvent, typ enums.EventType) int {
	n := 0
	for _, e := range events {
		if e.GetEventType() == typ {
			n++
		}
	}
	return n
}

// replayEvents replays a history against the current code.
func replayEvents(t *testing.T, events []*history.HistoryEvent) error {
	t.Helper()
	cdc, err := codec.Parse(codec.DevKeyring)
	if err != nil {
		t.Fatal(err)
	}
	r, err := worker.NewWorkflowReplayerWithOptions(worker.WorkflowReplayerOptions{DataConverter: cdc.DataConverter(), FailureConverter: cdc.FailureConverter()})
	if err != nil {
		t.Fatal(err)
	}
	r.RegisterWorkflow(workflows.ApplicationWorkflow)
	return r.ReplayWorkflowHistory(nil, &history.History{Events: events})
}

// holidayCalendar declares every day from Oct 1 to Nov 30 of year an off day.
func holidayCalendar(t *testing.T, year int) *skillcert.Calendar {
	t.Helper()
	var days []string
	for d := time.Date(year, 10, 1, 0, 0, 0, 0, time.UTC); d.Month() < 12; d = d.AddDate(0, 0, 1) {
		days = append(days, fmt.Sprintf(`{"name":"测试","date":%q,"isOffDay":true}`, d.Format("2006-01-02")))
	}
	cal, err := skillcert.NewCalendar([]byte(fmt.Sprintf(`{"year":%d,"papers":["test"],"days":[%s]}`, year, strings.Join(days, ","))))
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// TestLongLivedCaseOnRealStack drives a new execution through payment into scoring with an exam held 40
// days ago, so the skill-score deadline (counted in working days and recorded as a side effect) has
// passed and the case escalates at once. Then:
//   - ten repeated payment callbacks are refused by the validator and add no event;
//   - the reminder timer that lost its race to the payment was cancelled (TimerCanceled);
//   - the history replays with a changed calendar, changed eligibility conditions and a validator that
//     refuses everything, because deadlines and verdicts are recorded and handlers only recheck races.
func TestLongLivedCaseOnRealStack(t *testing.T) {
	rs := startReal(t)
	ctx := context.Background()
	appID := uuid.NewString()
	in := rs.longLivedInput(appID)
	rs.startCase(t, in)
	applicant := in.Actor
	var res workflows.Result
	rs.update(t, appID, workflows.UpdateSubmit, workflows.ActorRequest{Actor: applicant}, &res)
	rs.update(t, appID, workflows.UpdateCompleteTask, workflows.CompleteTaskRequest{TaskID: rs.openTask(t, appID, skillcert.TaskPreliminaryReview), Decision: "approve", Actor: rs.actor("city1", skillcert.RoleCityReviewer)}, &res)
	rs.update(t, appID, workflows.UpdateCompleteTask, workflows.CompleteTaskRequest{TaskID: rs.openTask(t, appID, skillcert.TaskReReview), Decision: "approve", Actor: rs.actor("prov1", skillcert.RoleProvincialReviewer)}, &res)
	var order workflows.PaymentOrder
	rs.update(t, appID, workflows.UpdateCreatePaymentOrder, workflows.ActorRequest{Actor: applicant}, &order)
	pay := workflows.ConfirmPaymentRequest{OrderID: order.OrderID, TransactionID: "tx-" + appID, AmountFen: order.AmountFen, PaidAt: time.Now()}
	var paid workflows.ConfirmPaymentResult
	rs.update(t, appID, workflows.UpdateConfirmPayment, pay, &paid)

	before := len(rs.events(t, appID))
	rs.repeatCallback(t, appID, pay, 10)
	if after := len(rs.events(t, appID)); after != before {
		t.Fatalf("ten repeated callbacks added %d history events", after-before)
	}

	examAt := time.Now().Add(-40 * 24 * time.Hour)
	rs.update(t, appID, workflows.UpdateAssignExam, workflows.AssignExamRequest{SessionID: uuid.NewString(), Seat: 1, Venue: "包头职业技术学院", StartsAt: examAt, Actor: rs.actor("prov1", skillcert.RoleProvincialReviewer)}, &res)
	rs.update(t, appID, workflows.UpdateRecordAttendance, workflows.AttendanceRequest{Present: true, Actor: rs.actor("city1", skillcert.RoleCityReviewer)}, &res)
	var st workflows.State
	for deadline := time.Now().Add(20 * time.Second); !st.Escalated; time.Sleep(200 * time.Millisecond) {
		v, err := rs.client.QueryWorkflow(ctx, workflows.WorkflowID(appID), "", workflows.QueryState)
		if err != nil {
			t.Fatal(err)
		}
		if err := v.Get(&st); err != nil {
			t.Fatal(err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("skill scores not escalated: %+v", st)
		}
	}
	events := rs.events(t, appID)
	if n := countEvents(events, enums.EVENT_TYPE_TIMER_CANCELED); n == 0 {
		t.Fatal("no TimerCanceled event: the reminder timer that lost to the payment is still running")
	}
	if n := countEvents(events, enums.EVENT_TYPE_MARKER_RECORDED); n < 3 {
		t.Fatalf("%d markers, want the version, the eligibility verdict and the score deadline", n)
	}
	if err := replayEvents(t, events); err != nil {
		t.Fatalf("replay with unchanged data: %v", err)
	}
	restore := workflows.SetLiveRulesForTest(holidayCalendar(t, examAt.Year()), workflows.StricterRulesForTest())
	defer restore()
	if err := replayEvents(t, events); err != nil {
		t.Fatalf("replay with a changed calendar and changed conditions: %v", err)
	}
	restoreValidation := workflows.SetExtraValidationForTest(func(string, any) error { return errors.New("stricter validator") })
	defer restoreValidation()
	if err := replayEvents(t, events); err != nil {
		t.Fatalf("replay with a stricter validator: %v", err)
	}
	for _, rec := range loadCorpus(t) {
		if err := replay(t, rec.history, nil); err != nil {
			t.Fatalf("replay %s with changed data and a stricter validator: %v", rec.name, err)
		}
	}
}
