// Package activities holds every side effect of the application workflow: projection and audit writes,
// document inspection, payment records, certificate issuance and notifications. Each activity is
// idempotent: a retry after a crash changes nothing that the first attempt already did.
package activities

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/temporal"

	"skillcert/schema/db"
)

// Error types of non-retryable activity failures, read by the workflow.
const (
	ErrDuplicate = "duplicate" // another active application exists; details: its ID
	ErrInvalid   = "invalid"   // the input can never succeed
)

// ObjectReader reads an uploaded object back, refusing objects larger than maxBytes with a *skillcert.Error
// ETOOLARGE and missing ones with ENOTFOUND. The worker adapts the MinIO store to it.
type ObjectReader interface {
	ReadObject(ctx context.Context, key string, maxBytes int64) ([]byte, error)
}

// Activities are the worker's side effects. Register a *Activities with the worker; workflows refer to
// its methods.
type Activities struct {
	Pool   *pgxpool.Pool
	Store  ObjectReader
	Now    func() time.Time
	Logger *slog.Logger
	// CertSerialKey keys the permutation of certificate serials (skillcert.SerialPermutation); nil uses a
	// fixed development key. It must not change once certificates are issued.
	CertSerialKey []byte
}

// inTx runs fn in a transaction and commits it.
func (a *Activities) inTx(ctx context.Context, fn func(q *db.Queries) error) error {
	return pgx.BeginFunc(ctx, a.Pool, func(tx pgx.Tx) error { return fn(db.New(tx)) })
}

func (a *Activities) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// isUniqueViolation reports whether err is a unique violation of constraint (any when constraint is "").
func isUniqueViolation(err error, constraint string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == "23505" && (constraint == "" || pgErr.ConstraintName == constraint)
}

// invalid wraps err as a non-retryable failure.
func invalid(format string, args ...any) error {
	return temporal.NewNonRetryableApplicationError(fmt.Sprintf(format, args...), ErrInvalid, nil)
}
