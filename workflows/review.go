package workflows

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/workflow"

	"skillcert"
	"skillcert/contract"
)

func applicantNote(w *application, kind, msg string) []contract.Notification {
	return []contract.Notification{{Kind: kind, RecipientRole: skillcert.RoleApplicant, RecipientID: w.in.ApplicantID, Message: msg}}
}

func revokeInput(applicationID, reason string, at time.Time) contract.RevokeInput {
	return contract.RevokeInput{ApplicationID: applicationID, Reason: reason, At: at}
}

func (w *application) ruleFor(dt skillcert.DocType) (skillcert.DocRule, bool) {
	for _, r := range w.in.Checklist {
		if r.DocType == dt {
			return r, true
		}
	}
	return skillcert.DocRule{}, false
}

func (w *application) item(dt skillcert.DocType) *ChecklistItem {
	for i := range w.st.Checklist {
		if w.st.Checklist[i].DocType == dt {
			return &w.st.Checklist[i]
		}
	}
	return nil
}

func (w *application) validateAttach(_ workflow.Context, req AttachDocumentRequest) error {
	if err := w.requireOwner(req.Actor); err != nil {
		return err
	}
	if err := w.requireStatus(skillcert.StatusDraft, skillcert.StatusCorrectionNeeded); err != nil {
		return err
	}
	if _, ok := w.ruleFor(req.DocType); !ok {
		return invalidInput("doc_type", "本申报不需要此类材料："+string(req.DocType))
	}
	if req.DocumentID == "" {
		return invalidInput("document_id", "缺少材料编号")
	}
	return w.uploadCapReached(req.DocType)
}

// MaxUploadsPerDocType bounds the uploads inspected for one document type of an application, so that
// the history of a case stays bounded whatever a client sends.
const MaxUploadsPerDocType = 10

func (w *application) uploadCapReached(dt skillcert.DocType) error {
	if w.st.Uploads[dt] >= MaxUploadsPerDocType {
		return invalidInput("doc_type", fmt.Sprintf("该类材料已上传%d次，达到上限，不能再上传；如需更正请联系审核人员", MaxUploadsPerDocType))
	}
	return nil
}

// missingDocuments lists required documents not yet accepted (or marked bad by a reviewer).
func (w *application) missingDocuments() map[string]string {
	missing := map[string]string{}
	for _, it := range w.st.Checklist {
		if it.Required && it.Status != DocAccepted {
			why := "未上传"
			switch it.Status {
			case DocRejected:
				why = "未通过检查：" + it.Reason
			case DocBad:
				why = "审核退回，需重新上传：" + it.Reason
			}
			missing[string(it.DocType)] = it.Label + why
		}
	}
	return missing
}

func (w *application) validateSubmit(ctx workflow.Context, req ActorRequest) error {
	if err := w.requireOwner(req.Actor); err != nil {
		return err
	}
	if err := w.requireStatus(skillcert.StatusDraft, skillcert.StatusCorrectionNeeded); err != nil {
		return err
	}
	// A correction may be resubmitted until its own deadline; a first submission only while registration is open.
	if w.st.Status == skillcert.StatusDraft && !workflow.Now(ctx).Before(w.in.Batch.RegistrationClosesAt) {
		return conflict("该批次报名已截止，不能再提交申报")
	}
	if missing := w.missingDocuments(); len(missing) > 0 {
		labels := make([]string, 0, len(missing))
		for _, it := range w.st.Checklist {
			if _, ok := missing[string(it.DocType)]; ok {
				labels = append(labels, it.Label)
			}
		}
		return refuse(skillcert.EINVALID, "申报材料不完整："+strings.Join(labels, "、"), missing)
	}
	return nil
}

func (w *application) submit(ctx workflow.Context, req ActorRequest) (Result, error) {
	event := skillcert.EventSubmit
	if w.st.Status == skillcert.StatusCorrectionNeeded {
		event = skillcert.EventResubmitPreliminary
		if w.st.ReturnedFrom == skillcert.StatusReReview {
			event = skillcert.EventResubmitReReview
		}
	}
	return w.apply(ctx, step{action: string(event), event: event, actor: req.Actor})
}

// currentTask returns the open task with id, if any.
func (w *application) currentTask(id string) (contract.TaskSpec, bool) {
	for _, t := range w.tasks() {
		if t.ID == id {
			return t, true
		}
	}
	return contract.TaskSpec{}, false
}

func (w *application) validateCompleteTask(ctx workflow.Context, req CompleteTaskRequest) error {
	if err := w.ready(); err != nil {
		return err
	}
	if err := w.recheckCompleteTask(ctx, req); err != nil {
		return err
	}
	if _, err := skillcert.ParseDecision("decision", string(req.Decision)); err != nil {
		return fromDomain(err)
	}
	if req.Decision != skillcert.DecisionApprove && strings.TrimSpace(req.Reason) == "" {
		return invalidInput("reason", "驳回或退回补正时必须填写原因")
	}
	for _, d := range req.Documents {
		if w.item(d.DocType) == nil {
			return invalidInput("documents", "本申报没有此类材料："+string(d.DocType))
		}
		if _, err := skillcert.ParseVerdict("documents", string(d.Verdict)); err != nil {
			return fromDomain(err)
		}
	}
	return nil
}

var reviewEvents = map[skillcert.Status]map[skillcert.Decision]skillcert.Event{
	skillcert.StatusPreliminaryReview: {skillcert.DecisionApprove: skillcert.EventPreliminaryApprove, skillcert.DecisionReject: skillcert.EventPreliminaryReject, skillcert.DecisionReturn: skillcert.EventPreliminaryReturn},
	skillcert.StatusReReview:          {skillcert.DecisionApprove: skillcert.EventReReviewApprove, skillcert.DecisionReject: skillcert.EventReReviewReject, skillcert.DecisionReturn: skillcert.EventReReviewReturn},
}

func (w *application) completeTask(ctx workflow.Context, req CompleteTaskRequest) (Result, error) {
	stage := w.st.Status
	if stage == skillcert.StatusPreliminaryReview {
		w.st.PreliminaryActors = append(w.st.PreliminaryActors, req.Actor.UserID)
	}
	for _, d := range req.Documents {
		if d.Verdict == skillcert.VerdictBad && req.Decision == skillcert.DecisionReturn {
			it := w.item(d.DocType)
			it.Status, it.Reason = DocBad, d.Reason
		}
	}
	s := step{action: stage.String() + "_" + string(req.Decision), event: reviewEvents[stage][req.Decision], actor: req.Actor,
		reason: req.Reason, completedTask: req.TaskID, details: map[string]any{"documents": req.Documents}}
	switch req.Decision {
	case skillcert.DecisionReturn:
		w.st.ReturnedFrom, w.st.ReturnedBy = stage, req.Actor.UserID
		s.notify = applicantNote(w, "returned", "您的申报被退回补正："+req.Reason+"。请在期限内补正材料后重新提交。")
	case skillcert.DecisionReject:
		w.st.Reasons = append(w.st.Reasons, req.Reason)
		s.notify = applicantNote(w, "rejected", "您的申报未通过"+stage.Label()+"："+req.Reason)
	case skillcert.DecisionApprove:
		if stage == skillcert.StatusReReview {
			s.notify = applicantNote(w, "approved", "您的申报已通过资格复审，请在缴费期限内缴费。")
		}
	}
	return w.apply(ctx, s)
}
