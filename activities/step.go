package activities

import (
	"context"
	"errors"
	"fmt"

	"skillcert/contract"
	"skillcert/schema/db"
)

// StepInput and StepResult are RecordStep's input and result.
type (
	StepInput  = contract.StepInput
	StepResult = contract.StepResult
)

// RecordStep runs one step of a fused execution (fused-2026-11): its side effect and its projection write
// in one transaction, so that a payment order, a payment or a certificate never counts without the step
// that records it, nor the step without it. An upload is inspected first, outside the transaction, exactly
// as InspectDocument inspects it (same sandbox and limits; the worker classifies the errors); its verdict
// completes the record (contract.CompleteAttach) and is written on the document row in the transaction.
// A certificate is issued inside the transaction and its number completes the record
// (contract.CompleteCertified). Every part is idempotent, so a retry after a lost answer (a local activity
// may run twice) writes nothing twice: the order and the payment are keyed by their IDs, the certificate by
// its application, the transition by its sequence number.
func (a *Activities) RecordStep(ctx context.Context, in StepInput) (StepResult, error) {
	var out StepResult
	rec := in.Record
	var ins *inspected
	if n := countEffects(in); n > 1 {
		return out, invalid("step %s #%d: %d side effects, at most one", rec.ApplicationID, rec.Seq, n)
	}
	if in.Inspect != nil {
		got, err := a.inspectUpload(ctx, *in.Inspect)
		if err != nil {
			return out, err
		}
		ins = &got
		v := inspectionOf(got)
		if err := contract.CompleteAttach(&rec, in.Inspect.Rule.DocType, in.Inspect.DocumentID, v); err != nil {
			return out, invalid("step %s #%d: %v", rec.ApplicationID, rec.Seq, err)
		}
		out.Inspection = &v
	}
	err := a.inTx(ctx, func(q *db.Queries) error {
		if err := writePayments(ctx, q, in); err != nil {
			return err
		}
		switch {
		case ins != nil:
			if err := ins.record(ctx, q); err != nil {
				return fmt.Errorf("record inspection of %s: %w", ins.doc.ID, err)
			}
		case in.Certificate != nil:
			number, err := a.issueCertificate(ctx, q, *in.Certificate)
			if err != nil {
				return err
			}
			if err := contract.CompleteCertified(&rec, number); err != nil {
				return invalid("step %s #%d: %v", rec.ApplicationID, rec.Seq, err)
			}
			out.CertificateNumber = number
		}
		return writeTransition(ctx, q, rec)
	})
	if err := a.transitionError(ctx, rec, err); err != nil {
		return StepResult{}, err
	}
	return out, nil
}

func countEffects(in StepInput) int {
	n := 0
	for _, set := range []bool{in.Inspect != nil, in.Order != nil, in.Payment != nil, in.Certificate != nil} {
		if set {
			n++
		}
	}
	return n
}

// writePayments writes the step's payment order or payment, if any, in q's transaction.
func writePayments(ctx context.Context, q *db.Queries, in StepInput) error {
	if in.Order != nil {
		if err := writeOrder(ctx, q, *in.Order); err != nil {
			return err
		}
	}
	if in.Payment != nil {
		return writePayment(ctx, q, *in.Payment)
	}
	return nil
}

// inspectionOf is the verdict as the workflow reads it.
func inspectionOf(ins inspected) contract.Inspection {
	r := ins.res
	return contract.Inspection{Kind: r.Kind, Size: r.Size, SHA256: r.SHA256, TextChars: r.TextChars, Accepted: r.Accepted, Code: r.Code, Reason: r.Reason}
}

// RestoreStep writes again what a completed RecordStep wrote, from its recorded input and result, when
// the projection is rebuilt (skillcert-admin reproject): the record completed with the recorded verdict or
// certificate number, the payment order or payment, and the certificate by RestoreCertificate (never
// numbered anew). It does not inspect the upload again (document rows are the gateway's, see
// InspectDocument). Without outbox, the step's notifications are left out. It is not an activity.
func RestoreStep(ctx context.Context, a *Activities, in StepInput, res StepResult, outbox bool) error {
	rec := in.Record
	if !outbox {
		rec.Notifications = nil
	}
	switch {
	case in.Inspect != nil:
		if res.Inspection == nil {
			return errors.New("restore step: the workflow got no inspection verdict")
		}
		if err := contract.CompleteAttach(&rec, in.Inspect.Rule.DocType, in.Inspect.DocumentID, *res.Inspection); err != nil {
			return fmt.Errorf("restore step: %w", err)
		}
	case in.Certificate != nil:
		if res.CertificateNumber == "" {
			return errors.New("restore step: the workflow got no certificate number")
		}
		if err := RestoreCertificate(ctx, a.Pool, a.CertSerialKey, *in.Certificate, res.CertificateNumber); err != nil {
			return err
		}
		if err := contract.CompleteCertified(&rec, res.CertificateNumber); err != nil {
			return fmt.Errorf("restore step: %w", err)
		}
	}
	err := a.inTx(ctx, func(q *db.Queries) error {
		if err := writePayments(ctx, q, in); err != nil {
			return err
		}
		return writeTransition(ctx, q, rec)
	})
	return a.transitionError(ctx, rec, err)
}
