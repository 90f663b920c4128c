package workflows

import (
	"go.temporal.io/sdk/workflow"

	"skillcert"
	"skillcert/contract"
)

// handle registers an update. Its validator runs before the update is accepted (a refusal never reaches
// the history) and never on replay, so validators may change freely. Under the mutex the handler runs
// recheck, which repeats only what an earlier update, a timer or the clock may have changed meanwhile
// (status, stale task, the same operator, an occupied panel): recheck is part of the recorded behaviour
// and changes only behind a version (VERSIONING.md).
func handle[Req, Res any](ctx workflow.Context, w *application, name string, validate, recheck func(workflow.Context, Req) error,
	run func(workflow.Context, Req) (Res, error)) error {
	return workflow.SetUpdateHandlerWithOptions(ctx, name, func(ctx workflow.Context, req Req) (Res, error) {
		var zero Res
		if err := w.mu.Lock(ctx); err != nil {
			return zero, err
		}
		defer w.mu.Unlock()
		if err := recheck(ctx, req); err != nil {
			return zero, err
		}
		return run(ctx, req)
	}, workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, req Req) error {
		if err := validate(ctx, req); err != nil {
			return err
		}
		return extraValidation(name, req)
	}})
}

// extraValidation runs after every validator. It accepts everything; tests set it to a stricter rule to
// prove that validators can change without breaking replay.
var extraValidation = func(string, any) error { return nil }

func (w *application) registerUpdates(ctx workflow.Context) error {
	err := workflow.SetUpdateHandler(ctx, UpdateCreated, func(ctx workflow.Context) (Result, error) {
		if err := workflow.Await(ctx, func() bool { return w.created }); err != nil {
			return Result{}, err
		}
		if w.createErr != nil {
			return Result{}, w.createErr
		}
		return Result{Status: w.st.Status, Seq: w.st.Seq}, nil
	})
	for _, register := range []func() error{
		func() error { return w.registerAttach(ctx) },
		func() error {
			return handle(ctx, w, UpdateSubmit, w.validateSubmit, w.recheckDraftOrCorrection, w.submit)
		},
		func() error { return handle(ctx, w, UpdateWithdraw, w.validateWithdraw, w.recheckNotFinal, w.withdraw) },
		func() error {
			return handle(ctx, w, UpdateCompleteTask, w.validateCompleteTask, w.recheckCompleteTask, w.completeTask)
		},
		func() error {
			return handle(ctx, w, UpdateCreatePaymentOrder, w.validateCreateOrder, w.recheckAwaitingPayment, w.createOrder)
		},
		func() error {
			return handle(ctx, w, UpdateConfirmPayment, w.validateConfirmPayment, w.recheckConfirmPayment, w.confirmPayment)
		},
		func() error {
			return handle(ctx, w, UpdateAssignExam, w.validateAssignExam, w.recheckExamScheduled, w.assignExam)
		},
		func() error {
			return handle(ctx, w, UpdateRecordAttendance, w.validateAttendance, w.recheckAttendance, w.recordAttendance)
		},
		func() error {
			return handle(ctx, w, UpdateEnterScore, w.validateEnterScore, w.recheckEnterScore, w.enterScore)
		},
		func() error { return handle(ctx, w, UpdateEvaluate, w.validateEvaluate, w.recheckEvaluate, w.evaluate) },
		func() error { return handle(ctx, w, UpdateRevoke, w.validateRevoke, w.recheckRevoke, w.revoke) },
		func() error {
			return handle(ctx, w, UpdateResolveIncident, w.validateResolveIncident, w.recheckResolveIncident, w.resolveIncident)
		},
	} {
		if err != nil {
			return err
		}
		err = register()
	}
	return err
}

// ready refuses every update but "created" until the draft exists, and all of them after a failed start.
func (w *application) ready() error {
	if !w.created {
		return conflict("申报正在创建，请稍后重试")
	}
	if w.createErr != nil {
		return refuse(skillcert.ENOTFOUND, "申报不存在", nil)
	}
	return nil
}

func (w *application) requireOwner(a Actor) error {
	if err := w.ready(); err != nil {
		return err
	}
	if a.Role != skillcert.RoleApplicant || a.UserID != w.in.ApplicantID {
		return refuse(skillcert.ENOTFOUND, "申报不存在", nil)
	}
	return nil
}

func (w *application) requireRole(a Actor, roles ...skillcert.Role) error {
	if err := w.ready(); err != nil {
		return err
	}
	for _, r := range roles {
		if a.Role != r {
			continue
		}
		if r == skillcert.RoleCityReviewer && a.Region != w.in.Region {
			return forbidden("该申报不属于您所在盟市")
		}
		return nil
	}
	return forbidden("您的角色不能执行此操作")
}

func (w *application) requireStatus(ss ...skillcert.Status) error {
	for _, s := range ss {
		if w.st.Status == s {
			return nil
		}
	}
	return refuse(skillcert.ECONFLICT, "申报当前状态为「"+w.st.Status.Label()+"」，不能执行此操作", map[string]string{"status": string(w.st.Status)})
}

func (w *application) validateWithdraw(_ workflow.Context, req ActorRequest) error {
	if err := w.requireOwner(req.Actor); err != nil {
		return err
	}
	if w.st.Status.Final() {
		return w.requireStatus() // always refuses, naming the status
	}
	return nil
}

func (w *application) withdraw(ctx workflow.Context, req ActorRequest) (Result, error) {
	return w.apply(ctx, step{action: "withdraw", event: skillcert.EventWithdraw, actor: req.Actor, reason: req.Reason})
}

func (w *application) validateRevoke(_ workflow.Context, req ActorRequest) error {
	if err := w.requireRole(req.Actor, skillcert.RoleAdmin); err != nil {
		return err
	}
	if req.Reason == "" {
		return invalidInput("reason", "请填写取消资格的原因")
	}
	if w.st.Status == skillcert.StatusRevoked {
		return conflict("该申报已被取消资格")
	}
	return nil
}

func (w *application) revoke(ctx workflow.Context, req ActorRequest) (Result, error) {
	if w.st.CertificateNumber != "" {
		in := revokeInput(w.in.ApplicationID, req.Reason, workflow.Now(ctx))
		if err := workflow.ExecuteActivity(activityContext(ctx), contract.RevokeCertificate, in).Get(ctx, nil); err != nil {
			return Result{}, err
		}
	}
	w.st.Reasons = append(w.st.Reasons, "取消资格："+req.Reason)
	return w.apply(ctx, step{action: "revoke", event: skillcert.EventRevoke, actor: req.Actor, reason: req.Reason,
		notify: applicantNote(w, "revoked", "经核查，您的申报存在伪造、瞒报或误报信息，已取消其考试资格、成绩及证书。原因："+req.Reason)})
}
