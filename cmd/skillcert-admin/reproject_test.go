package main

import (
	"context"
	"io"
	"strings"
	"testing"

	commonpb "go.temporal.io/api/common/v1"

	"skillcert/activities"
)

func TestParseReproject(t *testing.T) {
	for _, c := range []struct {
		args    []string
		wantErr string
		cases   int
	}{
		{args: []string{"-all"}},
		{args: []string{"-case", "3f0c8a9e-1d2b-4c5d-8e7f-0a1b2c3d4e5f"}, cases: 1},
		{args: []string{"-case", "3f0c8a9e-1d2b-4c5d-8e7f-0a1b2c3d4e5f, 4f0c8a9e-1d2b-4c5d-8e7f-0a1b2c3d4e5f"}, cases: 2},
		{args: nil, wantErr: "either -case ID or -all"},
		{args: []string{"-all", "-case", "3f0c8a9e-1d2b-4c5d-8e7f-0a1b2c3d4e5f"}, wantErr: "either -case ID or -all"},
		{args: []string{"-case", "x' OR WorkflowId != '"}, wantErr: "not an application ID"},
		{args: []string{"-case", "{3f0c8a9e-1d2b-4c5d-8e7f-0a1b2c3d4e5f}"}, wantErr: "not an application ID"},
		{args: []string{"-all", "-parallel", "0"}, wantErr: "-parallel 0"},
		{args: []string{"-all", "extra"}, wantErr: "unexpected argument"},
	} {
		o, err := parseReproject(c.args, io.Discard)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%q: error %v, want %q", c.args, err, c.wantErr)
			}
			continue
		}
		if err != nil || len(o.cases) != c.cases {
			t.Errorf("%q: %+v %v", c.args, o, err)
		}
	}
}

func TestRunNeedsACommand(t *testing.T) {
	for _, args := range [][]string{{"skillcert-admin"}, {"skillcert-admin", "frobnicate"}} {
		if err := run(context.Background(), args, func(string) string { return "" }, io.Discard); err == nil || !strings.Contains(err.Error(), "usage") {
			t.Errorf("%q: %v", args, err)
		}
	}
	err := run(context.Background(), []string{"skillcert-admin", "reproject", "-all"}, func(string) string { return "" }, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Errorf("no DATABASE_URL: %v", err)
	}
}

// TestCallRefusesWhatIsNotAProjectionWrite: only the listed write activities are called again, with one
// input of their own type.
func TestCallRefusesWhatIsNotAProjectionWrite(t *testing.T) {
	r := &reprojector{acts: &activities.Activities{}}
	one, err := plainJSON.ToPayloads(map[string]any{"application_id": "x"})
	if err != nil {
		t.Fatal(err)
	}
	two, _ := plainJSON.ToPayloads(1, 2)
	for _, c := range []struct {
		activity string
		args     *commonpb.Payloads
		want     string
	}{
		{"InspectDocument", one, "not a projection write"},
		{"NoSuchActivity", one, "not a projection write"},
		{"RecordTransition", two, "2 arguments"},
		{"RecordTransition", &commonpb.Payloads{}, "0 arguments"},
	} {
		if err := r.call(context.Background(), c.activity, c.args); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.activity, err, c.want)
		}
	}
	if _, err := arg[activities.IssueInput](two); err == nil {
		t.Error("arg accepted two arguments")
	}
}
