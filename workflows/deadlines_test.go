package workflows

import (
	"testing"
	"time"

	"skillcert"
	"skillcert/activities"
)

func TestUnpaidApplicationExpiresByItself(t *testing.T) {
	h := newHarness(t, baseInput(skillcert.Level5))
	h.approveToPayment()
	h.run()
	var final skillcert.Status
	if err := h.env.GetWorkflowResult(&final); err != nil || final != skillcert.StatusExpired {
		t.Fatalf("result %s %v, want expired", final, err)
	}
	last := h.records[len(h.records)-1]
	if last.Action != string(skillcert.EventPaymentDeadline) || last.ActorRole != skillcert.RoleSystem {
		t.Fatalf("last record %+v", last)
	}
	if !last.At.Equal(h.in.Batch.PaymentClosesAt) {
		t.Fatalf("expired at %v, want the window's end %v", last.At, h.in.Batch.PaymentClosesAt)
	}
	if len(h.notes) != 1 || h.notes[0].Notification.Kind != "payment_reminder" {
		t.Fatalf("reminders %+v, want one payment reminder", h.notes)
	}
	if want := h.in.Batch.PaymentClosesAt.Add(-h.in.Policy.PaymentReminderBefore); !h.notes[0].At.Equal(want) {
		t.Fatalf("reminder at %v, want %v", h.notes[0].At, want)
	}
}

func TestWindowExtensionKeepsApplicationAlive(t *testing.T) {
	in := baseInput(skillcert.Level5)
	h := newHarness(t, in)
	h.approveToPayment()
	extended := in.Batch
	extended.PaymentClosesAt = in.Batch.PaymentClosesAt.Add(10 * 24 * time.Hour)
	extended.ExamStartsAt = in.Batch.ExamStartsAt.Add(10 * 24 * time.Hour)
	h.at(time.Hour, func() { h.env.SignalWorkflow(SignalBatchChanged, extended) })
	// Past the old deadline, the application still awaits payment and accepts it.
	var statusAfterOldDeadline skillcert.Status
	h.env.RegisterDelayedCallback(func() { statusAfterOldDeadline = h.status() }, in.Batch.PaymentClosesAt.Sub(start)+time.Hour)
	order := h.updateAfter(in.Batch.PaymentClosesAt.Sub(start)+2*time.Hour-h.next, UpdateCreatePaymentOrder, ActorRequest{Actor: applicant})
	h.run()
	if statusAfterOldDeadline != skillcert.StatusAwaitingPayment {
		t.Fatalf("after the old deadline: %s", statusAfterOldDeadline)
	}
	mustAccept(t, "payment order after extension", order)
	if got := order.result.(PaymentOrder).DueAt; !got.Equal(extended.PaymentClosesAt) {
		t.Fatalf("order due %v, want %v", got, extended.PaymentClosesAt)
	}
	var final skillcert.Status
	if err := h.env.GetWorkflowResult(&final); err != nil || final != skillcert.StatusExpired {
		t.Fatalf("result %s %v, want expired at the new deadline", final, err)
	}
	if last := h.records[len(h.records)-1]; !last.At.Equal(extended.PaymentClosesAt) {
		t.Fatalf("expired at %v, want %v", last.At, extended.PaymentClosesAt)
	}
}

func TestPaymentAmountAndOrderMustMatch(t *testing.T) {
	in := baseInput(skillcert.Level5)
	h := newHarness(t, in)
	h.approveToPayment()
	early := h.update(UpdateConfirmPayment, ConfirmPaymentRequest{OrderID: "nope", TransactionID: "tx-0", AmountFen: in.FeeFen})
	order := h.update(UpdateCreatePaymentOrder, ActorRequest{Actor: applicant})
	again := h.update(UpdateCreatePaymentOrder, ActorRequest{Actor: applicant})
	stranger := h.update(UpdateCreatePaymentOrder, ActorRequest{Actor: Actor{UserID: cityA, Role: skillcert.RoleApplicant}})
	wrongAmount := &outcome{}
	h.at(time.Hour, func() {
		o := order.result.(PaymentOrder)
		h.env.UpdateWorkflow(UpdateConfirmPayment, "", capture(wrongAmount), ConfirmPaymentRequest{OrderID: o.OrderID, TransactionID: "tx-0", AmountFen: o.AmountFen - 1})
	})
	h.run()
	mustRefuse(t, "unknown order", early, skillcert.EINVALID)
	mustRefuse(t, "amount mismatch", wrongAmount, skillcert.EINVALID)
	mustRefuse(t, "another applicant's order", stranger, skillcert.ENOTFOUND)
	if order.result.(PaymentOrder) != again.result.(PaymentOrder) || order.result.(PaymentOrder).AmountFen != in.FeeFen {
		t.Fatalf("orders differ: %+v vs %+v", order.result, again.result)
	}
	// After the deadline the workflow has closed: a late payment can no longer reach it (the gateway
	// answers 409 and records it for refund).
	if !h.env.IsWorkflowCompleted() {
		t.Fatal("workflow still open after the payment deadline")
	}
}

