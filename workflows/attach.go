package workflows

import (
	"go.temporal.io/sdk/workflow"

	"skillcert"
	"skillcert/contract"
)

// registerAttach registers the attach_document update. Long-lived executions inspect the upload before
// taking the mutex (inspection reads only the object and the immutable rule), so a slow or retried
// inspection never holds up other updates or a deadline; older executions inspect under the mutex, as
// their histories recorded.
func (w *application) registerAttach(ctx workflow.Context) error {
	if w.fused() {
		return handle(ctx, w, UpdateAttachDocument, w.validateAttach, w.recheckAttach, w.attachFused)
	}
	if !w.longLived() {
		return handle(ctx, w, UpdateAttachDocument, w.validateAttach, w.recheckAttach, w.attach)
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateAttachDocument, func(ctx workflow.Context, req AttachDocumentRequest) (AttachDocumentResult, error) {
		res, inspectErr := w.inspectUpload(ctx, req)
		if err := w.mu.Lock(ctx); err != nil {
			return AttachDocumentResult{}, err
		}
		defer w.mu.Unlock()
		if err := w.recheckAttach(ctx, req); err != nil {
			return AttachDocumentResult{}, err
		}
		w.countUpload(req.DocType)
		return w.attachInspected(ctx, req, res, inspectErr)
	}, workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, req AttachDocumentRequest) error {
		if err := w.validateAttach(ctx, req); err != nil {
			return err
		}
		return extraValidation(UpdateAttachDocument, req)
	}})
}

// attach inspects an uploaded document under the mutex (executions before long-lived-2026-11).
func (w *application) attach(ctx workflow.Context, req AttachDocumentRequest) (AttachDocumentResult, error) {
	w.countUpload(req.DocType)
	res, err := w.inspectUpload(ctx, req)
	return w.attachInspected(ctx, req, res, err)
}

func (w *application) countUpload(dt skillcert.DocType) {
	if w.st.Uploads == nil {
		w.st.Uploads = map[skillcert.DocType]int{}
	}
	w.st.Uploads[dt]++
}

// inspectUpload checks the uploaded object's content against the document type's rule.
func (w *application) inspectUpload(ctx workflow.Context, req AttachDocumentRequest) (contract.Inspection, error) {
	rule, _ := w.ruleFor(req.DocType)
	var res contract.Inspection
	err := w.sideEffect(ctx, w.inspectOptions(), contract.InspectDocument, contract.InspectInput{
		ApplicationID: w.in.ApplicationID, DocumentID: req.DocumentID, Rule: rule,
	}, &res)
	return res, err
}

// attachInspected puts an inspected document on the checklist when it passed. A refused upload does not
// replace an earlier accepted one.
func (w *application) attachInspected(ctx workflow.Context, req AttachDocumentRequest, res contract.Inspection, inspectErr error) (AttachDocumentResult, error) {
	if inspectErr != nil {
		return AttachDocumentResult{}, refuse(skillcert.EINVALID, "材料检查失败，请重新上传", map[string]string{"document_id": req.DocumentID})
	}
	out := AttachDocumentResult{DocumentID: req.DocumentID, Accepted: res.Accepted, Code: res.Code, Reason: res.Reason,
		Kind: string(res.Kind), Size: res.Size, SHA256: res.SHA256, TextChars: res.TextChars}
	it := w.item(req.DocType)
	action := "document_rejected"
	if res.Accepted {
		action = "document_accepted"
		it.Status, it.DocumentID, it.Reason = DocAccepted, req.DocumentID, ""
	} else if it.Status != DocAccepted {
		it.Status, it.Reason = DocRejected, res.Reason
	}
	details := map[string]any{"document_id": req.DocumentID, "doc_type": req.DocType, "sha256": res.SHA256, "size": res.Size, "kind": res.Kind}
	r, err := w.apply(ctx, step{action: action, actor: req.Actor, reason: res.Reason, details: details})
	out.Status = r.Status
	return out, err
}
