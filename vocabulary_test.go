package skillcert

import (
	"errors"
	"testing"
)

func TestTaskStatus(t *testing.T) {
	for s, want := range map[TaskStatus][2]bool{TaskOpen: {true, true}, TaskClaimed: {true, true},
		TaskCompleted: {false, true}, TaskCancelled: {false, true}, "done": {false, false}, "": {false, false}} {
		if s.Active() != want[0] || s.Valid() != want[1] {
			t.Errorf("%q: active %v valid %v, want %v", s, s.Active(), s.Valid(), want)
		}
	}
}

func TestParseVocabulary(t *testing.T) {
	if r, err := ParseStaffRole("role", "supervisor"); r != RoleSupervisor || err != nil {
		t.Errorf("ParseStaffRole(supervisor) = %q, %v", r, err)
	}
	if d, err := ParseDecision("decision", "return"); d != DecisionReturn || err != nil {
		t.Errorf("ParseDecision(return) = %q, %v", d, err)
	}
	if v, err := ParseVerdict("documents[0].verdict", "bad"); v != VerdictBad || err != nil {
		t.Errorf("ParseVerdict(bad) = %q, %v", v, err)
	}
	if s, err := ParseTaskStatus("status", "cancelled"); s != TaskCancelled || err != nil {
		t.Errorf("ParseTaskStatus(cancelled) = %q, %v", s, err)
	}
	for _, tc := range []struct {
		err          error
		field, fixed string
	}{
		{second(ParseStaffRole("role", "applicant")), "role",
			"角色应为 city_reviewer、provincial_reviewer、committee_member、supervisor 或 admin 之一"},
		{second(ParseStaffRole("role", "system")), "role", ""},
		{second(ParseDecision("decision", "Approve")), "decision", "decision 只能是 approve、reject 或 return"},
		{second(ParseVerdict("documents[2].verdict", "")), "documents[2].verdict", "verdict 只能是 ok 或 bad"},
		{second(ParseTaskStatus("status", "done")), "status", "状态应为 open、claimed、completed 或 cancelled"},
	} {
		var e *Error
		if !errors.As(tc.err, &e) || e.Code != EINVALID || e.Fields[tc.field] == "" {
			t.Errorf("refusal %v: want EINVALID on %s", tc.err, tc.field)
			continue
		}
		if tc.fixed != "" && e.Fields[tc.field] != tc.fixed {
			t.Errorf("reason %q, want %q", e.Fields[tc.field], tc.fixed)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func TestRoleLabels(t *testing.T) {
	seen := map[string]Role{}
	for _, r := range append([]Role{RoleApplicant, RoleSystem}, StaffRoles...) {
		l := r.Label()
		if l == string(r) || l == "" {
			t.Errorf("%s has no Chinese name", r)
		}
		if o, dup := seen[l]; dup {
			t.Errorf("%s and %s share the name %s", r, o, l)
		}
		seen[l] = r
	}
	if got := Role("x").Label(); got != "x" {
		t.Errorf("an unknown role reads %q", got)
	}
}
