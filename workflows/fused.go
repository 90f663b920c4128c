package workflows

import (
	"errors"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"skillcert"
	"skillcert/contract"
)

// effect is the side effect of a fused execution's step, written with its projection write in one local
// activity (contract.RecordStep) and one transaction: exactly one of its inputs is set.
type effect struct {
	inspect     *contract.InspectInput
	order       *contract.OrderInput
	payment     *contract.PaymentInput
	certificate *contract.IssueInput
	// before is the state before the handler changed it for this step; it is restored when the step
	// fails, because then neither the side effect nor the write happened.
	before State
	result contract.StepResult
}

// applyWithEffect is apply for a step with a side effect (fused executions only). The workflow builds the
// record as apply does; RecordStep completes it with what the side effect yields (the inspection verdict,
// the certificate number), writes both in one transaction and returns that result, which the history keeps
// in the step's one marker. A step that fails after its retries wrote nothing: the state goes back to
// e.before (sequence number included) and the update fails, with no incident to resolve. The search
// attributes change only once the step is written.
func (w *application) applyWithEffect(ctx workflow.Context, s step) (Result, error) {
	e := s.effect
	from, to, err := w.advance(ctx, s)
	if err != nil {
		w.st = e.before
		return Result{}, err
	}
	in := contract.StepInput{Record: w.transitionRecord(ctx, s, from, to), Inspect: e.inspect, Order: e.order,
		Payment: e.payment, Certificate: e.certificate}
	opts := w.stepOptions(e)
	lctx := workflow.WithLocalActivityOptions(ctx, workflow.LocalActivityOptions{
		StartToCloseTimeout: opts.StartToCloseTimeout, ScheduleToCloseTimeout: opts.ScheduleToCloseTimeout, RetryPolicy: opts.RetryPolicy,
	})
	if err := workflow.ExecuteLocalActivity(lctx, contract.RecordStep, in).Get(ctx, &e.result); err != nil {
		w.st = e.before
		return Result{}, err
	}
	if e.certificate != nil {
		w.st.CertificateNumber = e.result.CertificateNumber
	}
	if to != from {
		w.upsertSearchAttributes(ctx)
	}
	return Result{Status: to, Seq: w.st.Seq}, nil
}

// stepOptions bound a fused step: an inspection keeps its own limits (inspectOptions), and a permanent
// failure of either part is not retried; the other side effects keep sideEffectOptions.
func (w *application) stepOptions(e *effect) workflow.ActivityOptions {
	if e.inspect == nil {
		return sideEffectOptions()
	}
	opts := w.inspectOptions()
	retry := *opts.RetryPolicy
	retry.NonRetryableErrorTypes = []string{contract.ErrInvalid, contract.ErrPermanent}
	opts.RetryPolicy = &retry
	return opts
}

// attachFused inspects an upload and records the verdict in one step (fused executions), under the mutex:
// the record it writes depends on the state, so the inspection cannot run beside other updates. A slow
// inspection therefore holds up the case's other updates, within inspectOptions' bound (one minute per
// attempt, two in all). The verdict is applied to the checklist by the rule RecordStep applied to the
// record (skillcert.AttachOutcome).
func (w *application) attachFused(ctx workflow.Context, req AttachDocumentRequest) (AttachDocumentResult, error) {
	w.countUpload(req.DocType)
	rule, _ := w.ruleFor(req.DocType)
	e := &effect{inspect: &contract.InspectInput{ApplicationID: w.in.ApplicationID, DocumentID: req.DocumentID, Rule: rule}, before: w.st}
	r, err := w.apply(ctx, step{actor: req.Actor, effect: e})
	if transientFailure(err) {
		return AttachDocumentResult{}, err // an outage outlasted the retries: nothing was written, try again later (503)
	}
	res := e.result.Inspection
	if err != nil || res == nil {
		return AttachDocumentResult{}, refuse(skillcert.EINVALID, "材料检查失败，请重新上传", map[string]string{"document_id": req.DocumentID})
	}
	if it := w.item(req.DocType); it != nil {
		next, _ := skillcert.AttachOutcome(skillcert.DocumentState{Status: it.Status, DocumentID: it.DocumentID, Reason: it.Reason},
			req.DocumentID, res.Accepted, res.Reason)
		it.Status, it.DocumentID, it.Reason = next.Status, next.DocumentID, next.Reason
	}
	return AttachDocumentResult{DocumentID: req.DocumentID, Accepted: res.Accepted, Code: res.Code, Reason: res.Reason,
		Kind: string(res.Kind), Size: res.Size, SHA256: res.SHA256, TextChars: res.TextChars, Status: r.Status}, nil
}

// transientFailure reports whether err is a step that gave up on a failure a later attempt may not meet (a
// timeout, or retries exhausted on a retryable error), as the gateway reads it (503, try again).
func transientFailure(err error) bool {
	var timeout *temporal.TimeoutError
	var appErr *temporal.ApplicationError
	return errors.As(err, &timeout) || errors.As(err, &appErr) && !appErr.NonRetryable()
}

// issueInput is the certificate request of a certified application.
func (w *application) issueInput(ctx workflow.Context) contract.IssueInput {
	return contract.IssueInput{
		ApplicationID: w.in.ApplicationID, ApplicantID: w.in.ApplicantID, OccupationCode: w.in.OccupationCode,
		OccupationName: w.in.OccupationName, Level: w.in.Level, IssuedOn: skillcert.DateOf(workflow.Now(ctx)),
		SiteCode: w.in.Policy.SiteCode,
	}
}
