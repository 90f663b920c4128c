package main

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"skillcert/schema/capture"
	"skillcert/schema/db"
)

func TestLiteral(t *testing.T) {
	s, empty := "呼和浩特市", (*string)(nil)
	n, id := int32(3), int64(4950)
	at := time.Date(2026, 11, 29, 14, 30, 0, 500e6, time.FixedZone("CST", 8*3600))
	tests := []struct {
		in   any
		want string
	}{
		{nil, "NULL"}, {empty, "NULL"}, {&s, "'呼和浩特市'"}, {"O'Brien", "'O''Brien'"}, {int32(51), "51"}, {&n, "3"},
		{(*int32)(nil), "NULL"}, {int64(-4), "-4"}, {true, "true"},
		{[]string{"city_reviewer", "a'b"}, "ARRAY['city_reviewer', 'a''b']::text[]"}, {[]string(nil), "NULL"},
		{(*time.Time)(nil), "NULL"}, {&at, "'2026-11-29T06:30:00.5Z'::timestamptz"},
		{&id, "4950"}, {(*int64)(nil), "NULL"}, {pgtype.Date{}, "NULL"},
		{pgtype.Date{Time: time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC), Valid: true}, "'2026-11-29'::date"},
	}
	for _, tt := range tests {
		got, err := literal(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("literal(%#v) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := literal(3.5); err == nil {
		t.Error("literal(float64) should fail")
	}
}

func TestSeqScans(t *testing.T) {
	plan := `Limit
  ->  Seq Scan on tasks t  (cost=0.00..480.09 rows=1 width=112)
  ->  Parallel Seq Scan on applications a
  ->  Seq Scan on occupations o
  ->  Index Scan using certificates_pkey on certificates
  ->  Seq Scan on tasks_archive x`
	if got, want := seqScans(plan), []string{"tasks", "applications"}; !slices.Equal(got, want) {
		t.Errorf("seqScans = %v, want %v", got, want)
	}
}

func TestCaptureKeepsTheGatewaysStatement(t *testing.T) {
	c := &capture.Statement{}
	region := "包头市"
	_, err := db.New(c).ListInboxTasks(context.Background(), db.ListInboxTasksParams{Roles: []string{"city_reviewer"},
		ScopeRegion: &region, Off: 4950, Lim: 51})
	if err != capture.ErrCaptured {
		t.Fatalf("err = %v, want ErrCaptured", err)
	}
	if len(c.Args) != 13 || c.SQL == "" { // 13: with name_bound and name_set_bound
		t.Fatalf("captured %d args, sql %q", len(c.Args), c.SQL)
	}
	if got := c.Args[len(c.Args)-2]; got != int32(4950) {
		t.Errorf("offset argument = %v, want 4950", got)
	}
}

func TestWithParams(t *testing.T) {
	tests := []struct{ url, params, want string }{
		{"postgres://postgres@127.0.0.1:5432/db?sslmode=disable", "plan_cache_mode=force_custom_plan",
			"postgres://postgres@127.0.0.1:5432/db?plan_cache_mode=force_custom_plan&sslmode=disable"},
		{"postgres://h/db", "", "postgres://h/db"},
		{"postgres://h/db?pool_max_conns=4", "pool_max_conns=16", "postgres://h/db?pool_max_conns=16"},
	}
	for _, tt := range tests {
		got, err := withParams(tt.url, tt.params)
		if err != nil || got != tt.want {
			t.Errorf("withParams(%q, %q) = %q, %v; want %q", tt.url, tt.params, got, err, tt.want)
		}
	}
	if _, err := withParams("postgres://h/db", "a=%zz"); err == nil {
		t.Error("a malformed parameter should fail")
	}
}
