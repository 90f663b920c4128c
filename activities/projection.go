package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/temporal"

	"skillcert"
	"skillcert/schema/db"
)

// RecordTransition writes rec in one transaction. The row and the tasks change only when rec.Seq is newer
// than what is stored, so a retried or late write never overwrites a newer one; the audit event and the
// notifications are keyed by (application, seq, action) and written once. The first write (seq 1) inserts
// the row; when the person already has an active application for that batch, occupation and level, it
// fails with the non-retryable error type ErrDuplicate whose details name that application. A status change
// moves the application between the statistics counters in the same transaction.
func (a *Activities) RecordTransition(ctx context.Context, rec TransitionRecord) error {
	return a.transitionError(ctx, rec, a.inTx(ctx, func(q *db.Queries) error { return writeTransition(ctx, q, rec) }))
}

// writeTransition is RecordTransition's work inside the caller's transaction.
func writeTransition(ctx context.Context, q *db.Queries, rec TransitionRecord) error {
	applied, err := writeRow(ctx, q, rec)
	if err != nil {
		return err
	}
	if applied {
		if err := writeTasks(ctx, q, rec); err != nil {
			return err
		}
	}
	for i, n := range rec.Notifications {
		if err := q.InsertNotification(ctx, db.InsertNotificationParams{
			DedupeKey:     fmt.Sprintf("%s:%d:%s:%d", rec.ApplicationID, rec.Seq, n.Kind, i),
			ApplicationID: &rec.ApplicationID,
			RecipientRole: string(n.RecipientRole),
			RecipientID:   optional(n.RecipientID),
			Kind:          n.Kind,
			Message:       n.Message,
			At:            rec.At,
		}); err != nil {
			return fmt.Errorf("insert notification: %w", err)
		}
	}
	// Last: the audit insert appends to the global hash chain under a transaction-level advisory lock
	// (migration 00030), which is then held only until this commit.
	return writeAudit(ctx, q, rec)
}

// transitionError turns the error of a transaction that wrote rec into the activity's error: a duplicate
// active application (the first write) becomes ErrDuplicate naming it.
func (a *Activities) transitionError(ctx context.Context, rec TransitionRecord, err error) error {
	if isUniqueViolation(err, "applications_one_active") {
		return a.duplicate(ctx, rec)
	}
	if err != nil {
		return fmt.Errorf("record transition %s #%d: %w", rec.ApplicationID, rec.Seq, err)
	}
	return nil
}

func (a *Activities) duplicate(ctx context.Context, rec TransitionRecord) error {
	existing, err := db.New(a.Pool).FindActiveDuplicate(ctx, db.FindActiveDuplicateParams{
		ApplicantID: rec.Row.ApplicantID, BatchID: rec.Row.BatchID, OccupationCode: rec.Row.OccupationCode,
		Level: int32(rec.Row.Level), ID: rec.ApplicationID,
	})
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("find duplicate: %w", err)
	}
	return temporal.NewNonRetryableApplicationError(skillcert.DuplicateApplication(existing).Message, ErrDuplicate, nil, existing)
}

func writeRow(ctx context.Context, q *db.Queries, rec TransitionRecord) (bool, error) {
	r := rec.Row
	view, err := json.Marshal(r.View)
	if err != nil {
		return false, invalid("encode view: %v", err)
	}
	var seat *int32
	if r.Seat > 0 {
		s := int32(r.Seat)
		seat = &s
	}
	if rec.Seq == 1 {
		n, err := q.InsertApplication(ctx, db.InsertApplicationParams{
			ID: rec.ApplicationID, ApplicantID: r.ApplicantID, BatchID: r.BatchID, Region: r.Region, Employer: r.Employer,
			OccupationCode: r.OccupationCode, Level: int32(r.Level), Pathway: string(r.Pathway), Status: r.Status, Seq: rec.Seq,
			View: view, PaymentDueAt: r.PaymentDueAt, CorrectionDueAt: r.CorrectionDueAt,
			ExamSessionID: optional(r.ExamSessionID), Seat: seat, CertificateNumber: optional(r.CertificateNumber), At: rec.At,
		})
		if err != nil {
			return false, fmt.Errorf("insert application: %w", err)
		}
		if n == 0 {
			return false, nil
		}
		return true, countStatusChange(ctx, q, rec.ApplicationID, "", string(r.Status))
	}
	old, err := q.UpdateApplication(ctx, db.UpdateApplicationParams{
		ID: rec.ApplicationID, Status: r.Status, Seq: rec.Seq, View: view, PaymentDueAt: r.PaymentDueAt,
		CorrectionDueAt: r.CorrectionDueAt, ExamSessionID: optional(r.ExamSessionID), Seat: seat,
		CertificateNumber: optional(r.CertificateNumber), At: rec.At,
	})
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil // a newer state is stored
	}
	if err != nil {
		return false, fmt.Errorf("update application: %w", err)
	}
	return true, countStatusChange(ctx, q, rec.ApplicationID, old, string(r.Status))
}

func writeAudit(ctx context.Context, q *db.Queries, rec TransitionRecord) error {
	var details []byte
	if rec.Details != nil {
		b, err := json.Marshal(rec.Details)
		if err != nil {
			return invalid("encode details: %v", err)
		}
		details = skillcert.BlindAuditDetails(rec.Action, b) // a first score entry is recorded without its score
	}
	err := q.InsertAuditEvent(ctx, db.InsertAuditEventParams{
		ApplicationID: rec.ApplicationID, Seq: rec.Seq, Action: rec.Action, At: rec.At,
		ActorID: optional(rec.ActorID), ActorRole: string(rec.ActorRole), FromStatus: optional(rec.FromStatus),
		ToStatus: optional(rec.ToStatus), Reason: optional(rec.Reason), Details: details,
	})
	if err != nil {
		return fmt.Errorf("insert audit event: %w", err)
	}
	return nil
}

func writeTasks(ctx context.Context, q *db.Queries, rec TransitionRecord) error {
	if rec.CompletedTaskID != "" {
		if err := q.CompleteTask(ctx, db.CompleteTaskParams{ID: rec.CompletedTaskID, At: &rec.At, CompletedBy: optional(rec.ActorID)}); err != nil {
			return fmt.Errorf("complete task: %w", err)
		}
	}
	keep := make([]string, 0, len(rec.Tasks))
	for _, t := range rec.Tasks {
		keep = append(keep, t.ID)
	}
	if err := q.CancelOtherTasks(ctx, db.CancelOtherTasksParams{At: &rec.At, ApplicationID: rec.ApplicationID, Keep: keep}); err != nil {
		return fmt.Errorf("cancel tasks: %w", err)
	}
	for _, t := range rec.Tasks {
		if err := q.InsertTask(ctx, db.InsertTaskParams{
			ID: t.ID, ApplicationID: rec.ApplicationID, Type: string(t.Type), AssigneeID: optional(t.AssigneeID), Role: string(t.Role),
			Region: t.Region, Seq: rec.Seq, At: rec.At, DueAt: t.DueAt,
		}); err != nil {
			return fmt.Errorf("insert task: %w", err)
		}
	}
	return nil
}

// optional is s as a nullable text column: nil when empty.
func optional[T ~string](s T) *string {
	if s == "" {
		return nil
	}
	v := string(s)
	return &v
}
