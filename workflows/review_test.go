package workflows

import (
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"

	"skillcert"
	"skillcert/activities"
	"skillcert/failure"
	"skillcert/inspect"
)

func TestReviewValidators(t *testing.T) {
	h := newHarness(t, baseInput(skillcert.Level4))
	h.attachAll()
	stranger := h.update(UpdateSubmit, ActorRequest{Actor: Actor{UserID: cityA, Role: skillcert.RoleApplicant}})
	h.update(UpdateSubmit, ActorRequest{Actor: applicant})
	lateUpload := h.update(UpdateAttachDocument, AttachDocumentRequest{DocumentID: docID(1), DocType: skillcert.DocPhoto, Actor: applicant})
	otherRegion := h.review(skillcert.TaskPreliminaryReview, cityOther, "approve", "")
	wrongRole := h.review(skillcert.TaskPreliminaryReview, prov1, "approve", "")
	noReason := h.review(skillcert.TaskPreliminaryReview, city1, "reject", " ")
	badDecision := h.review(skillcert.TaskPreliminaryReview, city1, "maybe", "x")
	stale := h.update(UpdateCompleteTask, CompleteTaskRequest{TaskID: "00000000-0000-4000-8000-000000000000", Decision: "approve", Actor: city1})
	approved := h.review(skillcert.TaskPreliminaryReview, city1, "approve", "")
	sameTaskAgain := &outcome{}
	h.at(time.Minute, func() {
		var prelimTask string
		for _, r := range h.records {
			for _, task := range r.Tasks {
				if task.Type == skillcert.TaskPreliminaryReview {
					prelimTask = task.ID
				}
			}
		}
		h.env.UpdateWorkflow(UpdateCompleteTask, "", capture(sameTaskAgain), CompleteTaskRequest{TaskID: prelimTask, Decision: "approve", Actor: city2})
	})
	samePerson := h.review(skillcert.TaskReReview, Actor{UserID: cityA, Role: skillcert.RoleProvincialReviewer}, "approve", "")
	rejected := h.review(skillcert.TaskReReview, prov1, "reject", "不符合申报条件")
	withdrawLate := h.update(UpdateWithdraw, ActorRequest{Actor: applicant})
	h.run()

	mustRefuse(t, "another applicant submits", stranger, skillcert.ENOTFOUND)
	mustRefuse(t, "upload after submission", lateUpload, skillcert.ECONFLICT)
	mustRefuse(t, "reviewer of another region", otherRegion, skillcert.EFORBIDDEN)
	mustRefuse(t, "provincial reviewer on a preliminary task", wrongRole, skillcert.EFORBIDDEN)
	mustRefuse(t, "reject without reason", noReason, skillcert.EINVALID)
	mustRefuse(t, "unknown decision", badDecision, skillcert.EINVALID)
	mustRefuse(t, "unknown task", stale, skillcert.ECONFLICT)
	mustAccept(t, "approve", approved)
	mustRefuse(t, "completed task again", sameTaskAgain, skillcert.ECONFLICT)
	mustRefuse(t, "same person re-reviews", samePerson, skillcert.EFORBIDDEN)
	mustAccept(t, "reject", rejected)
	if !h.env.IsWorkflowCompleted() {
		t.Fatal("rejected application still open")
	}
	if withdrawLate.done {
		t.Fatal("withdrawal reached a closed workflow")
	}
	last := h.records[len(h.records)-1]
	if last.ToStatus != skillcert.StatusRejected || last.Reason != "不符合申报条件" || last.ActorID != provA || len(last.Tasks) != 0 {
		t.Fatalf("last record %+v", last)
	}
	if last.CompletedTaskID == "" {
		t.Fatal("the decided task was not marked completed")
	}
}

func TestCorrectionGoesBackToTheReturningReviewer(t *testing.T) {
	h := newHarness(t, baseInput(skillcert.Level5))
	h.attachAll()
	h.update(UpdateSubmit, ActorRequest{Actor: applicant})
	h.review(skillcert.TaskPreliminaryReview, city1, "approve", "")
	ret := &outcome{}
	h.at(time.Hour, func() {
		h.env.UpdateWorkflow(UpdateCompleteTask, "", capture(ret), CompleteTaskRequest{TaskID: h.taskID(skillcert.TaskReReview)(), Decision: "return",
			Reason: "身份证反面不清晰", Documents: []DocumentVerdict{{DocType: skillcert.DocIDCardBack, Verdict: "bad", Reason: "不清晰"}}, Actor: prov2})
	})
	notFixed := h.update(UpdateSubmit, ActorRequest{Actor: applicant})
	h.update(UpdateAttachDocument, AttachDocumentRequest{DocumentID: docID(20), DocType: skillcert.DocIDCardBack, Actor: applicant})
	resubmit := h.update(UpdateSubmit, ActorRequest{Actor: applicant})
	var task activities.TaskSpec
	h.at(time.Hour, func() { task = h.records[len(h.records)-1].Tasks[0] })
	done := h.review(skillcert.TaskCorrectionReview, prov2, "approve", "")
	withdraw := h.update(UpdateWithdraw, ActorRequest{Actor: applicant})
	h.run()
	mustAccept(t, "return", ret)
	mustRefuse(t, "resubmit with a bad document", notFixed, skillcert.EINVALID)
	mustAccept(t, "resubmit", resubmit)
	if got := resubmit.result.(Result).Status; got != skillcert.StatusReReview {
		t.Fatalf("resubmitted to %s, want re_review", got)
	}
	if task.Type != skillcert.TaskCorrectionReview || task.AssigneeID != provB || task.Role != skillcert.RoleProvincialReviewer {
		t.Fatalf("correction task %+v", task)
	}
	mustAccept(t, "correction review", done)
	mustAccept(t, "withdraw", withdraw)
	var final skillcert.Status
	if err := h.env.GetWorkflowResult(&final); err != nil || final != skillcert.StatusWithdrawn {
		t.Fatalf("result %s %v", final, err)
	}
}

