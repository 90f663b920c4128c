package workflows

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"skillcert"
	"skillcert/activities"
)

// A batch change whose signal never arrived (the gateway stopped midway through its fan-out) still keeps
// the application alive: the workflow re-reads the batch before the payment deadline acts.
func TestStoredBatchChangeReachesCaseWithoutSignal(t *testing.T) {
	in := baseInput(skillcert.Level5)
	h := newHarness(t, in)
	later := in.Batch.PaymentClosesAt.Add(10 * 24 * time.Hour)
	h.storedBatch = &activities.BatchDates{RegistrationClosesAt: in.Batch.RegistrationClosesAt, PaymentOpensAt: in.Batch.PaymentOpensAt,
		PaymentClosesAt: later, ExamStartsAt: in.Batch.ExamStartsAt.Add(10 * 24 * time.Hour)}
	h.approveToPayment()
	var afterOldDeadline skillcert.Status
	h.env.RegisterDelayedCallback(func() { afterOldDeadline = h.status() }, in.Batch.PaymentClosesAt.Sub(start)+time.Hour)
	h.run()
	if afterOldDeadline != skillcert.StatusAwaitingPayment {
		t.Fatalf("after the old deadline: %s, want awaiting_payment", afterOldDeadline)
	}
	var final skillcert.Status
	if err := h.env.GetWorkflowResult(&final); err != nil || final != skillcert.StatusExpired {
		t.Fatalf("result %s %v, want expired", final, err)
	}
	if last := h.records[len(h.records)-1]; !last.At.Equal(later) {
		t.Fatalf("expired at %v, want the stored deadline %v", last.At, later)
	}
}

// The reminder timer loses its race to the payment: new executions cancel it, old ones leave it running.
func TestTimerThatLosesItsRaceIsCancelled(t *testing.T) {
	for _, old := range []bool{false, true} {
		h := newHarness(t, baseInput(skillcert.Level5))
		if old {
			h.preLongLived()
		}
		cancelled, beforeEnd := 0, 0
		h.env.SetOnTimerCanceledListener(func(string) { cancelled++ })
		h.approveToPayment()
		h.payAndSit()
		h.at(time.Hour, func() { beforeEnd = cancelled; h.env.CancelWorkflow() })
		h.run()
		if got := h.status(); got != skillcert.StatusScoring {
			t.Fatalf("old=%v: status %s", old, got)
		}
		if old && beforeEnd != 0 || !old && beforeEnd == 0 {
			t.Fatalf("old=%v: %d timers cancelled before the workflow was", old, beforeEnd)
		}
	}
}

