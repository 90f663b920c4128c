package skillcert

import (
	"fmt"
	"slices"
	"strings"
)

// PreviousCertificate is the skill certificate an applicant already holds, as declared. Only its format is
// checked here; the 初审 reviewer verifies it (以网上核验为准).
type PreviousCertificate struct {
	Number         string `json:"number"`
	Level          Level  `json:"level"`
	OccupationCode string `json:"occupation_code"`
	IssuedOn       Date   `json:"issued_on"`
	// Via is the pathway the certificate was obtained by, when known. After 平转 (lateral) or 退役军人
	// (veteran) the next level may only be applied for from the following calendar year.
	Via Pathway `json:"via,omitempty"`
	// OriginalIssuedOn, for a certificate obtained by 平转, is the issue date of the certificate held before
	// the move; years count from it.
	OriginalIssuedOn Date `json:"original_issued_on,omitzero"`
}

// Title is a professional title (专业技术职称), for the 贯通 pathway.
type Title struct {
	Field      string     `json:"field"` // one of TitleFields
	Grade      TitleGrade `json:"grade"`
	ObtainedOn Date       `json:"obtained_on"`
}

// Veteran describes a veteran's wage treatment, for the 退役军人 pathway.
type Veteran struct {
	TreatmentLevel Level `json:"treatment_level"` // the level whose wage treatment he is paid at
	SinceYear      int   `json:"since_year"`      // the year the treatment started; years count from 1 January of it
}

// EligibilityRequest is everything eligibility is judged on, as of AsOf.
type EligibilityRequest struct {
	OccupationCode   string  `json:"occupation_code"`
	Conditions       string  `json:"conditions,omitempty"`        // rule-set name of the occupation; "" means DefaultConditions
	OccupationLevels []Level `json:"occupation_levels,omitempty"` // levels the occupation offers; nil skips that check

	Level                   Level     `json:"level"`
	Pathway                 Pathway   `json:"pathway"`
	Education               Education `json:"education"`
	OccupationStartedOn     Date      `json:"occupation_started_on"`
	ApprenticeshipCompleted bool      `json:"apprenticeship_completed,omitempty"` // 学徒期满, an alternative for 五级

	PreviousCertificate *PreviousCertificate `json:"previous_certificate,omitempty"`
	Title               *Title               `json:"title,omitempty"`
	Veteran             *Veteran             `json:"veteran,omitempty"`

	AsOf Date `json:"as_of"` // the date the rules are judged on (the application date)

	// RuleSets, when set, replaces the embedded rule sets (data/conditions.json): a caller that must judge
	// with a frozen copy of the rules (a workflow replaying an old history) passes that copy here.
	RuleSets map[string]RuleSet `json:"-"`
}

// Violation is one unmet rule.
type Violation struct {
	Code    string `json:"code"`    // stable, e.g. "standard.level4.years", "lateral.level"
	Field   string `json:"field"`   // the request field it is about, in API spelling, e.g. "previous_certificate.level"
	Message string `json:"message"` // Chinese, for the applicant
	// Group is set on alternatives: violations with the same Group are ways of meeting one condition, and
	// meeting any one of them would have been enough.
	Group string `json:"group,omitempty"`
}

// Oldest year accepted in dates of the request.
const minRequestYear = 1900

// CheckEligibility judges req as of req.AsOf and returns every unmet rule, in a stable order; nil means
// eligible. It checks the shape of the request (known level, pathway and education; the block the pathway
// needs; previous-certificate number format, see ParseNationalCertificate; dates valid and not after
// AsOf) and then the pathway's rules:
//
//   - standard (初次/晋级): the alternatives of the occupation's rule set for the level (RuleSetNamed);
//   - lateral (平转): levels 二级…五级 only, holding a certificate at exactly that level, in another occupation;
//   - title (贯通): a title in one of the eight fields, its grade opening exactly the level (TitleLevel);
//   - veteran (退役军人): the level allowed by the wage treatment (VeteranLevels);
//
// and, for any pathway, that a certificate obtained by 平转 or as a veteran leads to the next level only
// from the following calendar year. Years are whole years as of AsOf (FullYears). For a certificate
// obtained by 平转 years count from OriginalIssuedOn, and for one obtained as a veteran from 1 January of
// Veteran.SinceYear, when those are given and earlier. Whether occupations are related is for the reviewer.
func CheckEligibility(req EligibilityRequest) []Violation {
	c := &checker{req: req}
	if req.AsOf.IsZero() || !req.AsOf.valid() {
		c.add("as_of.required", "as_of", "缺少资格审核的基准日期")
		return c.out
	}
	c.checkCommon()
	if !req.Level.Valid() || !req.Pathway.Valid() {
		return c.out
	}
	c.checkBlocks()
	switch req.Pathway {
	case PathwayStandard:
		c.checkStandard()
	case PathwayLateral:
		c.checkLateral()
	case PathwayTitle:
		c.checkTitle()
	case PathwayVeteran:
		c.checkVeteran()
	}
	c.checkFollowingYear()
	return c.out
}

type checker struct {
	req EligibilityRequest
	out []Violation
}

func (c *checker) add(code, field, message string) {
	c.out = append(c.out, Violation{Code: code, Field: field, Message: message})
}

