package activities

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"go.temporal.io/sdk/temporal"

	"skillcert"
	"skillcert/contract"
	"skillcert/internal/outage"
	"skillcert/schema/db"
)

// ErrPermanent is the type of a non-retryable failure that Classify found permanent.
const ErrPermanent = contract.ErrPermanent

// Classify turns errors that no retry can fix into non-retryable ApplicationErrors of type ErrPermanent
// and returns every other error unchanged (transient: retried with backoff up to the workflow's limit).
// The worker applies it to every activity's error. A dependency's outage (outage.Is: Postgres, MinIO or the
// network down, a connection lost, a serialization failure) is transient even when a domain error wraps it
// (the object store's EUNAVAILABLE); SQLSTATE classes 22 and 23 and domain errors are permanent, except
// EINTERNAL, which says nothing about the input.
func Classify(err error) error {
	if err == nil {
		return nil
	}
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return err // already classified by the activity
	}
	if outage.Is(err) {
		return err
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && (strings.HasPrefix(pgErr.SQLState(), "22") || strings.HasPrefix(pgErr.SQLState(), "23")) {
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrPermanent, err, pgErr.SQLState())
	}
	var domErr *skillcert.Error
	if errors.As(err, &domErr) && domErr.Code != skillcert.EINTERNAL {
		return temporal.NewNonRetryableApplicationError(err.Error(), ErrPermanent, err, domErr.Code)
	}
	return err
}

// IncidentInput is an incident to record as an admin task.
type IncidentInput = contract.IncidentInput

// RecordIncident writes the incident's admin task and its details in one transaction; a repeat changes
// nothing.
func (a *Activities) RecordIncident(ctx context.Context, in IncidentInput) error {
	err := a.inTx(ctx, func(q *db.Queries) error {
		if err := q.InsertIncidentTask(ctx, db.InsertIncidentTaskParams{ID: in.TaskID, ApplicationID: in.ApplicationID,
			Region: in.Region, Seq: in.Seq, At: in.At}); err != nil {
			return fmt.Errorf("insert incident task: %w", err)
		}
		if err := q.InsertIncident(ctx, db.InsertIncidentParams{TaskID: in.TaskID, ApplicationID: in.ApplicationID,
			Action: in.Action, Error: in.Error, Seq: in.Seq, At: in.At}); err != nil {
			return fmt.Errorf("insert incident: %w", err)
		}
		return nil
	})
	return Classify(err)
}

// BatchDates are the windows of a batch as stored.
type BatchDates = contract.BatchDates

// LoadBatchWindows reads a batch's current windows, so that a deadline can follow a change whose signal
// never arrived.
func (a *Activities) LoadBatchWindows(ctx context.Context, batchID string) (BatchDates, error) {
	b, err := db.New(a.Pool).GetBatchWindows(ctx, batchID)
	if err != nil {
		return BatchDates{}, Classify(fmt.Errorf("read batch %s: %w", batchID, err))
	}
	return BatchDates{RegistrationClosesAt: b.RegistrationClosesAt, PaymentOpensAt: b.PaymentOpensAt,
		PaymentClosesAt: b.PaymentClosesAt, ExamStartsAt: b.ExamStartsAt}, nil
}
