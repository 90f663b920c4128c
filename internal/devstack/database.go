package devstack

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// NewDatabase creates an empty database on the stack's Postgres, named prefix plus a random suffix, and
// returns its URL and a function that drops it. Test packages sharing one stack use it to stay out of each
// other's way.
func (s *Stack) NewDatabase(ctx context.Context, prefix string) (string, func(context.Context) error, error) {
	suffix := make([]byte, 4)
	if _, err := rand.Read(suffix); err != nil {
		return "", nil, fmt.Errorf("random database name: %w", err)
	}
	name := databaseName(prefix, hex.EncodeToString(suffix))
	dbURL, err := withDatabase(s.DatabaseURL, name)
	if err != nil {
		return "", nil, err
	}
	admin := func(ctx context.Context, sql string) error {
		conn, err := pgx.Connect(ctx, s.DatabaseURL)
		if err != nil {
			return fmt.Errorf("connect to %s: %w", s.DatabaseURL, err)
		}
		defer conn.Close(ctx)
		_, err = conn.Exec(ctx, sql)
		return err
	}
	if err := admin(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		return "", nil, fmt.Errorf("create database %s: %w", name, err)
	}
	drop := func(ctx context.Context) error {
		if err := admin(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			return fmt.Errorf("drop database %s: %w", name, err)
		}
		return nil
	}
	return dbURL, drop, nil
}

// TestDatabase returns the URL of a new, empty database for test t, dropped when t ends.
func (s *Stack) TestDatabase(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	dbURL, drop, err := s.NewDatabase(ctx, t.Name())
	if err != nil {
		t.Fatalf("test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := drop(ctx); err != nil {
			t.Errorf("test database: %v", err)
		}
	})
	return dbURL
}

var notIdentifier = regexp.MustCompile(`[^a-z0-9_]+`)

// databaseName makes a Postgres identifier (lower case, at most 63 bytes) from prefix and suffix.
func databaseName(prefix, suffix string) string {
	p := strings.Trim(notIdentifier.ReplaceAllString(strings.ToLower(prefix), "_"), "_")
	if limit := 63 - len("t__") - len(suffix); len(p) > limit {
		p = p[:limit]
	}
	return "t_" + p + "_" + suffix
}

// withDatabase returns databaseURL with its database replaced by name.
func withDatabase(databaseURL, name string) (string, error) {
	u, err := url.Parse(databaseURL)
	if err != nil || u.Scheme == "" {
		return "", fmt.Errorf("database URL %q is not a URL", databaseURL)
	}
	u.Path = "/" + name
	u.RawPath = ""
	return u.String(), nil
}

// ExecWithoutTriggers runs sql in one transaction with the database's triggers off
// (session_replication_role = replica), as an operator editing the tables by hand would: tests use it to
// tamper with rows that triggers protect. It needs a superuser connection, as the stacks' URLs are.
func ExecWithoutTriggers(ctx context.Context, pool *pgxpool.Pool, sql string, args ...any) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, sql, args...); err != nil {
		return fmt.Errorf("%s: %w", sql, err)
	}
	return tx.Commit(ctx)
}
