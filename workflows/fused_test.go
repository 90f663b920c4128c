package workflows

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/temporal"

	"skillcert"
	"skillcert/activities"
	"skillcert/inspect"
)

// TestFusedAttachRecordsWhatTheWorkflowKeeps: RecordStep completes the attach record with the verdict
// (contract.CompleteAttach) and the workflow applies the same rule to its state when it reads the verdict,
// so the checklist each attach step wrote is the checklist the workflow then holds: an accepted photo, a
// refused photo that must not replace it, a refused education certificate.
func TestFusedAttachRecordsWhatTheWorkflowKeeps(t *testing.T) {
	h := newHarness(t, baseInput(skillcert.Level5))
	h.inspect = func(in activities.InspectInput) inspect.Result {
		if in.DocumentID == docID(1) {
			return inspect.Result{Accepted: true, Kind: skillcert.KindJPEG, Size: 10, SHA256: "aa"}
		}
		return inspect.Result{Code: skillcert.EUNSUPPORTED, Reason: "文件类型不符", Size: 5, SHA256: "bb"}
	}
	var kept [][]ChecklistItem
	attach := func(id string, dt skillcert.DocType) *outcome {
		o := h.update(UpdateAttachDocument, AttachDocumentRequest{DocumentID: id, DocType: dt, ObjectKey: "k", Actor: applicant})
		h.at(time.Minute, func() { kept = append(kept, h.state().Checklist) })
		return o
	}
	good := attach(docID(1), skillcert.DocPhoto)
	bad := attach(docID(2), skillcert.DocPhoto)
	edu := attach(docID(3), skillcert.DocEducationCertificate)
	h.run()
	for _, o := range []*outcome{good, bad, edu} {
		mustAccept(t, "attach", o)
	}
	if r := bad.result.(AttachDocumentResult); r.Accepted || r.Code != skillcert.EUNSUPPORTED || r.Reason != "文件类型不符" {
		t.Fatalf("refused photo answered %+v", r)
	}
	want := []string{"created", "document_accepted", "document_rejected", "document_rejected"}
	if got := h.actions(); !slices.Equal(got, want) {
		t.Fatalf("actions %v, want %v", got, want)
	}
	checklists := make([][]ChecklistItem, len(h.records))
	for i, rec := range h.records {
		var v View
		if err := roundTrip(rec.Row.View, &v); err != nil {
			t.Fatal(err)
		}
		checklists[i] = v.Checklist
	}
	for i := range kept {
		if !slices.Equal(checklists[i+1], kept[i]) {
			t.Errorf("step %d (%s) wrote checklist %+v, the workflow then kept %+v", i+1, h.records[i+1].Action, checklists[i+1], kept[i])
		}
	}
	checklists = append(checklists, kept[len(kept)-1])
	item := func(dt skillcert.DocType) ChecklistItem {
		for _, it := range checklists[len(checklists)-1] {
			if it.DocType == dt {
				return it
			}
		}
		return ChecklistItem{}
	}
	if it := item(skillcert.DocPhoto); it.Status != DocAccepted || it.DocumentID != docID(1) || it.Reason != "" {
		t.Errorf("photo %+v: the accepted upload must stay", it)
	}
	if it := item(skillcert.DocEducationCertificate); it.Status != DocRejected || it.Reason != "文件类型不符" {
		t.Errorf("education certificate %+v", it)
	}
	if d, _ := h.records[2].Details.(map[string]any); d["document_id"] != docID(2) || d["sha256"] != "bb" || h.records[2].Reason != "文件类型不符" {
		t.Errorf("refusal audit: reason %q details %v", h.records[2].Reason, h.records[2].Details)
	}
}

