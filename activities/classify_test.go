package activities

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/minio/minio-go/v7"
	"go.temporal.io/sdk/temporal"

	"skillcert"
	"skillcert/objectstore"
)

// closedAddr is a local address nothing listens on: the port of a listener that was closed.
func closedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// hangUpAddr accepts connections and closes them at once: a server that dies under its clients.
func hangUpAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	return ln.Addr().String()
}

// realErrors are the errors the activities' dependencies really return when they are down, produced by
// the real client libraries against addresses where no server answers.
func realErrors(t *testing.T) map[string]error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	errs := map[string]error{}
	down, hangUp := closedAddr(t), hangUpAddr(t)

	_, errs["pgconn connect refused"] = pgconn.Connect(ctx, "postgres://skillcert@"+down+"/skillcert?sslmode=disable&connect_timeout=5")
	_, errs["pgconn connect hung up"] = pgconn.Connect(ctx, "postgres://skillcert@"+hangUp+"/skillcert?sslmode=disable&connect_timeout=5")
	pool, err := pgxpool.New(ctx, "postgres://skillcert@"+down+"/skillcert?sslmode=disable&connect_timeout=5")
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	errs["pgxpool query, database down"] = pool.QueryRow(ctx, "SELECT 1").Scan(new(int))
	errs["pgx transaction, database down"] = pgx.BeginFunc(ctx, pool, func(pgx.Tx) error { return nil })

	_, errs["objectstore open, MinIO down"] = objectstore.Open(ctx, objectstore.Config{Endpoint: down, Bucket: "skillcert-documents",
		AccessKey: "k", SecretKey: "secret-key"})
	_, errs["objectstore open, MinIO hung up"] = objectstore.Open(ctx, objectstore.Config{Endpoint: hangUp, Bucket: "skillcert-documents",
		AccessKey: "k", SecretKey: "secret-key"})
	mc, err := minio.New(down, &minio.Options{MaxRetries: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, errs["minio-go stat, MinIO down"] = mc.StatObject(ctx, "skillcert-documents", "k", minio.StatObjectOptions{})

	_, errs["net dial refused"] = net.Dial("tcp", down)
	dctx, dcancel := context.WithTimeout(ctx, time.Nanosecond)
	defer dcancel()
	<-dctx.Done()
	_, errs["net dial deadline"] = (&net.Dialer{}).DialContext(dctx, "tcp", down)
	for name, err := range errs {
		if err == nil {
			t.Fatalf("%s: no error; the test needs the real failure", name)
		}
	}
	return errs
}

// TestClassifyFamilies: for each family of activities, the errors its dependencies give when they are
// down are retried (transient), and the errors no retry can fix (bad data, constraint violations, domain
// refusals) fail at once (permanent). The worker's interceptor applies Classify to every activity.
func TestClassifyFamilies(t *testing.T) {
	real := realErrors(t)
	wrap := func(what string, err error) error { return fmt.Errorf("%s: %w", what, err) }
	pg := func(code string) error {
		return &pgconn.PgError{Severity: "ERROR", Code: code, Message: "sqlstate " + code}
	}
	s3 := func(status int, code string) error {
		return minio.ErrorResponse{StatusCode: status, Code: code, Message: code}
	}
	// objectstore's answer to a MinIO failure: its domain error wrapped around minio-go's.
	stored := func(code string, err error) error {
		return fmt.Errorf("read x: %w: %w", skillcert.Errorf(code, "对象存储"), err)
	}
	postgresDown := []string{"pgconn connect refused", "pgconn connect hung up", "pgxpool query, database down",
		"pgx transaction, database down", "net dial refused", "net dial deadline"}
	minioDown := []string{"objectstore open, MinIO down", "objectstore open, MinIO hung up", "minio-go stat, MinIO down",
		"net dial refused"}
	postgresTransient := map[string]error{
		"admin shutdown 57P01":       pg("57P01"),
		"cannot connect now 57P03":   pg("57P03"),
		"too many connections 53300": pg("53300"),
		"serialization 40001":        pg("40001"),
		"deadlock 40P01":             pg("40P01"),
		"connection failure 08006":   pg("08006"),
		"connection closed":          pgconn.ErrConnClosed,
		"context deadline":           context.DeadlineExceeded,
	}
	postgresPermanent := map[string]error{
		"unique violation 23505":      pg("23505"),
		"foreign key 23503":           pg("23503"),
		"check 23514":                 pg("23514"),
		"string too long 22001":       pg("22001"),
		"invalid text 22P02":          pg("22P02"),
		"already invalid (no retry)":  invalid("bad input"),
		"domain conflict":             skillcert.Errorf(skillcert.ECONFLICT, "已办结"),
		"domain invalid with a field": skillcert.FieldError(skillcert.EINVALID, "score", "超出范围"),
	}
	minioTransient := map[string]error{
		"503 XMinioServerNotInitialized": stored(skillcert.EUNAVAILABLE, s3(503, "XMinioServerNotInitialized")),
		"500 InternalError":              s3(500, "InternalError"),
		"503 SlowDown":                   s3(503, "SlowDown"),
		"objectstore EINTERNAL":          stored(skillcert.EINTERNAL, s3(403, "AccessDenied")),
	}
	minioPermanent := map[string]error{
		"missing object":   stored(skillcert.ENOTFOUND, s3(404, "NoSuchKey")),
		"object too large": skillcert.Errorf(skillcert.ETOOLARGE, "文件过大"),
	}
	families := []struct {
		name       string
		activities []string
		down       []string
		transient  []map[string]error
		permanent  []map[string]error
	}{
		{"projection and audit (Postgres)", []string{"RecordTransition", "RecordIncident", "LoadBatchWindows", "RevokeApplication"},
			postgresDown, []map[string]error{postgresTransient}, []map[string]error{postgresPermanent}},
		{"payments and notifications (Postgres)", []string{"CreatePaymentOrder", "RecordPayment", "Notify"},
			postgresDown, []map[string]error{postgresTransient}, []map[string]error{postgresPermanent}},
		{"documents (Postgres and MinIO)", []string{"InspectDocument"}, append(postgresDown, minioDown...),
			[]map[string]error{postgresTransient, minioTransient}, []map[string]error{postgresPermanent, minioPermanent}},
		{"certificates (Postgres and MinIO)", []string{"IssueCertificate", "RevokeCertificate"}, append(postgresDown, minioDown...),
			[]map[string]error{postgresTransient, minioTransient}, []map[string]error{postgresPermanent, minioPermanent}},
	}
	check := func(t *testing.T, family, name string, err error, wantPermanent bool) {
		t.Helper()
		got := Classify(wrap(family, err))
		var appErr *temporal.ApplicationError
		permanent := errors.As(got, &appErr) && appErr.NonRetryable()
		if permanent != wantPermanent {
			t.Errorf("%s: %s (%v): permanent = %v, want %v", family, name, err, permanent, wantPermanent)
		}
	}
	for _, f := range families {
		t.Run(f.name, func(t *testing.T) {
			for _, name := range f.down {
				check(t, f.name, name, real[name], false)
			}
			for _, m := range f.transient {
				for name, err := range m {
					check(t, f.name, name, err, false)
				}
			}
			for _, m := range f.permanent {
				for name, err := range m {
					check(t, f.name, name, err, true)
				}
			}
		})
	}
	if Classify(nil) != nil {
		t.Error("Classify(nil) is not nil")
	}
}

// TestRealErrorsAreConnectionFailures keeps realErrors honest: each is the failure to reach a server, not
// a refusal of the request before any connection (an invalid bucket name, a bad URL).
func TestRealErrorsAreConnectionFailures(t *testing.T) {
	for name, err := range realErrors(t) {
		var (
			opErr  *net.OpError
			urlErr *url.Error
		)
		if !errors.As(err, &opErr) && !errors.As(err, &urlErr) && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, io.ErrUnexpectedEOF) &&
			!errors.Is(err, io.EOF) && !strings.Contains(err.Error(), "connection reset") {
			t.Errorf("%s: %v is not a connection failure", name, err)
		}
	}
}
