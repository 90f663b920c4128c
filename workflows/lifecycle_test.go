package workflows

import (
	"slices"
	"testing"
	"time"

	"skillcert"
)

func score(v float64) skillcert.Score {
	s, err := skillcert.ParseScore(v)
	if err != nil {
		panic(err)
	}
	return s
}

// approveToPayment drives a draft through both reviews.
func (h *harness) approveToPayment() {
	h.attachAll()
	h.update(UpdateSubmit, ActorRequest{Actor: applicant})
	h.review(skillcert.TaskPreliminaryReview, city1, "approve", "")
	h.review(skillcert.TaskReReview, prov1, "approve", "")
}

func (h *harness) payAndSit() {
	order := h.update(UpdateCreatePaymentOrder, ActorRequest{Actor: applicant})
	h.at(time.Hour, func() {
		o := order.result.(PaymentOrder)
		h.env.UpdateWorkflow(UpdateConfirmPayment, "", noopCallback(), ConfirmPaymentRequest{OrderID: o.OrderID, TransactionID: "tx-1", AmountFen: o.AmountFen, PaidAt: start})
	})
	h.update(UpdateAssignExam, AssignExamRequest{SessionID: "f5000000-0000-4000-8000-000000000001", Seat: 7, Venue: "包头职业技术学院", StartsAt: start.Add(40 * 24 * time.Hour), Actor: prov1})
	h.update(UpdateRecordAttendance, AttendanceRequest{Present: true, Actor: city1})
}

func (h *harness) enterBoth(c skillcert.Component, first, second Actor, v float64) {
	h.update(UpdateEnterScore, EnterScoreRequest{Component: c, Score: score(v), Actor: first})
	h.update(UpdateEnterScore, EnterScoreRequest{Component: c, Score: score(v), Actor: second})
}

// TestSeniorWorkerCertified runs an execution started before the long-lived-2026-11 change (version
// DefaultVersion): certified, it stays open and a revoke update still works. New executions complete at
// certification (TestCertifiedWorkflowCompletes).
func TestSeniorWorkerCertified(t *testing.T) {
	h := newHarness(t, baseInput(skillcert.Level3))
	h.preLongLived()
	created := h.update(UpdateCreated, nil)
	early := h.update(UpdateSubmit, ActorRequest{Actor: applicant}) // checklist incomplete
	h.approveToPayment()
	h.payAndSit()
	h.enterBoth(skillcert.ComponentTheory, prov1, prov2, 72.5)
	h.enterBoth(skillcert.ComponentSkill, city1, city2, 60)
	h.at(time.Hour, func() {
		if got := h.status(); got != skillcert.StatusCertified {
			t.Errorf("status %s, want certified", got)
		}
	})
	revoke := h.update(UpdateRevoke, ActorRequest{Actor: admin, Reason: "学历证书系伪造"})
	h.run()

	mustAccept(t, "created", created)
	mustRefuse(t, "submit with missing documents", early, skillcert.EINVALID)
	mustAccept(t, "revoke", revoke)
	if !h.env.IsWorkflowCompleted() {
		t.Fatal("workflow still running after revocation")
	}
	var final skillcert.Status
	if err := h.env.GetWorkflowResult(&final); err != nil || final != skillcert.StatusRevoked {
		t.Fatalf("result %q %v, want revoked", final, err)
	}
	if h.issued != 1 || h.revoked != 1 {
		t.Fatalf("certificates issued %d revoked %d, want 1 and 1", h.issued, h.revoked)
	}
	var statuses []skillcert.Status
	for i, r := range h.records {
		if r.Seq != int64(i+1) {
			t.Fatalf("record %d has seq %d", i, r.Seq)
		}
		if r.FromStatus != "" || i == 0 {
			statuses = append(statuses, r.ToStatus)
		}
	}
	want := []skillcert.Status{"draft", "preliminary_review", "re_review", "awaiting_payment", "exam_scheduled", "scoring", "certified", "revoked"}
	if !slices.Equal(statuses, want) {
		t.Fatalf("statuses %v, want %v", statuses, want)
	}
}

