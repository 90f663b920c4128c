package skillcert

import (
	"strings"
	"testing"
)

func lateralCert(level Level) *PreviousCertificate {
	c := cert(level, "2015-05-01")
	c.OccupationCode = "4-02-02-01" // another occupation
	return c
}

// DOMAIN.md, Pathways 2 (平转): "only levels 五级…二级 (技师 and below); requires holding a certificate at
// exactly that level".
func TestDomainLateralPathway(t *testing.T) {
	lat := func(level Level, f func(*EligibilityRequest)) EligibilityRequest {
		return with(baseRequest(level, PathwayLateral), f)
	}
	tests := []eligibilityCase{
		{"二级 with a 二级 certificate", lat(Level2, func(r *EligibilityRequest) { r.PreviousCertificate = lateralCert(Level2) }), nil},
		{"三级 with a 三级 certificate", lat(Level3, func(r *EligibilityRequest) { r.PreviousCertificate = lateralCert(Level3) }), nil},
		{"五级 with a 五级 certificate", lat(Level5, func(r *EligibilityRequest) { r.PreviousCertificate = lateralCert(Level5) }), nil},
		{"平转 to 一级 is refused", lat(Level1, func(r *EligibilityRequest) { r.PreviousCertificate = lateralCert(Level1) }),
			[]string{"lateral.level"}},
		{"a lower certificate does not move up", lat(Level3, func(r *EligibilityRequest) { r.PreviousCertificate = lateralCert(Level4) }),
			[]string{"lateral.certificate_level"}},
		{"a higher certificate does not move down", lat(Level4, func(r *EligibilityRequest) { r.PreviousCertificate = lateralCert(Level3) }),
			[]string{"lateral.certificate_level"}},
		{"into the same occupation", lat(Level3, func(r *EligibilityRequest) { r.PreviousCertificate = cert(Level3, "2015-05-01") }),
			[]string{"lateral.same_occupation"}},
		{"without a certificate", lat(Level3, func(*EligibilityRequest) {}), []string{"previous_certificate.required"}},
		{"平转 needs no years in the new occupation", lat(Level2, func(r *EligibilityRequest) {
			r.OccupationStartedOn = d("2022-06-01")
			r.PreviousCertificate = lateralCert(Level2)
		}), nil},
	}
	runEligibility(t, tests)
}

// DOMAIN.md, Pathways 3 (贯通): "助理级/初级 title → 三级; 中级 → 二级; 副高级 and above → 一级 (that level only)".
func TestDomainTitlePathway(t *testing.T) {
	title := func(level Level, field string, g TitleGrade) EligibilityRequest {
		r := baseRequest(level, PathwayTitle)
		r.Title = &Title{Field: field, Grade: g, ObtainedOn: d("2019-09-01")}
		return r
	}
	tests := []eligibilityCase{
		{"中级 in 工程 may apply for 二级", title(Level2, "工程", TitleIntermediate), nil},
		{"中级 in 工程 may not apply for 一级", title(Level1, "工程", TitleIntermediate), []string{"title.level"}},
		{"中级 in 工程 may not apply for 三级", title(Level3, "工程", TitleIntermediate), []string{"title.level"}},
		{"助理级 → 三级", title(Level3, "农业", TitleAssistant), nil},
		{"初级 → 三级", title(Level3, "体育", TitleJunior), nil},
		{"初级 not → 四级", title(Level4, "体育", TitleJunior), []string{"title.level"}},
		{"副高级 → 一级", title(Level1, "技工院校教师", TitleAssociateSenior), nil},
		{"正高级 → 一级", title(Level1, "艺术", TitleSenior), nil},
		{"正高级 not → 二级", title(Level2, "艺术", TitleSenior), []string{"title.level"}},
		{"every one of the 8 fields", title(Level3, "文物博物", TitleAssistant), nil},
		{"a field outside the 8", title(Level2, "卫生", TitleIntermediate), []string{"title.field.invalid"}},
		{"unknown grade", title(Level2, "工程", "professor"), []string{"title.grade.invalid"}},
		{"without a title", baseRequest(Level2, PathwayTitle), []string{"title.required"}},
		{"title obtained in the future", with(title(Level2, "工程", TitleIntermediate), func(r *EligibilityRequest) {
			r.Title.ObtainedOn = d("2022-06-22")
		}), []string{"title.obtained_on.future"}},
	}
	for _, f := range TitleFields {
		tests = append(tests, eligibilityCase{"field " + f, title(Level2, f, TitleIntermediate), nil})
	}
	runEligibility(t, tests)
}

