package activities

import (
	"context"
	"fmt"

	"skillcert/schema/db"
)

// CreatePaymentOrder registers a payment order so the payment platform's callback can be matched to it.
// Repeats keep one order and refresh its due time.
func (a *Activities) CreatePaymentOrder(ctx context.Context, in OrderInput) error {
	return writeOrder(ctx, db.New(a.Pool), in)
}

func writeOrder(ctx context.Context, q *db.Queries, in OrderInput) error {
	err := q.InsertPaymentOrder(ctx, db.InsertPaymentOrderParams{
		ID: in.OrderID, ApplicationID: in.ApplicationID, AmountFen: in.AmountFen, DueAt: in.DueAt, At: in.At,
	})
	if err != nil {
		return fmt.Errorf("create payment order %s: %w", in.OrderID, err)
	}
	return nil
}

// RecordPayment stores a payment once per transaction and marks its order paid when it was applied.
func (a *Activities) RecordPayment(ctx context.Context, in PaymentInput) error {
	return a.inTx(ctx, func(q *db.Queries) error { return writePayment(ctx, q, in) })
}

func writePayment(ctx context.Context, q *db.Queries, in PaymentInput) error {
	err := q.RecordPayment(ctx, db.RecordPaymentParams{
		TransactionID: in.TransactionID, OrderID: in.OrderID, ApplicationID: in.ApplicationID, AmountFen: in.AmountFen,
		PaidAt: in.PaidAt, Outcome: in.Outcome, Reason: optional(in.Reason),
	})
	if err == nil && in.Outcome == "applied" {
		err = q.MarkOrderPaid(ctx, in.OrderID)
	}
	if err != nil {
		return fmt.Errorf("record payment %s: %w", in.TransactionID, err)
	}
	return nil
}

// Notify puts a message in the outbox once per dedupe key.
func (a *Activities) Notify(ctx context.Context, in NotifyInput) error {
	n := in.Notification
	err := db.New(a.Pool).InsertNotification(ctx, db.InsertNotificationParams{
		DedupeKey: in.DedupeKey, ApplicationID: &in.ApplicationID, RecipientRole: string(n.RecipientRole),
		RecipientID: optional(n.RecipientID), Kind: n.Kind, Message: n.Message, At: in.At,
	})
	if err != nil {
		return fmt.Errorf("notify %s: %w", in.DedupeKey, err)
	}
	return nil
}