func TestTechnicianThroughPanel(t *testing.T) {
	in := baseInput(skillcert.Level2)
	in.Policy.PanelSize = 3
	h := newHarness(t, in)
	h.approveToPayment()
	h.payAndSit()
	h.enterBoth(skillcert.ComponentTheory, prov1, prov2, 80)
	h.enterBoth(skillcert.ComponentSkill, city1, prov2, 61)
	sameEmployer := h.update(UpdateEvaluate, EvaluateRequest{Score: score(90), Actor: member("1", in.Employer)})
	first := h.update(UpdateEvaluate, EvaluateRequest{Score: score(70), Actor: member("2", "鄂尔多斯市林业局")})
	twice := h.update(UpdateEvaluate, EvaluateRequest{Score: score(75), Actor: member("2", "鄂尔多斯市林业局")})
	wrongRole := h.update(UpdateEvaluate, EvaluateRequest{Score: score(75), Actor: prov1})
	h.update(UpdateEvaluate, EvaluateRequest{Score: score(55), Actor: member("3", "赤峰市水利局")})
	last := h.update(UpdateEvaluate, EvaluateRequest{Score: score(58.5), Actor: member("4", "通辽市医院")})
	h.run()

	mustRefuse(t, "member from the applicant's employer", sameEmployer, skillcert.EFORBIDDEN)
	mustAccept(t, "first evaluation", first)
	mustRefuse(t, "member scoring twice", twice, skillcert.ECONFLICT)
	mustRefuse(t, "reviewer as committee", wrongRole, skillcert.EFORBIDDEN)
	mustAccept(t, "last evaluation", last)
	res := last.result.(EvaluateResult)
	// mean of 70, 55, 58.5 = 61.17 → 61.2 ≥ 60: certified.
	if res.Status != skillcert.StatusCertified || res.PanelCount != 3 {
		t.Fatalf("after panel: %+v", res)
	}
	var final skillcert.Status
	if err := h.env.GetWorkflowResult(&final); !h.env.IsWorkflowCompleted() || err != nil || final != skillcert.StatusCertified {
		t.Fatalf("after the panel: completed %v, result %q %v; want a completed certified workflow", h.env.IsWorkflowCompleted(), final, err)
	}
	if h.issued != 1 {
		t.Fatalf("issued %d certificates", h.issued)
	}
}

func TestPanelMeanBelowPassFails(t *testing.T) {
	in := baseInput(skillcert.Level1)
	in.Policy.PanelSize = 2
	h := newHarness(t, in)
	h.approveToPayment()
	h.payAndSit()
	h.enterBoth(skillcert.ComponentTheory, prov1, prov2, 80)
	h.enterBoth(skillcert.ComponentSkill, city1, city2, 80)
	h.update(UpdateEvaluate, EvaluateRequest{Score: score(60), Actor: member("2", "x")})
	last := h.update(UpdateEvaluate, EvaluateRequest{Score: score(59.8), Actor: member("3", "y")})
	h.run()
	mustAccept(t, "last evaluation", last)
	if got := last.result.(EvaluateResult).Status; got != skillcert.StatusFailed {
		t.Fatalf("mean 59.9: status %s, want failed", got)
	}
	if !h.env.IsWorkflowCompleted() || h.issued != 0 {
		t.Fatalf("completed %v issued %d", h.env.IsWorkflowCompleted(), h.issued)
	}
}

func TestScoreDoubleEntry(t *testing.T) {
	h := newHarness(t, baseInput(skillcert.Level4))
	h.approveToPayment()
	h.payAndSit()
	first := h.update(UpdateEnterScore, EnterScoreRequest{Component: skillcert.ComponentTheory, Score: score(70), Actor: prov1})
	self := h.update(UpdateEnterScore, EnterScoreRequest{Component: skillcert.ComponentTheory, Score: score(70), Actor: prov1})
	mismatch := h.update(UpdateEnterScore, EnterScoreRequest{Component: skillcert.ComponentTheory, Score: score(71), Actor: prov2})
	cityTheory := h.update(UpdateEnterScore, EnterScoreRequest{Component: skillcert.ComponentTheory, Score: score(70), Actor: city1})
	otherRegion := h.update(UpdateEnterScore, EnterScoreRequest{Component: skillcert.ComponentSkill, Score: score(70), Actor: cityOther})
	h.enterBoth(skillcert.ComponentTheory, prov2, prov1, 59.9)
	h.enterBoth(skillcert.ComponentSkill, city1, city2, 95)
	h.run()
	if got := first.result.(EnterScoreResult).State; got != ScoreAwaitingConfirmation {
		t.Fatalf("first entry: %s", got)
	}
	mustRefuse(t, "same operator confirms", self, skillcert.EFORBIDDEN)
	if got := mismatch.result.(EnterScoreResult).State; got != ScoreMismatch {
		t.Fatalf("mismatch: %s", got)
	}
	mustRefuse(t, "city reviewer enters theory", cityTheory, skillcert.EFORBIDDEN)
	mustRefuse(t, "city reviewer of another region", otherRegion, skillcert.EFORBIDDEN)
	var final skillcert.Status
	if err := h.env.GetWorkflowResult(&final); err != nil || final != skillcert.StatusFailed {
		t.Fatalf("theory 59.9: result %s %v, want failed", final, err)
	}
}
