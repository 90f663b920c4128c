package skillcert

import (
	"slices"
	"strings"
	"testing"
)

func TestRuleSetTemplate2018(t *testing.T) {
	rs, ok := RuleSetNamed("template2018")
	if !ok {
		t.Fatal("template2018 missing")
	}
	if def, _ := RuleSetNamed(""); def.Name != rs.Name {
		t.Errorf("\"\" names %q, want template2018", def.Name)
	}
	if !slices.Contains(RuleSetNames(), "template2018") {
		t.Errorf("RuleSetNames = %v", RuleSetNames())
	}
	tests := []struct {
		level              Level
		ids                []string
		required, optional bool
	}{
		{Level5, []string{"years", "apprenticeship"}, false, false},
		{Level4, []string{"certificate_years", "years", "technical_school"}, false, true},
		{Level3, []string{"certificate_years", "senior_technical_school", "college"}, true, false},
		{Level2, []string{"certificate_years", "senior_technical_school"}, true, false},
		{Level1, []string{"certificate_years"}, true, false},
	}
	for _, tt := range tests {
		var ids []string
		for _, a := range rs.Levels[tt.level] {
			ids = append(ids, a.ID)
		}
		if !slices.Equal(ids, tt.ids) {
			t.Errorf("level %d alternatives = %v, want %v", tt.level, ids, tt.ids)
		}
		req, opt := rs.NeedsCertificate(tt.level)
		if req != tt.required || opt != tt.optional {
			t.Errorf("level %d NeedsCertificate = %v, %v; want %v, %v", tt.level, req, opt, tt.required, tt.optional)
		}
	}
}

func TestAlternativeDescribe(t *testing.T) {
	tests := []struct {
		alt  Alternative
		want []string
	}{
		{Alternative{ID: "years", MinOccupationYears: 6}, []string{"满6年"}},
		{Alternative{ID: "apprenticeship", Apprenticeship: true}, []string{"学徒期满"}},
		{Alternative{ID: "c", CertificateLevel: Level5, MinCertificateYears: 4}, []string{"五级/初级工", "满4年"}},
		{Alternative{ID: "s", CertificateLevel: Level4, Education: []Education{EducationSeniorTechnicalSchool}},
			[]string{"取得本职业四级/中级工证书", "，且", "高级技工学校/技师学院"}},
	}
	for _, tt := range tests {
		got := tt.alt.Describe()
		for _, w := range tt.want {
			if !strings.Contains(got, w) {
				t.Errorf("Describe(%+v) = %q, lacks %q", tt.alt, got, w)
			}
		}
	}
}

func TestParseRuleSets(t *testing.T) {
	valid := `{"rule_sets": {"x": {"title": "t", "levels": {
		"5": [{"id": "years", "min_occupation_years": 1}],
		"4": [{"id": "years", "min_occupation_years": 6}],
		"3": [{"id": "cert", "certificate_level": 4, "min_certificate_years": 5}],
		"2": [{"id": "cert", "certificate_level": 3, "min_certificate_years": 4}],
		"1": [{"id": "cert", "certificate_level": 2, "min_certificate_years": 4}]}}}}`
	sets, err := ParseRuleSets([]byte(valid))
	if err != nil || sets["x"].Name != "x" || len(sets["x"].Levels) != 5 {
		t.Fatalf("valid rule set: %v, %+v", err, sets)
	}
	tests := []struct{ name, old, new, want string }{
		{"missing level", `"1": [{"id": "cert", "certificate_level": 2, "min_certificate_years": 4}]`, `"1": []`, "no alternatives"},
		{"unknown level", `"5": [`, `"6": [{"id": "y", "min_occupation_years": 1}], "5": [`, "unknown level"},
		{"duplicate id", `"4": [{"id": "years", "min_occupation_years": 6}]`,
			`"4": [{"id": "years", "min_occupation_years": 6}, {"id": "years", "min_occupation_years": 7}]`, "duplicate"},
		{"bad id", `"id": "years", "min_occupation_years": 1`, `"id": "Years!", "min_occupation_years": 1`, "lower-case"},
		{"certificate not below", `"certificate_level": 4,`, `"certificate_level": 3,`, "not below"},
		{"no requirement", `{"id": "years", "min_occupation_years": 1}`, `{"id": "years"}`, "no requirement"},
		{"bad education", `{"id": "years", "min_occupation_years": 6}`, `{"id": "years", "education": ["phd"]}`, "unknown education"},
		{"negative years", `"min_occupation_years": 6`, `"min_occupation_years": -6`, "negative"},
		{"certificate years alone", `"min_occupation_years": 6`, `"min_certificate_years": 6`, "without a certificate level"},
		{"not JSON", `{"rule_sets"`, `{"rule_sets`, "parse"},
		{"empty", valid, `{"rule_sets": {}}`, "no rule_sets"},
	}
	for _, tt := range tests {
		in := strings.Replace(valid, tt.old, tt.new, 1)
		if in == valid && tt.old != valid {
			t.Fatalf("%s: replacement did not apply", tt.name)
		}
		if _, err := ParseRuleSets([]byte(in)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestPathwayTables(t *testing.T) {
	if !slices.Equal(LateralLevels(), []Level{Level2, Level3, Level4, Level5}) {
		t.Errorf("LateralLevels = %v", LateralLevels())
	}
	grades := map[TitleGrade]Level{TitleAssistant: Level3, TitleJunior: Level3, TitleIntermediate: Level2,
		TitleAssociateSenior: Level1, TitleSenior: Level1}
	for g, want := range grades {
		if got, ok := TitleLevel(g); !ok || got != want {
			t.Errorf("TitleLevel(%s) = %d, %v; want %d", g, got, ok, want)
		}
	}
	if _, ok := TitleLevel("x"); ok {
		t.Error("TitleLevel of an unknown grade")
	}
	veteran := map[Level][]Level{Level5: {Level5, Level4}, Level4: {Level5, Level4}, Level3: {Level3}, Level2: {Level3}, Level1: {Level3}}
	for tl, want := range veteran {
		if got := VeteranLevels(tl); !slices.Equal(got, want) {
			t.Errorf("VeteranLevels(%d) = %v, want %v", tl, got, want)
		}
	}
}
