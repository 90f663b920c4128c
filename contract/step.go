package contract

import (
	"encoding/json"
	"fmt"
	"strings"

	"skillcert"
)

// RecordStep is the activity of fused executions (fused-2026-11) that runs a step's side effect and its
// projection write in one local activity and one transaction (StepInput).
const RecordStep = "RecordStep"

// CertificateNumberPlaceholder stands for the certificate number in the notifications of a step that issues
// the certificate: the number is drawn inside RecordStep's transaction, after the workflow built the record.
const CertificateNumberPlaceholder = "{certificate_number}"

// StepInput is one step of a fused execution: its projection write and at most one side effect, written
// in one transaction, so that neither counts without the other. A retry repeats both, idempotently.
//   - Inspect: the upload is inspected first (outside the transaction, as InspectDocument does); the
//     verdict completes Record (CompleteAttach) and is recorded on the document row in the transaction.
//   - Order, Payment: the payment order or the payment record, as CreatePaymentOrder and RecordPayment.
//   - Certificate: the certificate is issued in the transaction (IssueCertificate); its number completes
//     Record (CompleteCertified).
type StepInput struct {
	Record      TransitionRecord `json:"record"`
	Inspect     *InspectInput    `json:"inspect,omitempty"`
	Order       *OrderInput      `json:"order,omitempty"`
	Payment     *PaymentInput    `json:"payment,omitempty"`
	Certificate *IssueInput      `json:"certificate,omitempty"`
}

// StepResult is what the workflow learns from a step: the inspection verdict or the certificate number.
type StepResult struct {
	Inspection        *Inspection `json:"inspection,omitempty"`
	CertificateNumber string      `json:"certificate_number,omitempty"`
}

// CompleteAttach completes the record of an attach_document step with the inspection verdict v of the
// upload documentID of docType: the action, reason and details of the audit event, and the checklist
// item of docType in the row's view, by skillcert.AttachOutcome (the workflow applies the same rule to its
// state when it reads the verdict).
func CompleteAttach(rec *TransitionRecord, docType skillcert.DocType, documentID string, v Inspection) error {
	var action string
	err := patchView(&rec.Row, func(view map[string]json.RawMessage) error {
		var items []map[string]json.RawMessage
		if err := json.Unmarshal(view["checklist"], &items); err != nil {
			return fmt.Errorf("checklist: %w", err)
		}
		for _, it := range items {
			var dt skillcert.DocType
			var cur skillcert.DocumentState
			if json.Unmarshal(it["doc_type"], &dt) != nil || dt != docType {
				continue
			}
			for k, dst := range map[string]*string{"status": &cur.Status, "document_id": &cur.DocumentID, "reason": &cur.Reason} {
				if raw, ok := it[k]; ok {
					if err := json.Unmarshal(raw, dst); err != nil {
						return fmt.Errorf("checklist %s: %w", k, err)
					}
				}
			}
			var next skillcert.DocumentState
			next, action = skillcert.AttachOutcome(cur, documentID, v.Accepted, v.Reason)
			for k, val := range map[string]string{"status": next.Status, "document_id": next.DocumentID, "reason": next.Reason} {
				if val == "" {
					delete(it, k) // the view omits empty document IDs and reasons
					continue
				}
				it[k], _ = json.Marshal(val)
			}
			b, err := json.Marshal(items)
			view["checklist"] = b
			return err
		}
		return fmt.Errorf("no checklist item %s", docType)
	})
	if err != nil {
		return err
	}
	rec.Action, rec.Reason = action, v.Reason
	rec.Details = map[string]any{"document_id": documentID, "doc_type": docType, "sha256": v.SHA256, "size": v.Size, "kind": v.Kind}
	return nil
}

// CompleteCertified completes the record of a step that issued the certificate number: the row, its view
// and the placeholder in the notifications.
func CompleteCertified(rec *TransitionRecord, number string) error {
	err := patchView(&rec.Row, func(view map[string]json.RawMessage) error {
		b, err := json.Marshal(number)
		view["certificate_number"] = b
		return err
	})
	if err != nil {
		return err
	}
	rec.Row.CertificateNumber = number
	notes := make([]Notification, len(rec.Notifications)) // never write into the caller's slice
	for i, n := range rec.Notifications {
		n.Message = strings.ReplaceAll(n.Message, CertificateNumberPlaceholder, number)
		notes[i] = n
	}
	rec.Notifications = notes
	return nil
}

// patchView changes the row's view (a JSON object) with fn and stores it back as JSON.
func patchView(row *ApplicationRow, fn func(map[string]json.RawMessage) error) error {
	b, err := json.Marshal(row.View)
	if err != nil {
		return fmt.Errorf("encode view: %w", err)
	}
	var view map[string]json.RawMessage
	if err := json.Unmarshal(b, &view); err != nil || view == nil {
		return fmt.Errorf("view is not a JSON object: %s", b)
	}
	if err := fn(view); err != nil {
		return fmt.Errorf("complete view: %w", err)
	}
	out, err := json.Marshal(view)
	if err != nil {
		return fmt.Errorf("encode view: %w", err)
	}
	row.View = json.RawMessage(out)
	return nil
}