// TestFusedStepFailureLeavesNoTrace: when a step's one local activity fails for good (here its projection
// write, permanently), neither its side effect nor its write happened, so the workflow goes back to the
// state before the update, raises no incident and refuses the update; the same request sent again
// succeeds with the sequence number the failed one would have had. Shown for the payment callback and for
// the confirming score entry that certifies (its certificate is not counted either).
func TestFusedStepFailureLeavesNoTrace(t *testing.T) {
	for _, action := range []string{"payment_confirmed", "score_confirmed"} {
		t.Run(action, func(t *testing.T) {
			h := newHarness(t, baseInput(skillcert.Level5))
			broken := true
			h.recordErr = func(rec activities.TransitionRecord) error {
				if broken && rec.Action == action && (action == "payment_confirmed" || rec.ToStatus == skillcert.StatusCertified) {
					broken = false
					return temporal.NewNonRetryableApplicationError("check violation", activities.ErrPermanent, errors.New("23514"))
				}
				return nil
			}
			var before, after State
			var failed, again *outcome
			snapshot := func(st *State) { h.at(time.Minute, func() { *st = h.state() }) }
			h.approveToPayment()
			order := h.update(UpdateCreatePaymentOrder, ActorRequest{Actor: applicant})
			pay := func() *outcome {
				o := &outcome{}
				h.at(time.Hour, func() {
					po := order.result.(PaymentOrder)
					h.env.UpdateWorkflow(UpdateConfirmPayment, "", capture(o), ConfirmPaymentRequest{OrderID: po.OrderID, TransactionID: "tx-1", AmountFen: po.AmountFen, PaidAt: start})
				})
				return o
			}
			confirmSkill := func() *outcome {
				return h.update(UpdateEnterScore, EnterScoreRequest{Component: skillcert.ComponentSkill, Score: score(85), Actor: city2})
			}
			if action == "payment_confirmed" {
				snapshot(&before)
				failed = pay()
				snapshot(&after)
				again = pay()
			} else {
				pay()
			}
			h.update(UpdateAssignExam, AssignExamRequest{SessionID: "f5000000-0000-4000-8000-000000000001", Seat: 7, Venue: "包头职业技术学院", StartsAt: start.Add(40 * 24 * time.Hour), Actor: prov1})
			h.update(UpdateRecordAttendance, AttendanceRequest{Present: true, Actor: city1})
			h.enterBoth(skillcert.ComponentTheory, prov1, prov2, 80)
			h.update(UpdateEnterScore, EnterScoreRequest{Component: skillcert.ComponentSkill, Score: score(85), Actor: city1})
			if action == "score_confirmed" {
				snapshot(&before)
				failed = confirmSkill()
				snapshot(&after)
				again = confirmSkill()
			} else {
				confirmSkill()
			}
			h.run()
			if !failed.done || failed.err == nil {
				t.Fatalf("the failed step reported success: %+v", failed)
			}
			mustAccept(t, "the same request again", again)
			if before.Seq == 0 || after.Status != before.Status || after.Seq != before.Seq || after.Incident != nil ||
				after.CertificateNumber != "" || len(after.Transactions) != len(before.Transactions) || (after.PaidAt == nil) != (before.PaidAt == nil) ||
				(after.Skill.Confirmed == nil) != (before.Skill.Confirmed == nil) {
				t.Fatalf("state after the failure %+v, want as before %+v", after, before)
			}
			if len(h.incidents) != 0 || h.issued != 1 || h.status() != skillcert.StatusCertified {
				t.Fatalf("incidents %v, certificates %d, status %s", h.incidents, h.issued, h.status())
			}
			if got := seqOf(h.records, action); got != before.Seq+1 {
				t.Fatalf("written with seq %d, want %d (the failed step's number)", got, before.Seq+1)
			}
		})
	}
}

// TestFusedCertificateNumberInRecord: the certificate issued in the step's transaction fills in the row,
// its view and the applicant's notification, and the workflow keeps the same number.
func TestFusedCertificateNumberInRecord(t *testing.T) {
	h := newHarness(t, baseInput(skillcert.Level5))
	h.approveToPayment()
	h.payAndSit()
	h.enterBoth(skillcert.ComponentTheory, prov1, prov2, 80)
	h.enterBoth(skillcert.ComponentSkill, city1, city2, 85)
	h.run()
	last := h.records[len(h.records)-1]
	const number = "S00001500000126" + "3" + "000001"
	var v View
	if err := roundTrip(last.Row.View, &v); err != nil {
		t.Fatal(err)
	}
	if last.ToStatus != skillcert.StatusCertified || last.Row.CertificateNumber != number || v.CertificateNumber != number ||
		len(last.Notifications) != 1 || !strings.Contains(last.Notifications[0].Message, "证书编号 "+number+"，") {
		t.Fatalf("certified record: status %s row %q view %q notes %+v", last.ToStatus, last.Row.CertificateNumber, v.CertificateNumber, last.Notifications)
	}
	if st := h.state(); st.CertificateNumber != number {
		t.Fatalf("workflow keeps %q", st.CertificateNumber)
	}
}