func TestRefusedDocumentDoesNotCountAndDoesNotReplace(t *testing.T) {
	h := newHarness(t, baseInput(skillcert.Level5))
	calls := 0
	h.inspect = func(in activities.InspectInput) inspect.Result {
		calls++
		if calls == 2 {
			return inspect.Result{Accepted: false, Code: skillcert.EUNSUPPORTED, Reason: "文件内容不是 JPEG/PNG/BMP 图片"}
		}
		return inspect.Result{Accepted: true, Kind: in.Rule.Kinds[0], Size: 10}
	}
	good := h.update(UpdateAttachDocument, AttachDocumentRequest{DocumentID: docID(1), DocType: skillcert.DocPhoto, Actor: applicant})
	bad := h.update(UpdateAttachDocument, AttachDocumentRequest{DocumentID: docID(2), DocType: skillcert.DocPhoto, Actor: applicant})
	unknown := h.update(UpdateAttachDocument, AttachDocumentRequest{DocumentID: docID(3), DocType: skillcert.DocTechnicalPaper, Actor: applicant})
	h.at(time.Hour, func() { h.env.CancelWorkflow() })
	h.run()
	mustAccept(t, "good photo", good)
	mustAccept(t, "bad photo is answered, not failed", bad)
	if r := bad.result.(AttachDocumentResult); r.Accepted || r.Code != skillcert.EUNSUPPORTED {
		t.Fatalf("bad photo result %+v", r)
	}
	mustRefuse(t, "document type not on the checklist", unknown, skillcert.EINVALID)
	var view View
	last := h.records[len(h.records)-1]
	if err := roundTrip(last.Row.View, &view); err != nil {
		t.Fatal(err)
	}
	for _, it := range view.Checklist {
		if it.DocType == skillcert.DocPhoto && (it.Status != DocAccepted || it.DocumentID != docID(1)) {
			t.Fatalf("photo item %+v: the accepted upload must stay", it)
		}
	}
}

func TestDuplicateAndIneligibleCreationProjectNothing(t *testing.T) {
	t.Run("duplicate", func(t *testing.T) {
		h := newHarness(t, baseInput(skillcert.Level5))
		h.recordErr = func(activities.TransitionRecord) error {
			return temporal.NewNonRetryableApplicationError("dup", activities.ErrDuplicate, nil, "11111111-1111-4111-8111-111111111111")
		}
		created := h.updateAfter(-h.next, UpdateCreated, nil)
		h.run()
		mustRefuse(t, "duplicate", created, skillcert.ECONFLICT)
		const existing = "11111111-1111-4111-8111-111111111111"
		if se, ok := failure.Decode(created.err); !ok || se.Extra["application_id"] != existing ||
			se.Fields["existing_application_id"] != existing || !strings.Contains(se.Message, existing) {
			t.Fatalf("the duplicate refusal does not carry the existing application whole: %+v", se)
		}
		if !h.env.IsWorkflowCompleted() {
			t.Fatal("duplicate workflow left running")
		}
	})
	t.Run("ineligible", func(t *testing.T) {
		in := baseInput(skillcert.Level1)
		in.Pathway = skillcert.PathwayLateral // 平转 to 一级 is never allowed
		in.PreviousCertificate.Level = skillcert.Level1
		h := newHarness(t, in)
		created := h.updateAfter(-h.next, UpdateCreated, nil)
		h.run()
		mustRefuse(t, "平转 to 一级", created, skillcert.EINVALID)
		if len(h.records) != 0 {
			t.Fatalf("ineligible application projected: %v", h.actions())
		}
	})
}

func TestSubmitAfterRegistrationClosedRefused(t *testing.T) {
	in := baseInput(skillcert.Level5)
	in.Batch.RegistrationClosesAt = start.Add(5 * time.Hour)
	h := newHarness(t, in)
	h.attachAll() // takes one hour per document
	late := h.update(UpdateSubmit, ActorRequest{Actor: applicant})
	h.at(time.Hour, func() { h.env.CancelWorkflow() })
	h.run()
	mustRefuse(t, "submission after registration closed", late, skillcert.ECONFLICT)
}

func TestPreliminaryReturnThenRejection(t *testing.T) {
	h := newHarness(t, baseInput(skillcert.Level5))
	h.attachAll()
	h.update(UpdateSubmit, ActorRequest{Actor: applicant})
	h.review(skillcert.TaskPreliminaryReview, city1, "return", "学历证书缺少盖章页")
	resubmit := h.update(UpdateSubmit, ActorRequest{Actor: applicant})
	var task activities.TaskSpec
	h.at(time.Hour, func() { task = h.records[len(h.records)-1].Tasks[0] })
	reject := h.review(skillcert.TaskCorrectionReview, city2, "reject", "学历证书与本人信息不符")
	h.run()
	mustAccept(t, "resubmit", resubmit)
	if got := resubmit.result.(Result).Status; got != skillcert.StatusPreliminaryReview {
		t.Fatalf("resubmitted to %s, want preliminary_review", got)
	}
	if task.Type != skillcert.TaskCorrectionReview || task.AssigneeID != cityA || task.Role != skillcert.RoleCityReviewer {
		t.Fatalf("correction task %+v, want it assigned back to the returning reviewer", task)
	}
	mustAccept(t, "reject", reject)
	var final skillcert.Status
	if err := h.env.GetWorkflowResult(&final); err != nil || final != skillcert.StatusRejected {
		t.Fatalf("result %s %v, want rejected", final, err)
	}
}
