package skillcert

import (
	"slices"
	"strings"
	"testing"
)

var asOf = Date{2022, 6, 21}

// certNo builds a 22-character 职业技能等级证书 number by hand: S 0000 15 150100 YY level 000123.
func certNo(level string, yy string) string { return "S000015" + "150100" + yy + level + "000123" }

func d(s string) Date {
	v, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

// baseRequest is an eligible-looking request for 电工 that the cases modify.
func baseRequest(level Level, p Pathway) EligibilityRequest {
	return EligibilityRequest{
		OccupationCode: "6-31-01-03", Conditions: "template2018", OccupationLevels: AllLevels,
		Level: level, Pathway: p, Education: EducationHighSchool, OccupationStartedOn: d("2021-06-21"),
		AsOf: asOf,
	}
}

func cert(level Level, issued string) *PreviousCertificate {
	return &PreviousCertificate{Number: certNo(string(rune('0'+level)), issued[2:4]), Level: level,
		OccupationCode: "6-31-01-03", IssuedOn: d(issued)}
}

type eligibilityCase struct {
	name  string
	req   EligibilityRequest
	codes []string // nil: eligible
}

func runEligibility(t *testing.T, tests []eligibilityCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := CheckEligibility(tt.req)
			var codes []string
			for _, x := range v {
				codes = append(codes, x.Code)
				if x.Field == "" || x.Message == "" {
					t.Errorf("violation %+v lacks field or message", x)
				}
			}
			if !slices.Equal(codes, tt.codes) {
				t.Errorf("codes = %q, want %q\n%+v", codes, tt.codes, v)
			}
		})
	}
}

func with(r EligibilityRequest, f func(*EligibilityRequest)) EligibilityRequest {
	f(&r)
	return r
}