// DOMAIN.md, Pathways 4 (退役军人): "初/中级工 treatment may apply 五级 or 四级 …; at 高级工 or above → 三级".
func TestDomainVeteranPathway(t *testing.T) {
	vet := func(level, treatment Level) EligibilityRequest {
		r := baseRequest(level, PathwayVeteran)
		r.Veteran = &Veteran{TreatmentLevel: treatment, SinceYear: 2016}
		return r
	}
	tests := []eligibilityCase{
		{"中级工 treatment → 四级", vet(Level4, Level4), nil},
		{"中级工 treatment → 五级", vet(Level5, Level4), nil},
		{"中级工 treatment may not apply for 三级", vet(Level3, Level4), []string{"veteran.level"}},
		{"初级工 treatment → 四级", vet(Level4, Level5), nil},
		{"高级工 treatment → 三级", vet(Level3, Level3), nil},
		{"高级工 treatment not → 四级", vet(Level4, Level3), []string{"veteran.level"}},
		{"技师 treatment → 三级", vet(Level3, Level2), nil},
		{"高级技师 treatment not → 二级", vet(Level2, Level1), []string{"veteran.level"}},
		{"without the veteran block", baseRequest(Level4, PathwayVeteran), []string{"veteran.required"}},
		{"treatment level 0", vet(Level4, 0), []string{"veteran.treatment_level.invalid"}},
		{"treatment since a future year", with(vet(Level4, Level4), func(r *EligibilityRequest) { r.Veteran.SinceYear = 2023 }),
			[]string{"veteran.since_year.invalid"}},
	}
	runEligibility(t, tests)
}

// DOMAIN.md: after 平转 / as a veteran, "may apply for the next level the following calendar year; years count
// from the original certificate date" / "from the year the treatment started".
func TestDomainFollowingYear(t *testing.T) {
	afterLateral := func(asOf string) EligibilityRequest {
		r := baseRequest(Level3, PathwayStandard)
		r.PreviousCertificate = cert(Level4, "2022-03-01")
		r.PreviousCertificate.Via = PathwayLateral
		r.PreviousCertificate.OriginalIssuedOn = d("2015-01-01")
		r.AsOf = d(asOf)
		return r
	}
	afterVeteran := func(asOf string) EligibilityRequest {
		r := baseRequest(Level3, PathwayStandard)
		r.PreviousCertificate = cert(Level4, "2022-01-10")
		r.PreviousCertificate.Via = PathwayVeteran
		r.Veteran = &Veteran{TreatmentLevel: Level4, SinceYear: 2015}
		r.AsOf = d(asOf)
		return r
	}
	tests := []eligibilityCase{
		{"平转 certificate, next level in the same year", afterLateral("2022-12-31"), []string{"previous_certificate.following_year"}},
		{"平转 certificate, next level the following year, years from the original", afterLateral("2023-01-01"), nil},
		{"平转 certificate without the original date: 1 year only", with(afterLateral("2023-03-01"), func(r *EligibilityRequest) {
			r.PreviousCertificate.OriginalIssuedOn = Date{}
		}), []string{"standard.level3.certificate_years", "standard.level3.senior_technical_school", "standard.level3.college"}},
		{"veteran certificate, same year", afterVeteran("2022-06-21"), []string{"previous_certificate.following_year"}},
		{"veteran certificate, following year, years from the treatment year", afterVeteran("2023-01-02"), nil},
		{"a standard certificate has no waiting year", with(afterLateral("2022-12-31"), func(r *EligibilityRequest) {
			r.PreviousCertificate.Via = PathwayStandard
			r.PreviousCertificate.OriginalIssuedOn = Date{}
			r.PreviousCertificate.IssuedOn = d("2017-01-01")
		}), nil},
		{"the same level again by 平转 needs no waiting", with(baseRequest(Level4, PathwayLateral), func(r *EligibilityRequest) {
			r.PreviousCertificate = lateralCert(Level4)
			r.PreviousCertificate.IssuedOn = d("2022-03-01")
			r.PreviousCertificate.Via = PathwayLateral
		}), nil},
		{"平转 certificate: years after 五级 count from the original", with(baseRequest(Level4, PathwayStandard), func(r *EligibilityRequest) {
			// a 五级 by 平转 in 2021, original 2014: 四级 by "≥4 years after 五级" in 2022
			r.PreviousCertificate = cert(Level5, "2021-03-01")
			r.PreviousCertificate.Via = PathwayLateral
			r.PreviousCertificate.OriginalIssuedOn = d("2014-03-01")
		}), nil},
	}
	runEligibility(t, tests)
}