// A changed rule applies to new cases: stricter conditions refuse the application, and a calendar with
// more holidays moves the correction deadline.
func TestChangedRulesApplyToNewCases(t *testing.T) {
	strict := StricterRulesForTest()
	restore := SetLiveRulesForTest(nil, strict)
	h := newHarness(t, baseInput(skillcert.Level5))
	created := h.updateAfter(-h.next, UpdateCreated, nil)
	h.run()
	restore()
	mustRefuse(t, "created under stricter conditions", created, skillcert.EINVALID)

	// 2026-07-01 is a Wednesday; five working days end on 07-08. With 07-02…07-10 off (and the weekend after), they end on 07-17.
	var days []string
	for d := 2; d <= 10; d++ {
		days = append(days, fmt.Sprintf(`{"name":"t","date":"2026-07-%02d","isOffDay":true}`, d))
	}
	cal, err := skillcert.NewCalendar([]byte(`{"year":2026,"papers":["t"],"days":[` + strings.Join(days, ",") + `]}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		cal  *skillcert.Calendar
		want skillcert.Date
	}{{nil, skillcert.Date{Year: 2026, Month: 7, Day: 8}}, {cal, skillcert.Date{Year: 2026, Month: 7, Day: 17}}} {
		restore := SetLiveRulesForTest(tc.cal, nil)
		h := newHarness(t, baseInput(skillcert.Level5))
		h.next = 0
		h.attachAll()
		h.update(UpdateSubmit, ActorRequest{Actor: applicant})
		h.review(skillcert.TaskPreliminaryReview, city1, "return", "照片不清晰")
		var due *time.Time
		h.at(time.Minute, func() {
			var st State
			v, _ := h.env.QueryWorkflow(QueryState)
			_ = v.Get(&st)
			due = st.CorrectionDueAt
			h.env.CancelWorkflow()
		})
		h.run()
		restore()
		if due == nil || skillcert.DateOf(*due) != tc.want {
			t.Fatalf("calendar %v: correction due %v, want %v", tc.cal != nil, due, tc.want)
		}
	}
}

// Uploads per document type are capped: the eleventh is refused before it reaches the history.
func TestUploadCapPerDocumentType(t *testing.T) {
	h := newHarness(t, baseInput(skillcert.Level5))
	dt := h.in.Checklist[0].DocType
	var outs []*outcome
	for i := range MaxUploadsPerDocType + 1 {
		outs = append(outs, h.update(UpdateAttachDocument, AttachDocumentRequest{DocumentID: docID(i), DocType: dt, ObjectKey: "k", Actor: applicant}))
	}
	h.at(time.Hour, func() { h.env.CancelWorkflow() })
	h.run()
	for i, o := range outs[:MaxUploadsPerDocType] {
		mustAccept(t, "upload "+string(rune('0'+i)), o)
	}
	mustRefuse(t, "upload over the cap", outs[MaxUploadsPerDocType], skillcert.EINVALID)
}

// A projection write that fails permanently raises an incident: an admin task, the case open until an admin
// decides; "retry" writes the failed step again and closes the incident.
func TestIncidentAfterPermanentFailure(t *testing.T) {
	for _, decision := range []string{IncidentRetry, IncidentAbandon} {
		h := newHarness(t, baseInput(skillcert.Level5))
		broken := true
		h.recordErr = func(rec activities.TransitionRecord) error {
			if broken && rec.Action == "withdraw" {
				return temporal.NewNonRetryableApplicationError("check violation", activities.ErrPermanent, errors.New("23514"))
			}
			return nil
		}
		withdraw := h.update(UpdateWithdraw, ActorRequest{Actor: applicant, Reason: "工作调动"})
		var openWhileIncident bool
		h.at(time.Hour, func() { openWhileIncident = !h.env.IsWorkflowCompleted() })
		wrongRole := &outcome{}
		resolved := &outcome{}
		h.at(time.Hour, func() {
			broken = false
			h.env.UpdateWorkflow(UpdateResolveIncident, "", capture(wrongRole), ResolveIncidentRequest{TaskID: h.incidents[0].TaskID, Decision: decision, Reason: "x", Actor: city1})
			h.env.UpdateWorkflow(UpdateResolveIncident, "", capture(resolved), ResolveIncidentRequest{TaskID: h.incidents[0].TaskID, Decision: decision, Reason: "已修复", Actor: admin})
		})
		h.run()
		if werr := h.env.GetWorkflowError(); werr != nil {
			t.Logf("workflow error: %v", werr)
		}
		if withdraw.err == nil {
			t.Fatalf("%s: the failed withdrawal reported success", decision)
		}
		if len(h.incidents) != 1 || h.incidents[0].Action != "withdraw" {
			t.Fatalf("%s: incidents %+v, withdraw %+v, records %v", decision, h.incidents, withdraw, h.actions())
		}
		if !openWhileIncident {
			t.Fatalf("%s: the workflow completed with an open incident", decision)
		}
		mustRefuse(t, "a city reviewer deciding an incident", wrongRole, skillcert.EFORBIDDEN)
		mustAccept(t, decision, resolved)
		var final skillcert.Status
		if err := h.env.GetWorkflowResult(&final); err != nil || final != skillcert.StatusWithdrawn {
			t.Fatalf("%s: result %s %v", decision, final, err)
		}
		actions := map[string]int{}
		for _, r := range h.records {
			actions[r.Action]++
		}
		if want := map[string]int{IncidentRetry: 1, IncidentAbandon: 0}[decision]; actions["withdraw"] != want || actions["incident_"+decision] != 1 {
			t.Fatalf("%s: records %v", decision, actions)
		}
	}
}

// A certified case that ends is revoked by RevocationWorkflow.
func TestRevocationWorkflow(t *testing.T) {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflow(RevocationWorkflow)
	env.RegisterActivity(&activities.Activities{})
	var got activities.RevocationInput
	env.OnActivity(acts.RevokeApplication, mock.Anything, mock.Anything).Return(func(_ context.Context, in activities.RevocationInput) (activities.RevocationResult, error) {
		got = in
		return activities.RevocationResult{Status: "revoked", Seq: 19, CertificateNumber: "S1"}, nil
	})
	env.ExecuteWorkflow(RevocationWorkflow, RevocationInput{ApplicationID: appID, Reason: "材料造假", Actor: admin})
	var res Result
	if err := env.GetWorkflowResult(&res); err != nil || res.Status != skillcert.StatusRevoked || res.Seq != 19 {
		t.Fatalf("result %+v %v", res, err)
	}
	if got.ApplicationID != appID || got.Reason != "材料造假" || got.ActorID != adminID || got.ActorRole != skillcert.RoleAdmin {
		t.Fatalf("activity input %+v", got)
	}
}

// A slow inspection does not hold the mutex in long-lived executions before fused-2026-11: a withdrawal
// sent while an upload is being inspected completes at once, and the upload is then refused (the case has
// moved on). Executions before long-lived-2026-11 inspect under the mutex, and so do fused executions (the
// inspection and the step that records it are one local activity, whose record depends on the state): the
// withdrawal waits for the inspection, and the upload is accepted first.
func TestSlowInspectionDoesNotHoldTheMutex(t *testing.T) {
	for _, version := range []string{"fused", "lean", "old"} {
		inspectDelay = 10 * time.Minute
		h := newHarness(t, baseInput(skillcert.Level5))
		inspectDelay = 0
		switch version {
		case "lean":
			h.preFused()
		case "old":
			h.preLongLived()
		}
		underMutex := version != "lean"
		attach := h.update(UpdateAttachDocument, AttachDocumentRequest{DocumentID: docID(0), DocType: h.in.Checklist[0].DocType, ObjectKey: "k", Actor: applicant})
		withdraw := h.updateAfter(time.Minute, UpdateWithdraw, ActorRequest{Actor: applicant, Reason: "工作调动"})
		var withdrawnBeforeInspection bool
		h.at(2*time.Minute, func() { withdrawnBeforeInspection = withdraw.done })
		h.run()
		mustAccept(t, "withdraw", withdraw)
		if withdrawnBeforeInspection == underMutex {
			t.Fatalf("%s: withdrawal done before the inspection ended: %v", version, withdrawnBeforeInspection)
		}
		if underMutex {
			mustAccept(t, "attach under the mutex", attach)
		} else {
			mustRefuse(t, "attach after the withdrawal", attach, skillcert.ECONFLICT)
		}
	}
}

// A certificate that could not be issued (its retries exhausted) leaves the confirming entry open again:
// the operator sends it again and the case is certified, instead of a confirmed score with no verdict.
func TestFailedCertificateIssueCanBeRetried(t *testing.T) {
	h := newHarness(t, baseInput(skillcert.Level5))
	fail := true
	h.issueErr = func() error {
		if fail {
			fail = false
			return temporal.NewNonRetryableApplicationError("registry down", activities.ErrPermanent, nil)
		}
		return nil
	}
	h.approveToPayment()
	h.payAndSit()
	h.enterBoth(skillcert.ComponentTheory, prov1, prov2, 80)
	h.update(UpdateEnterScore, EnterScoreRequest{Component: skillcert.ComponentSkill, Score: score(85), Actor: city1})
	failed := h.update(UpdateEnterScore, EnterScoreRequest{Component: skillcert.ComponentSkill, Score: score(85), Actor: city2})
	again := h.update(UpdateEnterScore, EnterScoreRequest{Component: skillcert.ComponentSkill, Score: score(85), Actor: city2})
	h.run()
	if failed.err == nil {
		t.Fatal("the entry whose certificate failed reported success")
	}
	mustAccept(t, "the same entry again", again)
	if r := again.result.(EnterScoreResult); r.State != ScoreConfirmed || r.Status != skillcert.StatusCertified {
		t.Fatalf("after the retry: %+v", r)
	}
}
