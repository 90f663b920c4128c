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

	"skillcert/objectstore"
	"skillcert/schema/db"
)

// ObjectStore is the document bucket as the activities use it; *objectstore.Store implements it.
type ObjectStore interface {
	// GetVersion reads one version of key (the current one when versionID is empty), refusing objects
	// larger than maxBytes with a *skillcert.Error ETOOLARGE and missing ones with ENOTFOUND; the info
	// names the version read.
	GetVersion(ctx context.Context, key, versionID string, maxBytes int64) ([]byte, objectstore.ObjectInfo, error)
	// Put stores data as a new version of key.
	Put(ctx context.Context, key string, data []byte, contentType string) (objectstore.ObjectInfo, error)
}

// Activities are the worker's side effects. Register a *Activities with the worker; workflows refer to
// its methods.
type Activities struct {
	Pool   *pgxpool.Pool
	Store  ObjectStore
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

// invalid returns a non-retryable failure (type ErrInvalid) with the formatted message.
func invalid(format string, args ...any) error {
	return temporal.NewNonRetryableApplicationError(fmt.Sprintf(format, args...), ErrInvalid, nil)
}
