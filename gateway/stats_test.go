package gateway

import (
	"slices"
	"testing"

	"skillcert/schema/db"
)

func TestParseGroupBy(t *testing.T) {
	cases := []struct {
		in   string
		want []string
		ok   bool
	}{
		{"", []string{"region", "level", "status"}, true},
		{"level", []string{"level"}, true},
		{" status , region ", []string{"status", "region"}, true},
		{"occupation_code,batch_id", []string{"occupation_code", "batch_id"}, true},
		{"region,salary", nil, false},
		{"level,level", nil, false},
		{"region,", nil, false},
	}
	for _, c := range cases {
		got, err := parseGroupBy(c.in)
		if (err == nil) != c.ok || !slices.Equal(got, c.want) {
			t.Errorf("parseGroupBy(%q) = %v, %v; want %v (ok %v)", c.in, got, err, c.want, c.ok)
		}
	}
}

func TestStatsOrder(t *testing.T) {
	rows := []db.CountApplicationsGroupedRow{
		{Region: "包头市", Level: 5, Status: "certified"},
		{Region: "呼和浩特市", Level: 4, Status: "draft"},
		{Region: "包头市", Level: 5, Status: "draft"},
		{Region: "呼和浩特市", Level: 5, Status: "scoring"},
		{Region: "二连浩特市", Level: 1, Status: "draft"},
	}
	slices.SortFunc(rows, compareStats)
	var got []string
	for _, r := range rows {
		got = append(got, r.Region+"/"+string(rune('0'+r.Level))+"/"+r.Status)
	}
	want := []string{"呼和浩特市/5/scoring", "呼和浩特市/4/draft", "包头市/5/draft", "包头市/5/certified", "二连浩特市/1/draft"}
	if !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v (regions as the notice lists them, levels 5→1, statuses in lifecycle order)", got, want)
	}
}