// The request's shape: known values, the pathway's block, certificate-number format, dates not in the future.
func TestEligibilityShape(t *testing.T) {
	std := func(level Level, f func(*EligibilityRequest)) EligibilityRequest {
		return with(baseRequest(level, PathwayStandard), f)
	}
	withCert := func(f func(*PreviousCertificate)) EligibilityRequest {
		return std(Level4, func(r *EligibilityRequest) {
			r.PreviousCertificate = cert(Level5, "2016-01-01")
			f(r.PreviousCertificate)
		})
	}
	tests := []eligibilityCase{
		{"no as-of date", std(Level5, func(r *EligibilityRequest) { r.AsOf = Date{} }), []string{"as_of.required"}},
		{"level 0", std(0, func(*EligibilityRequest) {}), []string{"level.invalid"}},
		{"level 6 and bad pathway", with(baseRequest(6, "promotion"), func(*EligibilityRequest) {}),
			[]string{"level.invalid", "pathway.invalid"}},
		{"no occupation", std(Level5, func(r *EligibilityRequest) { r.OccupationCode = " " }), []string{"occupation_code.required"}},
		{"level not offered", std(Level2, func(r *EligibilityRequest) {
			r.OccupationLevels = []Level{Level5, Level4, Level3}
			r.PreviousCertificate = cert(Level3, "2010-01-01")
		}), []string{"occupation.level_not_offered"}},
		{"no education", std(Level5, func(r *EligibilityRequest) { r.Education = "" }), []string{"education.required"}},
		{"unknown education", std(Level5, func(r *EligibilityRequest) { r.Education = "phd" }), []string{"education.invalid"}},
		{"no occupation start", std(Level5, func(r *EligibilityRequest) {
			r.OccupationStartedOn = Date{}
			r.ApprenticeshipCompleted = true
		}), []string{"occupation_started_on.required"}},
		{"occupation start in the future", std(Level5, func(r *EligibilityRequest) { r.OccupationStartedOn = d("2022-06-22") }),
			[]string{"occupation_started_on.future", "standard.level5.years", "standard.level5.apprenticeship"}},
		{"occupation start before 1900", std(Level5, func(r *EligibilityRequest) { r.OccupationStartedOn = d("1899-12-31") }),
			[]string{"occupation_started_on.invalid", "standard.level5.years", "standard.level5.apprenticeship"}},
		{"impossible date", std(Level5, func(r *EligibilityRequest) { r.OccupationStartedOn = Date{2020, 2, 30} }),
			[]string{"occupation_started_on.invalid", "standard.level5.years", "standard.level5.apprenticeship"}},
		{"unknown rule set", std(Level5, func(r *EligibilityRequest) { r.Conditions = "template1999" }), []string{"conditions.unknown"}},
		{"empty rule set name means template2018", std(Level5, func(r *EligibilityRequest) { r.Conditions = "" }), nil},
		{"16-digit 职业资格证书 accepted", withCert(func(c *PreviousCertificate) { c.Number = "1615010123505001" }), nil},
		{"certificate number malformed", withCert(func(c *PreviousCertificate) { c.Number = "ABC-123" }),
			[]string{"previous_certificate.number.format"}},
		{"certificate number missing", withCert(func(c *PreviousCertificate) { c.Number = "" }),
			[]string{"previous_certificate.number.required"}},
		{"certificate level differs from its number", withCert(func(c *PreviousCertificate) { c.Number = certNo("4", "16") }),
			[]string{"previous_certificate.level.mismatch"}},
		{"certificate level 0", withCert(func(c *PreviousCertificate) { c.Level = 0 }),
			[]string{"previous_certificate.level.invalid", "standard.level4.certificate_years", "standard.level4.years", "standard.level4.technical_school"}},
		{"certificate without occupation", withCert(func(c *PreviousCertificate) { c.OccupationCode = "" }),
			[]string{"previous_certificate.occupation_code.required"}},
		{"certificate issued in the future", withCert(func(c *PreviousCertificate) { c.IssuedOn = d("2023-01-01") }),
			[]string{"previous_certificate.issued_on.future", "standard.level4.certificate_years", "standard.level4.years", "standard.level4.technical_school"}},
		{"certificate without issue date", withCert(func(c *PreviousCertificate) { c.IssuedOn = Date{} }),
			[]string{"previous_certificate.issued_on.required", "standard.level4.certificate_years", "standard.level4.years", "standard.level4.technical_school"}},
		{"unknown via", withCert(func(c *PreviousCertificate) { c.Via = "gift" }), []string{"previous_certificate.via.invalid"}},
		{"original date without 平转", withCert(func(c *PreviousCertificate) { c.OriginalIssuedOn = d("2010-01-01") }),
			[]string{"previous_certificate.original_issued_on.unexpected"}},
		{"original date after the 平转 certificate", withCert(func(c *PreviousCertificate) {
			c.Via = PathwayLateral
			c.IssuedOn = d("2015-01-01")
			c.OriginalIssuedOn = d("2016-01-01")
		}), []string{"previous_certificate.original_issued_on.after_issued"}},
	}
	runEligibility(t, tests)
}

