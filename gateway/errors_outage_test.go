package gateway

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/minio/minio-go/v7"
	enumspb "go.temporal.io/api/enums/v1"
	failurepb "go.temporal.io/api/failure/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"skillcert"
	"skillcert/objectstore"
)

// activityFailure is an update's outcome as the client receives it when the workflow's handler returned an
// activity's failure whose cause is cause.
func activityFailure(cause error) error {
	fc := temporal.GetDefaultFailureConverter()
	f := &failurepb.Failure{Message: "activity error", Cause: fc.ErrorToFailure(cause),
		FailureInfo: &failurepb.Failure_ActivityFailureInfo{ActivityFailureInfo: &failurepb.ActivityFailureInfo{
			ActivityType: nil, ActivityId: "5", RetryState: enumspb.RETRY_STATE_MAXIMUM_ATTEMPTS_REACHED}}}
	return fmt.Errorf("update approve: %w", fc.FailureToError(f))
}

// TestClassifyOutages: what Postgres, MinIO and Temporal really return when they are down or overloaded
// answers 503 (with Retry-After, see handleError), never 401/404/409/422/500; bad data stays a client error
// and a bug stays 500.
func TestClassifyOutages(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := ln.Addr().String()
	ln.Close()
	_, pgDown := pgconn.Connect(ctx, "postgres://skillcert@"+down+"/skillcert?sslmode=disable&connect_timeout=5")
	pool, err := pgxpool.New(ctx, "postgres://skillcert@"+down+"/skillcert?sslmode=disable&connect_timeout=5")
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	poolDown := pool.QueryRow(ctx, "SELECT 1").Scan(new(int))
	_, minioDown := objectstore.Open(ctx, objectstore.Config{Endpoint: down, Bucket: "skillcert-documents", AccessKey: "k", SecretKey: "secret-key"})
	pg := func(code string) error {
		return fmt.Errorf("query: %w", &pgconn.PgError{Severity: "FATAL", Code: code})
	}
	unavailable := []struct {
		name string
		err  error
	}{
		{"pgconn connect refused", pgDown},
		{"pgxpool query, database down", poolDown},
		{"a token lookup, database down", fmt.Errorf("look up token: %w", poolDown)},
		{"admin shutdown 57P01", pg("57P01")},
		{"starting up 57P03", pg("57P03")},
		{"too many connections 53300", pg("53300")},
		{"serialization failure 40001", pg("40001")},
		{"connection lost", fmt.Errorf("read: %w", pgconn.ErrConnClosed)},
		{"objectstore, MinIO down", minioDown},
		{"minio 500 InternalError", fmt.Errorf("stat: %w", minio.ErrorResponse{StatusCode: 500, Code: "InternalError"})},
		{"internal error wrapping an outage", fmt.Errorf("%w: %w", skillcert.Errorf(skillcert.EINTERNAL, "出错"), poolDown)},
		{"temporal unavailable", serviceerror.NewUnavailable("connection refused")},
		{"temporal overloaded", serviceerror.NewResourceExhausted(enumspb.RESOURCE_EXHAUSTED_CAUSE_RPS_LIMIT, "busy")},
		{"update timed out", client.NewWorkflowUpdateServiceTimeoutOrCanceledError(context.DeadlineExceeded)},
		{"request deadline", fmt.Errorf("update: %w", context.DeadlineExceeded)},
		{"update's activity timed out", activityFailure(temporal.NewTimeoutError(enumspb.TIMEOUT_TYPE_START_TO_CLOSE, nil))},
		{"update's activity gave up on a transient error", activityFailure(temporal.NewApplicationError("connection refused", ""))},
	}
	for _, tc := range unavailable {
		if tc.err == nil {
			t.Fatalf("%s: no error", tc.name)
		}
		if status, body := classify(tc.err); status != 503 || body.Code != skillcert.EUNAVAILABLE {
			t.Errorf("%s (%v): %d %s, want 503 unavailable", tc.name, tc.err, status, body.Code)
		}
	}
	for _, tc := range []struct {
		name   string
		err    error
		status int
	}{
		{"unique violation", pg("23505"), 500},
		{"bad data", pg("22P02"), 500},
		{"update's activity failed for good", activityFailure(temporal.NewNonRetryableApplicationError("bad", "permanent", nil)), 500},
		{"minio access denied", fmt.Errorf("stat: %w", minio.ErrorResponse{StatusCode: 403, Code: "AccessDenied"}), 500},
		{"no such row", fmt.Errorf("read: %w", errors.New("plain")), 500},
		{"domain not found", errNotFound("申报"), 404},
		{"domain conflict", errConflict("已办结"), 409},
	} {
		if status, _ := classify(tc.err); status != tc.status {
			t.Errorf("%s: %d, want %d", tc.name, status, tc.status)
		}
	}
}