// DOMAIN.md, Pathways 1 (初次/晋级), the 2018 template, "all years cumulative and inclusive".
func TestDomainStandardPathway(t *testing.T) {
	l5 := func(f func(*EligibilityRequest)) EligibilityRequest {
		return with(baseRequest(Level5, PathwayStandard), f)
	}
	l4 := func(f func(*EligibilityRequest)) EligibilityRequest {
		return with(baseRequest(Level4, PathwayStandard), f)
	}
	l3 := func(f func(*EligibilityRequest)) EligibilityRequest {
		return with(baseRequest(Level3, PathwayStandard), f)
	}
	l2 := func(f func(*EligibilityRequest)) EligibilityRequest {
		return with(baseRequest(Level2, PathwayStandard), f)
	}
	l1 := func(f func(*EligibilityRequest)) EligibilityRequest {
		return with(baseRequest(Level1, PathwayStandard), f)
	}
	none := func(*EligibilityRequest) {}
	tests := []eligibilityCase{
		{"五级: ≥1 year in the occupation (exactly 1)", l5(none), nil},
		{"五级: one day short of 1 year", l5(func(r *EligibilityRequest) { r.OccupationStartedOn = d("2021-06-22") }),
			[]string{"standard.level5.years", "standard.level5.apprenticeship"}},
		{"五级: or 学徒期满", l5(func(r *EligibilityRequest) {
			r.OccupationStartedOn = d("2022-01-01")
			r.ApprenticeshipCompleted = true
		}), nil},

		{"四级: ≥4 years after 五级 (exactly 4)", l4(func(r *EligibilityRequest) { r.PreviousCertificate = cert(Level5, "2018-06-21") }), nil},
		{"四级: 五级 one day short of 4 years", l4(func(r *EligibilityRequest) { r.PreviousCertificate = cert(Level5, "2018-06-22") }),
			[]string{"standard.level4.certificate_years", "standard.level4.years", "standard.level4.technical_school"}},
		{"四级: or ≥6 years in the occupation", l4(func(r *EligibilityRequest) { r.OccupationStartedOn = d("2016-06-21") }), nil},
		{"四级: 5 years in the occupation is not enough", l4(func(r *EligibilityRequest) { r.OccupationStartedOn = d("2016-06-22") }),
			[]string{"standard.level4.certificate_years", "standard.level4.years", "standard.level4.technical_school"}},
		{"四级: or 技工学校 graduate", l4(func(r *EligibilityRequest) { r.Education = EducationTechnicalSchool }), nil},
		{"四级: 技师学院 counts as 技工学校", l4(func(r *EligibilityRequest) { r.Education = EducationSeniorTechnicalSchool }), nil},
		{"四级: 大专 is not a shortcut", l4(func(r *EligibilityRequest) { r.Education = EducationVocationalCollege }),
			[]string{"standard.level4.certificate_years", "standard.level4.years", "standard.level4.technical_school"}},
		{"四级: a 四级 certificate is not a 五级 one", l4(func(r *EligibilityRequest) { r.PreviousCertificate = cert(Level4, "2010-01-01") }),
			[]string{"standard.level4.certificate_years", "standard.level4.years", "standard.level4.technical_school"}},

		{"三级: ≥5 years after 四级", l3(func(r *EligibilityRequest) { r.PreviousCertificate = cert(Level4, "2017-06-21") }), nil},
		{"三级: 四级 4 years, high school", l3(func(r *EligibilityRequest) { r.PreviousCertificate = cert(Level4, "2017-06-22") }),
			[]string{"standard.level3.certificate_years", "standard.level3.senior_technical_school", "standard.level3.college"}},
		{"三级: 四级 + 技师学院 graduate", l3(func(r *EligibilityRequest) {
			r.PreviousCertificate = cert(Level4, "2022-01-10")
			r.Education = EducationSeniorTechnicalSchool
		}), nil},
		{"三级: 大专+ and ≥2 years after 四级", l3(func(r *EligibilityRequest) {
			r.PreviousCertificate = cert(Level4, "2020-06-21")
			r.Education = EducationBachelor
		}), nil},
		{"三级: 大专+ one day short of 2 years", l3(func(r *EligibilityRequest) {
			r.PreviousCertificate = cert(Level4, "2020-06-22")
			r.Education = EducationVocationalCollege
		}), []string{"standard.level3.certificate_years", "standard.level3.senior_technical_school", "standard.level3.college"}},
		{"三级: 20 years without 四级 is not enough", l3(func(r *EligibilityRequest) {
			r.OccupationStartedOn = d("2002-01-01")
			r.Education = EducationDoctor
		}), []string{"standard.level3.certificate_years", "standard.level3.senior_technical_school", "standard.level3.college"}},

		{"二级: ≥4 years after 三级", l2(func(r *EligibilityRequest) { r.PreviousCertificate = cert(Level3, "2018-06-21") }), nil},
		{"二级: 三级 + 技师学院 and ≥3 years", l2(func(r *EligibilityRequest) {
			r.PreviousCertificate = cert(Level3, "2019-06-21")
			r.Education = EducationSeniorTechnicalSchool
		}), nil},
		{"二级: 三级 + 技师学院, 3 years less a day", l2(func(r *EligibilityRequest) {
			r.PreviousCertificate = cert(Level3, "2019-06-22")
			r.Education = EducationSeniorTechnicalSchool
		}), []string{"standard.level2.certificate_years", "standard.level2.senior_technical_school"}},
		{"二级: no certificate", l2(none), []string{"standard.level2.certificate_years", "standard.level2.senior_technical_school"}},

		{"一级: ≥4 years after 二级", l1(func(r *EligibilityRequest) { r.PreviousCertificate = cert(Level2, "2018-06-21") }), nil},
		{"一级: 二级 one day short", l1(func(r *EligibilityRequest) { r.PreviousCertificate = cert(Level2, "2018-06-22") }),
			[]string{"standard.level1.certificate_years"}},
		{"一级: no certificate", l1(none), []string{"standard.level1.certificate_years"}},
	}
	runEligibility(t, tests)
}

func TestStandardViolationDetails(t *testing.T) {
	r := baseRequest(Level1, PathwayStandard)
	r.PreviousCertificate = cert(Level2, "2020-03-01")
	v := CheckEligibility(r)
	if len(v) != 1 {
		t.Fatalf("violations = %+v", v)
	}
	want := Violation{Code: "standard.level1.certificate_years", Field: "previous_certificate.issued_on", Group: "standard.level1"}
	got := v[0]
	if got.Code != want.Code || got.Field != want.Field || got.Group != want.Group {
		t.Errorf("violation = %+v, want %+v", got, want)
	}
	for _, s := range []string{"二级/技师", "满4年", "仅满2年"} {
		if !strings.Contains(got.Message, s) {
			t.Errorf("message %q lacks %q", got.Message, s)
		}
	}
	r.PreviousCertificate = nil
	if v := CheckEligibility(r); len(v) != 1 || v[0].Field != "previous_certificate" {
		t.Errorf("without a certificate: %+v", v)
	}
}
