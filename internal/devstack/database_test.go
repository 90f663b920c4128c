package devstack

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func TestDatabaseName(t *testing.T) {
	tests := []struct {
		prefix, suffix, want string
	}{
		{"TestX", "ab12", "t_testx_ab12"},
		{"TestApply/city reviewer", "ab12", "t_testapply_city_reviewer_ab12"},
		{"审核/x", "00", "t_x_00"},
		{strings.Repeat("a", 100), "ab12", "t_" + strings.Repeat("a", 63-3-4) + "_ab12"},
	}
	for _, tt := range tests {
		got := databaseName(tt.prefix, tt.suffix)
		if got != tt.want || len(got) > 63 {
			t.Errorf("databaseName(%q, %q) = %q, want %q (at most 63 bytes)", tt.prefix, tt.suffix, got, tt.want)
		}
	}
}

func TestWithDatabase(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{in: "postgres://postgres@127.0.0.1:5/skillcert?sslmode=disable", want: "postgres://postgres@127.0.0.1:5/t_a?sslmode=disable"},
		{in: "postgres://u:p@h:5", want: "postgres://u:p@h:5/t_a"},
		{in: "host=h dbname=x", wantErr: true},
	}
	for _, tt := range tests {
		got, err := withDatabase(tt.in, "t_a")
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("withDatabase(%q) = %q, %v; want %q (error %v)", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestTestDatabase(t *testing.T) {
	s := ForTest(t)
	var dbURL string
	t.Run("fresh", func(t *testing.T) {
		dbURL = s.TestDatabase(t)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var name string
		var tables int
		if err := conn.QueryRow(ctx, "SELECT current_database(), (SELECT count(*) FROM pg_tables WHERE schemaname = 'public')").
			Scan(&name, &tables); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(name, "t_testtestdatabase_fresh_") || tables != 0 {
			t.Errorf("database %q with %d tables, want a fresh t_testtestdatabase_fresh_* one", name, tables)
		}
	})
	// Once the subtest ended, its database is gone.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if conn, err := pgx.Connect(ctx, dbURL); err == nil {
		conn.Close(ctx)
		t.Errorf("database %s still exists after its test ended", dbURL)
	}
}
