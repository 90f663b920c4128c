package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/jackc/pgx/v5"
)

// unsafeCommitEnv names the benchmark switch that turns durable commits off in the load test's own private
// Postgres cluster. Nothing else honours it: `make dev` and `make test` always commit synchronously.
const unsafeCommitEnv = "SKILLCERT_BENCH_UNSAFE_COMMIT"

// unsafeCommitRequested reports whether SKILLCERT_BENCH_UNSAFE_COMMIT=1 is set; any other non-empty value is an
// error, so a typo never silently measures the other mode.
func unsafeCommitRequested(getenv func(string) string) (bool, error) {
	switch v := getenv(unsafeCommitEnv); v {
	case "", "0":
		return false, nil
	case "1":
		return true, nil
	default:
		return false, fmt.Errorf("%s=%q: want 1 (unsafe, benchmark only) or unset", unsafeCommitEnv, v)
	}
}

// unsafeCommitBanner is printed on stderr before a run with durable commits off.
const unsafeCommitBanner = `
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
!!  SKILLCERT_BENCH_UNSAFE_COMMIT=1: this benchmark's private Postgres runs with                      !!
!!  synchronous_commit = off. A crash loses acknowledged writes. The figures are NOT those of the     !!
!!  durable configuration that make dev, make test and production use; they are labelled as such.    !!
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
`

// setSynchronousCommit sets synchronous_commit for the whole cluster behind dbURL (ALTER SYSTEM, then a
// configuration reload) and returns the value the server reports afterwards on a new connection.
func setSynchronousCommit(ctx context.Context, dbURL string, on bool) (string, error) {
	value := map[bool]string{true: "on", false: "off"}[on]
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return "", fmt.Errorf("synchronous_commit: %w", err)
	}
	_, err = conn.Exec(ctx, "ALTER SYSTEM SET synchronous_commit = "+value)
	if err == nil {
		_, err = conn.Exec(ctx, "SELECT pg_reload_conf()")
	}
	conn.Close(ctx)
	if err != nil {
		return "", fmt.Errorf("synchronous_commit = %s: %w", value, err)
	}
	return showSynchronousCommit(ctx, dbURL)
}

// showSynchronousCommit returns the synchronous_commit a new connection to dbURL gets.
func showSynchronousCommit(ctx context.Context, dbURL string) (string, error) {
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		return "", fmt.Errorf("synchronous_commit: %w", err)
	}
	defer conn.Close(ctx)
	var got string
	if err := conn.QueryRow(ctx, "SHOW synchronous_commit").Scan(&got); err != nil {
		return "", fmt.Errorf("show synchronous_commit: %w", err)
	}
	return strings.TrimSpace(got), nil
}

// configureCommit applies the benchmark switch to the load test's private stack and returns the setting to
// report. Without the switch it only checks that commits are durable.
func configureCommit(ctx context.Context, env *runEnv, getenv func(string) string) (string, error) {
	unsafe, err := unsafeCommitRequested(getenv)
	if err != nil {
		return "", err
	}
	if !unsafe {
		return showSynchronousCommit(ctx, env.stack.DatabaseURL)
	}
	fmt.Fprint(os.Stderr, unsafeCommitBanner)
	got, err := setSynchronousCommit(ctx, env.stack.DatabaseURL, false)
	if err != nil {
		return "", err
	}
	if got != "off" {
		return "", fmt.Errorf("synchronous_commit is %q after turning it off", got)
	}
	env.logf("UNSAFE: synchronous_commit = off on this benchmark's private cluster (%s=1)", unsafeCommitEnv)
	return got, nil
}
