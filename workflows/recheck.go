package workflows

import (
	"slices"

	"go.temporal.io/sdk/workflow"

	"skillcert"
)

// The rechecks run inside the update handlers, under the mutex, after the validator accepted the update.
// Each repeats only the part of its validator that another update, a timer or the clock can change
// between acceptance and execution. They are recorded behaviour: change them only behind a version.

func (w *application) recheckDraftOrCorrection(workflow.Context, ActorRequest) error {
	return w.requireStatus(skillcert.StatusDraft, skillcert.StatusCorrectionNeeded)
}

func (w *application) recheckAttach(_ workflow.Context, req AttachDocumentRequest) error {
	if err := w.requireStatus(skillcert.StatusDraft, skillcert.StatusCorrectionNeeded); err != nil {
		return err
	}
	if w.longLived() {
		return w.uploadCapReached(req.DocType)
	}
	return nil
}

func (w *application) recheckNotFinal(workflow.Context, ActorRequest) error {
	if w.st.Status.Final() {
		return w.requireStatus() // always refuses, naming the status
	}
	return nil
}

func (w *application) recheckCompleteTask(_ workflow.Context, req CompleteTaskRequest) error {
	task, ok := w.currentTask(req.TaskID)
	if !ok || (w.st.Status != skillcert.StatusPreliminaryReview && w.st.Status != skillcert.StatusReReview) {
		return conflict("该任务已完成或已失效")
	}
	if err := w.requireRole(req.Actor, task.Role); err != nil {
		return err
	}
	if w.st.Status == skillcert.StatusReReview && slices.Contains(w.st.PreliminaryActors, req.Actor.UserID) {
		return forbidden("资格初审和资格复审不能由同一人完成")
	}
	return nil
}

func (w *application) recheckAwaitingPayment(ctx workflow.Context, _ ActorRequest) error {
	if err := w.requireStatus(skillcert.StatusAwaitingPayment); err != nil {
		return err
	}
	if !workflow.Now(ctx).Before(w.paymentDue()) {
		return conflict("缴费期限已过")
	}
	return nil
}

func (w *application) recheckConfirmPayment(ctx workflow.Context, req ConfirmPaymentRequest) error {
	if slices.Contains(w.st.Transactions, req.TransactionID) {
		return nil // the handler answers a repeat as a duplicate
	}
	if err := w.requireStatus(skillcert.StatusAwaitingPayment); err != nil {
		return err
	}
	if !workflow.Now(ctx).Before(w.paymentDue()) {
		return conflict("缴费期限已过")
	}
	return nil
}

func (w *application) recheckExamScheduled(workflow.Context, AssignExamRequest) error {
	return w.requireStatus(skillcert.StatusExamScheduled)
}

func (w *application) recheckAttendance(workflow.Context, AttendanceRequest) error {
	if err := w.requireStatus(skillcert.StatusExamScheduled); err != nil {
		return err
	}
	if w.st.Exam == nil {
		return refuse(skillcert.EINVALID, "尚未安排考场，不能登记考试出勤", nil)
	}
	return nil
}

func (w *application) recheckEnterScore(_ workflow.Context, req EnterScoreRequest) error {
	if err := w.requireStatus(skillcert.StatusScoring); err != nil {
		return err
	}
	slot := w.slot(req.Component)
	if slot.Confirmed != nil {
		return conflict("该成绩已确认")
	}
	if slot.First != nil && slot.First.OperatorID == req.Actor.UserID {
		return forbidden("成绩须由另一名操作员复核录入")
	}
	return nil
}

func (w *application) recheckEvaluate(_ workflow.Context, req EvaluateRequest) error {
	if err := w.requireStatus(skillcert.StatusComprehensiveReview); err != nil {
		return err
	}
	if slices.ContainsFunc(w.st.Panel, func(e Evaluation) bool { return e.MemberID == req.Actor.UserID }) {
		return conflict("您已对该申报评分")
	}
	if len(w.st.Panel) >= w.in.Policy.PanelSize {
		return conflict("评审小组已满")
	}
	return nil
}

func (w *application) recheckRevoke(workflow.Context, ActorRequest) error {
	if w.st.Status == skillcert.StatusRevoked {
		return conflict("该申报已被取消资格")
	}
	return nil
}
