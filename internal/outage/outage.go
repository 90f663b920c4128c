// Package outage decides whether an error means that a dependency (Postgres, MinIO, Temporal, the network
// between them) is unavailable, as opposed to a request that can never succeed. The gateway answers such
// errors 503 with Retry-After, and the worker retries the activity that met one: a database outage is an
// outage, never a 401, 404, 409, 422 or a permanent activity failure.
package outage

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/minio/minio-go/v7"
	"go.temporal.io/api/serviceerror"

	"skillcert"
)

// transientSQLStates are the SQLSTATE classes and codes that a retry can fix: connection exceptions (08),
// serialization failures and deadlocks (40001, 40P01), insufficient resources such as too many connections
// (53), operator intervention: shutdown, crash, recovery, a cancelled statement (57), and system errors
// (58, e.g. an I/O error).
var transientSQLStates = []string{"08", "40001", "40P01", "53", "57", "58"}

// Is reports whether err means a dependency could not be reached or could not serve for now.
func Is(err error) bool {
	if err == nil {
		return false
	}
	if skillcert.ErrorCode(err) == skillcert.EUNAVAILABLE {
		return true
	}
	var (
		unavailable *serviceerror.Unavailable
		deadline    *serviceerror.DeadlineExceeded
		exhausted   *serviceerror.ResourceExhausted
		connectErr  *pgconn.ConnectError
		opErr       *net.OpError
		dnsErr      *net.DNSError
		urlErr      *url.Error
		netErr      net.Error
		pgErr       *pgconn.PgError
		s3Err       minio.ErrorResponse
	)
	switch {
	case errors.As(err, &unavailable), errors.As(err, &deadline), errors.As(err, &exhausted),
		errors.As(err, &connectErr), errors.As(err, &opErr), errors.As(err, &dnsErr),
		errors.Is(err, context.DeadlineExceeded):
		return true
	case errors.Is(err, pgconn.ErrConnClosed), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.EPIPE),
		pgconn.Timeout(err):
		return true // a connection that died under a query, or a dial that failed
	case errors.As(err, &netErr) && netErr.Timeout():
		return true
	case errors.As(err, &urlErr) && urlErr.Op != "parse":
		return true // an HTTP client (minio-go's) got no answer: connection refused, reset, closed
	case errors.As(err, &pgErr):
		for _, s := range transientSQLStates {
			if strings.HasPrefix(pgErr.Code, s) {
				return true
			}
		}
		return false
	case errors.As(err, &s3Err):
		// An S3 answer: 5xx (InternalError, ServiceUnavailable, XMinioServerNotInitialized while the drives
		// come back) and SlowDown are the server's, not the request's.
		return s3Err.StatusCode >= http.StatusInternalServerError || s3Err.Code == "SlowDown" ||
			s3Err.Code == "XMinioServerNotInitialized"
	}
	return pgconn.SafeToRetry(err)
}
