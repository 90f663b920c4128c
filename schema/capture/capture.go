// Package capture is a db.DBTX that runs nothing: it keeps the SQL and the arguments the generated query
// code would send, so that tests and the load tester can EXPLAIN exactly the statements the gateway runs.
package capture

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// ErrCaptured is what every call returns: nothing was run.
var ErrCaptured = errors.New("captured")

// Statement records the last statement sent through it.
type Statement struct {
	SQL  string
	Args []any
}

// Exec implements db.DBTX.
func (c *Statement) Exec(_ context.Context, sql string, args ...any) (pgconn.CommandTag, error) {
	c.SQL, c.Args = sql, args
	return pgconn.CommandTag{}, ErrCaptured
}

// Query implements db.DBTX.
func (c *Statement) Query(_ context.Context, sql string, args ...any) (pgx.Rows, error) {
	c.SQL, c.Args = sql, args
	return nil, ErrCaptured
}

// QueryRow implements db.DBTX; scanning the row it returns fails with ErrCaptured.
func (c *Statement) QueryRow(_ context.Context, sql string, args ...any) pgx.Row {
	c.SQL, c.Args = sql, args
	return row{}
}

type row struct{}

func (row) Scan(...any) error { return ErrCaptured }