func TestDuplicatePaymentCallbackHarmless(t *testing.T) {
	h := newHarness(t, baseInput(skillcert.Level5))
	h.approveToPayment()
	order := h.update(UpdateCreatePaymentOrder, ActorRequest{Actor: applicant})
	first, second := &outcome{}, &outcome{}
	for _, o := range []*outcome{first, second} {
		h.at(time.Hour, func() {
			po := order.result.(PaymentOrder)
			h.env.UpdateWorkflow(UpdateConfirmPayment, "", capture(o), ConfirmPaymentRequest{OrderID: po.OrderID, TransactionID: "tx-1", AmountFen: po.AmountFen})
		})
	}
	h.at(time.Hour, func() { h.env.CancelWorkflow() })
	h.run()
	mustAccept(t, "first callback", first)
	// The repeat is refused by the validator, so it never reaches the history; the gateway answers it
	// from the refusal's details.
	mustRefuse(t, "repeated callback", second, ErrDuplicatePayment)
	n := 0
	for _, r := range h.records {
		if r.Action == "payment_confirmed" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("payment recorded %d times", n)
	}
}

func TestCorrectionDeadlineAbandons(t *testing.T) {
	h := newHarness(t, baseInput(skillcert.Level5))
	h.attachAll()
	h.update(UpdateSubmit, ActorRequest{Actor: applicant})
	ret := h.review(skillcert.TaskPreliminaryReview, city1, "return", "照片背景不是白色")
	h.run()
	mustAccept(t, "return", ret)
	var final skillcert.Status
	if err := h.env.GetWorkflowResult(&final); err != nil || final != skillcert.StatusAbandoned {
		t.Fatalf("result %s %v, want abandoned", final, err)
	}
	var due time.Time
	for _, r := range h.records {
		if r.ToStatus == skillcert.StatusCorrectionNeeded && r.Row.CorrectionDueAt != nil {
			due = *r.Row.CorrectionDueAt
		}
	}
	// Returned on Wed 2026-07-01 (+hours): 5 working days later is Wed 2026-07-08, end of day.
	want := time.Date(2026, 7, 8, 23, 59, 59, 0, skillcert.ChinaZone)
	if !due.Equal(want) {
		t.Fatalf("correction due %v, want %v", due, want)
	}
	if last := h.records[len(h.records)-1]; !last.At.Equal(want) && last.At.Before(want) {
		t.Fatalf("abandoned at %v, before the deadline %v", last.At, want)
	}
}

func TestNoShowAbandons(t *testing.T) {
	h := newHarness(t, baseInput(skillcert.Level5))
	h.approveToPayment()
	order := h.update(UpdateCreatePaymentOrder, ActorRequest{Actor: applicant})
	h.at(time.Hour, func() {
		o := order.result.(PaymentOrder)
		h.env.UpdateWorkflow(UpdateConfirmPayment, "", noopCallback(), ConfirmPaymentRequest{OrderID: o.OrderID, TransactionID: "t", AmountFen: o.AmountFen})
	})
	unseated := h.update(UpdateRecordAttendance, AttendanceRequest{Present: false, Actor: city1})
	h.update(UpdateAssignExam, AssignExamRequest{SessionID: "f5000000-0000-4000-8000-000000000001", Seat: 3, Venue: "v", StartsAt: start.Add(50 * 24 * time.Hour), Actor: prov1})
	other := h.update(UpdateRecordAttendance, AttendanceRequest{Present: false, Actor: cityOther})
	absent := h.update(UpdateRecordAttendance, AttendanceRequest{Present: false, Actor: city1})
	h.run()
	mustRefuse(t, "attendance before seating", unseated, skillcert.EINVALID)
	mustRefuse(t, "attendance by another region", other, skillcert.EFORBIDDEN)
	mustAccept(t, "absent", absent)
	var final skillcert.Status
	if err := h.env.GetWorkflowResult(&final); err != nil || final != skillcert.StatusAbandoned {
		t.Fatalf("result %s %v, want abandoned", final, err)
	}
}

func TestLateSkillScoresEscalateWithoutFailingTheApplicant(t *testing.T) {
	h := newHarness(t, baseInput(skillcert.Level5))
	h.approveToPayment()
	h.payAndSit() // exam on 2026-08-10 (start + 40 days); 10 working days later is 2026-08-24
	h.enterBoth(skillcert.ComponentTheory, prov1, prov2, 70)
	var statusAfterDue skillcert.Status
	due := time.Date(2026, 8, 24, 23, 59, 59, 0, skillcert.ChinaZone)
	h.env.RegisterDelayedCallback(func() { statusAfterDue = h.status() }, due.Sub(start)+time.Hour)
	h.env.RegisterDelayedCallback(func() { h.env.CancelWorkflow() }, due.Sub(start)+2*time.Hour)
	h.run()
	if statusAfterDue != skillcert.StatusScoring {
		t.Fatalf("after the due date: %s, want still scoring", statusAfterDue)
	}
	var escalation *activities.TransitionRecord
	for i := range h.records {
		if h.records[i].Action == "skill_scores_overdue" {
			escalation = &h.records[i]
		}
	}
	if escalation == nil {
		t.Fatalf("no escalation recorded: %v", h.actions())
	}
	if !escalation.At.Equal(due) || len(escalation.Notifications) != 1 || escalation.Notifications[0].RecipientRole != skillcert.RoleProvincialReviewer {
		t.Fatalf("escalation %+v", escalation)
	}
	for _, task := range escalation.Tasks {
		if task.Type == skillcert.TaskScoreEntry && task.Role == skillcert.RoleCityReviewer && (task.DueAt == nil || !task.DueAt.Equal(due)) {
			t.Fatalf("skill entry task due %v, want %v", task.DueAt, due)
		}
	}
}
