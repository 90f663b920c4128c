package main

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"skillcert/schema/capture"
)

// Plan is a query's plans: the custom plan Postgres makes for the given arguments (what EXPLAIN with
// parameters shows), and the generic plan it may switch to once the gateway's prepared statement has run
// five times (plan_cache_mode auto).
type Plan struct {
	Query       string   `json:"query"`
	SQL         string   `json:"sql"`
	Args        []string `json:"args"`
	CustomPlan  string   `json:"custom_plan"`
	GenericPlan string   `json:"generic_plan"`
}

// seqScanPattern finds sequential scans of the big tables.
var seqScanPattern = regexp.MustCompile(`(?m)Seq Scan on (applications|tasks|certificates|audit_events|exam_sessions|exam_seats)\b`)

// seqScans lists the big tables read sequentially in a plan text.
func seqScans(plan string) []string {
	var out []string
	for _, m := range seqScanPattern.FindAllStringSubmatch(plan, -1) {
		out = append(out, m[1])
	}
	return out
}

// explain runs EXPLAIN (ANALYZE, BUFFERS) of the captured statement with its arguments, and of its
// generic plan (PREPARE, plan_cache_mode = force_generic_plan, EXPLAIN EXECUTE with the arguments as literals).
func explain(ctx context.Context, pool *pgxpool.Pool, name string, c *capture.Statement) (Plan, error) {
	p := Plan{Query: name, SQL: strings.TrimSpace(c.SQL)}
	lits := make([]string, len(c.Args))
	for i, a := range c.Args {
		lit, err := literal(a)
		if err != nil {
			return p, fmt.Errorf("explain %s: argument %d: %w", name, i+1, err)
		}
		lits[i] = lit
	}
	p.Args = lits
	custom, err := planText(ctx, pool, "EXPLAIN (ANALYZE, BUFFERS) "+c.SQL, c.Args...)
	if err != nil {
		return p, fmt.Errorf("explain %s: %w", name, err)
	}
	p.CustomPlan = custom
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return p, fmt.Errorf("explain %s: %w", name, err)
	}
	defer conn.Release()
	stmt := "loadtest_" + strings.ToLower(regexp.MustCompile(`\W+`).ReplaceAllString(name, "_"))
	if _, err := conn.Exec(ctx, "PREPARE "+stmt+" AS "+c.SQL); err != nil {
		return p, fmt.Errorf("prepare %s: %w", name, err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "DEALLOCATE "+stmt) //nolint:errcheck // the session ends with the pool anyway
	if _, err := conn.Exec(ctx, "SET plan_cache_mode = force_generic_plan"); err != nil {
		return p, fmt.Errorf("generic plan %s: %w", name, err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "RESET plan_cache_mode") //nolint:errcheck // as above
	execute := "EXPLAIN (ANALYZE, BUFFERS) EXECUTE " + stmt
	if len(lits) > 0 {
		execute += "(" + strings.Join(lits, ", ") + ")"
	}
	if p.GenericPlan, err = planText(ctx, conn, execute); err != nil {
		return p, fmt.Errorf("generic plan %s: %w", name, err)
	}
	return p, nil
}

// querier is a pool or a connection.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// planText runs an EXPLAIN and joins its lines.
func planText(ctx context.Context, q querier, sql string, args ...any) (string, error) {
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return "", err
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n"), rows.Err()
}

// literal writes a query argument as an SQL literal for EXECUTE: NULL for nil pointers, quoted strings,
// numbers, booleans, timestamps, dates, text arrays.
func literal(v any) (string, error) {
	switch t := v.(type) {
	case nil:
		return "NULL", nil
	case string:
		return quote(t), nil
	case *string:
		if t == nil {
			return "NULL", nil
		}
		return quote(*t), nil
	case int32:
		return strconv.Itoa(int(t)), nil
	case *int32:
		if t == nil {
			return "NULL", nil
		}
		return strconv.Itoa(int(*t)), nil
	case int64:
		return strconv.FormatInt(t, 10), nil
	case *int64:
		if t == nil {
			return "NULL", nil
		}
		return strconv.FormatInt(*t, 10), nil
	case pgtype.Date: // the overdue filter of the exam-session list
		if !t.Valid {
			return "NULL", nil
		}
		return quote(t.Time.Format(time.DateOnly)) + "::date", nil
	case int:
		return strconv.Itoa(t), nil
	case bool:
		return strconv.FormatBool(t), nil
	case time.Time:
		return quote(t.UTC().Format(time.RFC3339Nano)) + "::timestamptz", nil
	case *time.Time: // keyset cursors: nil on the first page
		if t == nil {
			return "NULL", nil
		}
		return quote(t.UTC().Format(time.RFC3339Nano)) + "::timestamptz", nil
	case []string:
		if t == nil {
			return "NULL", nil
		}
		parts := make([]string, len(t))
		for i, s := range t {
			parts[i] = quote(s)
		}
		return "ARRAY[" + strings.Join(parts, ", ") + "]::text[]", nil
	}
	return "", fmt.Errorf("no literal for %T", v)
}

// quote is a standard-conforming SQL string literal.
func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }
