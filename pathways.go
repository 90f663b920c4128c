package skillcert

import (
	"fmt"
	"slices"
	"strings"
)

// checkStandard applies the occupation's rule set: one alternative of the level must hold.
func (c *checker) checkStandard() {
	r := c.req
	rs, ok := RuleSetNamed(r.Conditions)
	if r.RuleSets != nil {
		rs, ok = ruleSetIn(r.RuleSets, r.Conditions)
	}
	if !ok {
		c.add("conditions.unknown", "occupation_code", fmt.Sprintf("该职业（工种）的申报条件「%s」尚未配置，请联系管理员", r.Conditions))
		return
	}
	facts := c.standardFacts()
	group := fmt.Sprintf("standard.level%d", r.Level)
	var failed []Violation
	for _, alt := range rs.Levels[r.Level] {
		reasons, field := alt.unmet(facts)
		if len(reasons) == 0 {
			return
		}
		failed = append(failed, Violation{
			Code:    group + "." + alt.ID,
			Field:   field,
			Message: "「" + alt.Describe() + "」未满足：" + strings.Join(reasons, "，"),
			Group:   group,
		})
	}
	c.out = append(c.out, failed...)
}

// standardFacts works out the years the alternatives are judged on. A certificate obtained by 平转 counts
// from the original certificate's date, one obtained as a veteran from the year the treatment started, and
// the years in the occupation are then at least the years since that date.
func (c *checker) standardFacts() applicantFacts {
	r := c.req
	f := applicantFacts{
		cert: r.PreviousCertificate, education: r.Education,
		apprenticeship: r.ApprenticeshipCompleted, asOf: r.AsOf,
	}
	occupationFrom := c.usable(r.OccupationStartedOn)
	if p := r.PreviousCertificate; p != nil {
		certFrom := c.usable(p.IssuedOn)
		switch p.Via {
		case PathwayLateral:
			if orig := c.usable(p.OriginalIssuedOn); !orig.IsZero() && (certFrom.IsZero() || orig.Before(certFrom)) {
				certFrom = orig
			}
		case PathwayVeteran:
			if v := r.Veteran; v != nil && v.SinceYear >= 1950 && v.SinceYear <= r.AsOf.Year {
				if since := (Date{Year: v.SinceYear, Month: 1, Day: 1}); certFrom.IsZero() || since.Before(certFrom) {
					certFrom = since
				}
			}
		}
		if !certFrom.IsZero() {
			f.certYears = FullYears(certFrom, r.AsOf)
			if viaCarriesYears(p.Via) && (occupationFrom.IsZero() || certFrom.Before(occupationFrom)) {
				occupationFrom = certFrom
			}
		}
	}
	if !occupationFrom.IsZero() {
		f.occupationYears = FullYears(occupationFrom, r.AsOf)
	}
	return f
}

// usable returns d when it can be counted from: a real date from 1900 on and not after AsOf; otherwise the
// zero Date (the shape checks have reported it).
func (c *checker) usable(d Date) Date {
	if d.IsZero() || !d.valid() || d.Year < minRequestYear || d.After(c.req.AsOf) {
		return Date{}
	}
	return d
}

// viaCarriesYears reports whether a certificate obtained by p carries earlier years into the occupation:
// 平转 and 退役军人 certificates do (累计从事本职业年限可从…起算).
func viaCarriesYears(p Pathway) bool { return p == PathwayLateral || p == PathwayVeteran }

func (c *checker) checkLateral() {
	r := c.req
	if !slices.Contains(lateralLevels, r.Level) {
		c.add("lateral.level", "level", fmt.Sprintf("平转申报仅限技师（二级）及以下等级，不能申报%s", r.Level.Label()))
	}
	p := r.PreviousCertificate
	if p == nil {
		return
	}
	if p.Level.Valid() && p.Level != r.Level {
		c.add("lateral.certificate_level", "previous_certificate.level",
			fmt.Sprintf("平转须平级申报：所持证书为%s，申报等级为%s", p.Level.Label(), r.Level.Label()))
	}
	if code := strings.TrimSpace(p.OccupationCode); code != "" && code == strings.TrimSpace(r.OccupationCode) {
		c.add("lateral.same_occupation", "occupation_code", "平转须申报与所持证书不同的、与现岗位相关相近的职业（工种）")
	}
}

func (c *checker) checkTitle() {
	r := c.req
	t := r.Title
	if t == nil || !t.Grade.Valid() {
		return
	}
	if want := titleLevels[t.Grade]; r.Level != want {
		c.add("title.level", "level", fmt.Sprintf("取得%s专业技术职称可贯通申报%s，不能申报%s",
			t.Grade.Label(), want.Label(), r.Level.Label()))
	}
}

func (c *checker) checkVeteran() {
	r := c.req
	v := r.Veteran
	if v == nil || !v.TreatmentLevel.Valid() {
		return
	}
	allowed := veteranLevels[v.TreatmentLevel]
	if !slices.Contains(allowed, r.Level) {
		labels := make([]string, len(allowed))
		for i, l := range allowed {
			labels[i] = l.Label()
		}
		c.add("veteran.level", "level", fmt.Sprintf("工资按%s待遇兑现的退役军人可申报%s，不能申报%s",
			v.TreatmentLevel.Name(), strings.Join(labels, "或"), r.Level.Label()))
	}
}

// checkFollowingYear: after 平转 or 退役军人 申报, the next level only from the following calendar year.
func (c *checker) checkFollowingYear() {
	r := c.req
	p := r.PreviousCertificate
	if p == nil || !viaCarriesYears(p.Via) || !p.Level.Valid() || r.Level >= p.Level || p.IssuedOn.IsZero() {
		return
	}
	if r.AsOf.Year <= p.IssuedOn.Year {
		c.add("previous_certificate.following_year", "previous_certificate.issued_on",
			fmt.Sprintf("经%s取得的证书须于次年（%d年）起方可晋级申报", p.Via.Label(), p.IssuedOn.Year+1))
	}
}

// EligibilityError turns violations into an *Error EINVALID whose Fields say, per request field, what is
// wrong, and whose Extra["rules"] holds the violations; nil when there are none.
func EligibilityError(v []Violation) error {
	if len(v) == 0 {
		return nil
	}
	fields := map[string]string{}
	var parts []string
	groups := map[string][]string{}
	var groupOrder []string
	for _, x := range v {
		if prev, ok := fields[x.Field]; ok {
			fields[x.Field] = prev + "；" + x.Message
		} else {
			fields[x.Field] = x.Message
		}
		if x.Group == "" {
			parts = append(parts, x.Message)
			continue
		}
		if _, seen := groups[x.Group]; !seen {
			groupOrder = append(groupOrder, x.Group)
		}
		groups[x.Group] = append(groups[x.Group], x.Message)
	}
	for _, g := range groupOrder {
		if len(groups[g]) == 1 {
			parts = append(parts, groups[g][0])
			continue
		}
		parts = append(parts, "须满足下列条件之一："+strings.Join(groups[g], "；或"))
	}
	return &Error{
		Code:    EINVALID,
		Message: "不符合申报条件：" + strings.Join(parts, "；"),
		Fields:  fields,
		Extra:   map[string]any{"rules": slices.Clone(v)},
	}
}