func TestEligibilityError(t *testing.T) {
	if EligibilityError(nil) != nil || EligibilityError([]Violation{}) != nil {
		t.Fatal("EligibilityError of no violations is not nil")
	}
	r := baseRequest(Level3, PathwayStandard)
	r.Education = "phd"
	v := CheckEligibility(r)
	err := EligibilityError(v)
	e, ok := err.(*Error)
	if !ok || e.Code != EINVALID {
		t.Fatalf("EligibilityError = %v", err)
	}
	if got, _ := e.Extra["rules"].([]Violation); len(got) != len(v) || got[0] != v[0] {
		t.Errorf("Extra[rules] = %v, want %v", e.Extra["rules"], v)
	}
	// education.invalid has the education field; each alternative names its first unmet field.
	if !strings.Contains(e.Fields["education"], "学历不在可选范围内") || !strings.Contains(e.Fields["previous_certificate"], "四级") {
		t.Errorf("Fields = %v", e.Fields)
	}
	if !strings.Contains(e.Message, "须满足下列条件之一") || !strings.Contains(e.Message, "学历不在可选范围内") {
		t.Errorf("Message = %q", e.Message)
	}
	if ErrorCode(err) != EINVALID {
		t.Errorf("ErrorCode = %q", ErrorCode(err))
	}
}