// seqOf is the sequence number of the last record of action.
func seqOf(recs []activities.TransitionRecord, action string) int64 {
	for i := len(recs) - 1; i >= 0; i-- {
		if recs[i].Action == action {
			return recs[i].Seq
		}
	}
	return -1
}

// TestFusedSkipsTheFirstUpsertWhenStartedWithSearchAttributes: the gateway starts the workflow with its
// search attributes (StartSearchAttributes), so a fused execution's created step does not upsert them
// again; without them (an older gateway) it does, and a status change always does. Lean executions
// upsert at creation either way, as their histories recorded.
func TestFusedSkipsTheFirstUpsertWhenStartedWithSearchAttributes(t *testing.T) {
	for _, c := range []struct {
		name         string
		startWithSA  bool
		lean         bool
		wantStatuses []string
	}{
		{"fused, started with them", true, false, []string{"withdrawn"}},
		{"fused, started without", false, false, []string{"draft", "withdrawn"}},
		{"lean, started with them", true, true, []string{"draft", "withdrawn"}},
	} {
		h := newHarness(t, baseInput(skillcert.Level5))
		if c.lean {
			h.preFused()
		}
		if c.startWithSA {
			if err := h.env.SetTypedSearchAttributesOnStart(StartSearchAttributes(h.in)); err != nil {
				t.Fatal(err)
			}
		}
		var statuses []string
		h.env.OnUpsertTypedSearchAttributes(mock.Anything).Run(func(args mock.Arguments) {
			sa, _ := args.Get(0).(temporal.SearchAttributes)
			if s, ok := sa.GetKeyword(searchStatus); ok {
				statuses = append(statuses, s)
			} else {
				t.Logf("upsert %T %v", args.Get(0), args.Get(0))
			}
		}).Return(nil)
		h.update(UpdateCreated, nil)
		h.update(UpdateWithdraw, ActorRequest{Actor: applicant, Reason: "工作调动"})
		h.run()
		if h.status() != skillcert.StatusWithdrawn || !slices.Equal(statuses, c.wantStatuses) {
			t.Errorf("%s: status %s, upserted statuses %v, want %v", c.name, h.status(), statuses, c.wantStatuses)
		}
	}
}

// TestFusedAttachOutageIsNotAVerdict: an attach step whose write keeps failing on a retryable error (the
// database down past the inspection's retry budget) fails with that activity error, which the gateway
// answers 503 (try again), not 422 (the file is bad); an upload refused for good (the document is not
// there) is answered 422 with its field. Neither leaves a trace in the checklist.
func TestFusedAttachOutageIsNotAVerdict(t *testing.T) {
	h := newHarness(t, baseInput(skillcert.Level5))
	h.recordErr = func(rec activities.TransitionRecord) error {
		switch d, _ := rec.Details.(map[string]any); {
		case d["document_id"] == docID(1):
			return errors.New("connection refused")
		case d["document_id"] == docID(2):
			return temporal.NewNonRetryableApplicationError("document not found", activities.ErrInvalid, nil)
		}
		return nil
	}
	down := h.update(UpdateAttachDocument, AttachDocumentRequest{DocumentID: docID(1), DocType: skillcert.DocPhoto, ObjectKey: "k", Actor: applicant})
	gone := h.update(UpdateAttachDocument, AttachDocumentRequest{DocumentID: docID(2), DocType: skillcert.DocPhoto, ObjectKey: "k", Actor: applicant})
	var st State
	h.at(time.Hour, func() { st = h.state() })
	h.at(time.Hour, func() { h.env.CancelWorkflow() })
	h.run()
	var actErr *temporal.ActivityError
	if !down.done || !errors.As(down.err, &actErr) || !transientFailure(down.err) {
		t.Fatalf("outage answered %v, want the step's retryable activity error", down.err)
	}
	mustRefuse(t, "a missing document", gone, skillcert.EINVALID)
	for _, it := range st.Checklist {
		if it.Status != DocMissing || st.Seq != 1 {
			t.Fatalf("a failed attach left %+v at seq %d", it, st.Seq)
		}
	}
}