// checkDate reports a missing, impossible or future date; ok is true when d is usable.
func (c *checker) checkDate(field, label string, d Date, required bool) (ok bool) {
	switch {
	case d.IsZero():
		if required {
			c.add(field+".required", field, "请填写"+label)
		}
		return false
	case !d.valid() || d.Year < minRequestYear:
		c.add(field+".invalid", field, label+"不是有效日期")
		return false
	case d.After(c.req.AsOf):
		c.add(field+".future", field, fmt.Sprintf("%s（%s）不能晚于%s", label, d, c.req.AsOf))
		return false
	}
	return true
}

func (c *checker) checkCommon() {
	r := c.req
	if strings.TrimSpace(r.OccupationCode) == "" {
		c.add("occupation_code.required", "occupation_code", "请选择申报职业（工种）")
	}
	switch {
	case !r.Level.Valid():
		c.add("level.invalid", "level", "申报等级应为1至5（一级/高级技师至五级/初级工）")
	case len(r.OccupationLevels) > 0 && !slices.Contains(r.OccupationLevels, r.Level):
		c.add("occupation.level_not_offered", "level", fmt.Sprintf("该职业（工种）不开展%s认定", r.Level.Label()))
	}
	if !r.Pathway.Valid() {
		c.add("pathway.invalid", "pathway", "申报类型应为初次/晋级、平转、贯通或退役军人申报之一")
	}
	switch {
	case r.Education == "":
		c.add("education.required", "education", "请填写学历")
	case !r.Education.Valid():
		c.add("education.invalid", "education", "学历不在可选范围内")
	}
	c.checkDate("occupation_started_on", "从事本职业（工种）起始日期", r.OccupationStartedOn, true)
}

// checkBlocks checks the pathway's block is there and every block given is well formed.
func (c *checker) checkBlocks() {
	r := c.req
	switch {
	case r.Pathway == PathwayLateral && r.PreviousCertificate == nil:
		c.add("previous_certificate.required", "previous_certificate", "平转申报须填写所持职业资格（技能等级）证书")
	case r.Pathway == PathwayTitle && r.Title == nil:
		c.add("title.required", "title", "贯通申报须填写所获专业技术职称")
	case r.Pathway == PathwayVeteran && r.Veteran == nil:
		c.add("veteran.required", "veteran", "退役军人申报须填写工资待遇兑现情况")
	}
	if p := r.PreviousCertificate; p != nil {
		c.checkCertificateBlock(p)
	}
	if t := r.Title; t != nil {
		if !ValidTitleField(t.Field) {
			c.add("title.field.invalid", "title.field", "职称领域须为"+strings.Join(TitleFields, "、")+"之一")
		}
		if !t.Grade.Valid() {
			c.add("title.grade.invalid", "title.grade", "职称级别应为助理级、初级、中级、副高级或正高级")
		}
		c.checkDate("title.obtained_on", "取得职称日期", t.ObtainedOn, true)
	}
	if v := r.Veteran; v != nil {
		if !v.TreatmentLevel.Valid() {
			c.add("veteran.treatment_level.invalid", "veteran.treatment_level", "工资兑现待遇等级应为1至5")
		}
		if v.SinceYear < 1950 || v.SinceYear > r.AsOf.Year {
			c.add("veteran.since_year.invalid", "veteran.since_year",
				fmt.Sprintf("兑现待遇起始年份应在1950年至%d年之间", r.AsOf.Year))
		}
	}
}

func (c *checker) checkCertificateBlock(p *PreviousCertificate) {
	levelOK := p.Level.Valid()
	if !levelOK {
		c.add("previous_certificate.level.invalid", "previous_certificate.level", "证书等级应为1至5")
	}
	if strings.TrimSpace(p.Number) == "" {
		c.add("previous_certificate.number.required", "previous_certificate.number", "请填写证书编号")
	} else if nc, err := ParseNationalCertificate(p.Number); err != nil {
		c.add("previous_certificate.number.format", "previous_certificate.number", fieldReason(err, "previous_certificate.number"))
	} else if levelOK && nc.Level != p.Level {
		c.add("previous_certificate.level.mismatch", "previous_certificate.level",
			fmt.Sprintf("证书编号中的等级代码为%s，与所填证书等级%s不符", nc.Level.Label(), p.Level.Label()))
	}
	if strings.TrimSpace(p.OccupationCode) == "" {
		c.add("previous_certificate.occupation_code.required", "previous_certificate.occupation_code", "请填写证书的职业（工种）")
	}
	issuedOK := c.checkDate("previous_certificate.issued_on", "证书取得日期", p.IssuedOn, true)
	if p.Via != "" && !p.Via.Valid() {
		c.add("previous_certificate.via.invalid", "previous_certificate.via", "证书取得方式应为初次/晋级、平转、贯通或退役军人申报之一")
	}
	if !p.OriginalIssuedOn.IsZero() {
		switch {
		case p.Via != PathwayLateral:
			c.add("previous_certificate.original_issued_on.unexpected", "previous_certificate.original_issued_on",
				"仅经平转取得的证书可填写平转前原证书的取得日期")
		case c.checkDate("previous_certificate.original_issued_on", "平转前原证书取得日期", p.OriginalIssuedOn, false) &&
			issuedOK && p.OriginalIssuedOn.After(p.IssuedOn):
			c.add("previous_certificate.original_issued_on.after_issued", "previous_certificate.original_issued_on",
				"平转前原证书的取得日期不能晚于平转后证书的取得日期")
		}
	}
}

// fieldReason returns the reason err gives for field, or its message.
func fieldReason(err error, field string) string {
	if e, ok := err.(*Error); ok {
		if r, ok := e.Fields[field]; ok {
			return r
		}
		return e.Message
	}
	return err.Error()
}
