package skillcert

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
)

// DefaultConditions is the rule set used when an occupation names none: the common 申报条件 of the 2018
// template of the 国家职业技能标准.
const DefaultConditions = "template2018"

// Alternative is one way of meeting a level's 申报条件 in the 初次/晋级 pathway: every requirement it sets
// must hold. Zero fields set no requirement.
type Alternative struct {
	ID                  string      `json:"id"`                              // stable, e.g. "years"; part of the violation code
	MinOccupationYears  int         `json:"min_occupation_years,omitempty"`  // whole years in this (or a related) occupation
	CertificateLevel    Level       `json:"certificate_level,omitempty"`     // the previous certificate must be at exactly this level
	MinCertificateYears int         `json:"min_certificate_years,omitempty"` // whole years since that certificate was issued
	Education           []Education `json:"education,omitempty"`             // the highest education must be one of these
	Apprenticeship      bool        `json:"apprenticeship,omitempty"`        // 学徒期满
}

// RuleSet is a named set of 申报条件: for each level, the alternatives of which one must be met.
type RuleSet struct {
	Name   string                  `json:"-"`
	Title  string                  `json:"title"`
	Levels map[Level][]Alternative `json:"levels"`
}

var ruleSets = mustLoadRuleSets()

func mustLoadRuleSets() map[string]RuleSet {
	b, err := dataFS.ReadFile("data/conditions.json")
	if err != nil {
		panic(fmt.Sprintf("skillcert: read embedded conditions: %v", err))
	}
	sets, err := ParseRuleSets(b)
	if err != nil {
		panic(fmt.Sprintf("skillcert: embedded conditions: %v", err))
	}
	return sets
}

// ParseRuleSets reads rule sets in the format of data/conditions.json ({"rule_sets": {name: {title,
// levels: {"5": [alternative…], …}}}}) and checks them: every level 1–5 present, alternative IDs unique
// and lower-case, each alternative with at least one requirement, certificates below the level applied
// for, known education values.
func ParseRuleSets(b []byte) (map[string]RuleSet, error) {
	var doc struct {
		RuleSets map[string]RuleSet `json:"rule_sets"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("parse rule sets: %w", err)
	}
	if len(doc.RuleSets) == 0 {
		return nil, fmt.Errorf("parse rule sets: no rule_sets")
	}
	for name, rs := range doc.RuleSets {
		rs.Name = name
		if err := rs.validate(); err != nil {
			return nil, fmt.Errorf("rule set %q: %w", name, err)
		}
		doc.RuleSets[name] = rs
	}
	return doc.RuleSets, nil
}

func (rs RuleSet) validate() error {
	for _, l := range AllLevels {
		alts := rs.Levels[l]
		if len(alts) == 0 {
			return fmt.Errorf("level %d has no alternatives", l)
		}
		seen := map[string]bool{}
		for _, a := range alts {
			if err := a.validate(l); err != nil {
				return fmt.Errorf("level %d alternative %q: %w", l, a.ID, err)
			}
			if seen[a.ID] {
				return fmt.Errorf("level %d: duplicate alternative %q", l, a.ID)
			}
			seen[a.ID] = true
		}
	}
	for l := range rs.Levels {
		if !l.Valid() {
			return fmt.Errorf("unknown level %d", l)
		}
	}
	return nil
}

func (a Alternative) validate(l Level) error {
	if a.ID == "" || strings.Trim(a.ID, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
		return fmt.Errorf("id must be lower-case letters, digits and _")
	}
	if a.MinOccupationYears < 0 || a.MinCertificateYears < 0 {
		return fmt.Errorf("negative years")
	}
	if a.CertificateLevel != 0 && (!a.CertificateLevel.Valid() || a.CertificateLevel <= l) {
		return fmt.Errorf("certificate level %d is not below level %d", a.CertificateLevel, l)
	}
	if a.MinCertificateYears > 0 && a.CertificateLevel == 0 {
		return fmt.Errorf("certificate years without a certificate level")
	}
	for _, e := range a.Education {
		if !e.Valid() {
			return fmt.Errorf("unknown education %q", e)
		}
	}
	if a.MinOccupationYears == 0 && a.CertificateLevel == 0 && len(a.Education) == 0 && !a.Apprenticeship {
		return fmt.Errorf("no requirement")
	}
	return nil
}

// RuleSetNamed returns the rule set of that name; "" names DefaultConditions.
func RuleSetNamed(name string) (RuleSet, bool) { return ruleSetIn(ruleSets, name) }

func ruleSetIn(sets map[string]RuleSet, name string) (RuleSet, bool) {
	if name == "" {
		name = DefaultConditions
	}
	rs, ok := sets[name]
	return rs, ok
}

// RuleSetNames lists the names of the embedded rule sets, sorted.
func RuleSetNames() []string {
	names := make([]string, 0, len(ruleSets))
	for n := range ruleSets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// NeedsCertificate reports whether a previous certificate is part of the alternatives of level l: required
// is true when every alternative needs one, optional when only some do.
func (rs RuleSet) NeedsCertificate(l Level) (required, optional bool) {
	alts := rs.Levels[l]
	some, all := false, len(alts) > 0
	for _, a := range alts {
		if a.CertificateLevel != 0 {
			some = true
		} else {
			all = false
		}
	}
	return all, some && !all
}

// Describe is the alternative in Chinese, e.g. "取得本职业五级/初级工证书后累计从事本职业满4年".
func (a Alternative) Describe() string {
	var parts []string
	if a.Apprenticeship {
		parts = append(parts, "本职业学徒期满")
	}
	if a.CertificateLevel != 0 {
		if a.MinCertificateYears > 0 {
			parts = append(parts, fmt.Sprintf("取得本职业%s证书后累计从事本职业满%d年", a.CertificateLevel.Label(), a.MinCertificateYears))
		} else {
			parts = append(parts, fmt.Sprintf("取得本职业%s证书", a.CertificateLevel.Label()))
		}
	}
	if len(a.Education) > 0 {
		labels := make([]string, len(a.Education))
		for i, e := range a.Education {
			labels[i] = e.Label()
		}
		parts = append(parts, "具有"+strings.Join(labels, "、")+"学历（本专业或相关专业）")
	}
	if a.MinOccupationYears > 0 {
		parts = append(parts, fmt.Sprintf("累计从事本职业或相关职业满%d年", a.MinOccupationYears))
	}
	return strings.Join(parts, "，且")
}

// applicantFacts are the numbers the alternatives are judged on, worked out from a request.
type applicantFacts struct {
	occupationYears int
	cert            *PreviousCertificate
	certYears       int
	education       Education
	apprenticeship  bool
	asOf            Date
}

// unmet returns the reasons a does not hold for f and the field of the first one; none means it holds.
func (a Alternative) unmet(f applicantFacts) (reasons []string, field string) {
	add := func(fld, reason string) {
		if field == "" {
			field = fld
		}
		reasons = append(reasons, reason)
	}
	if a.Apprenticeship && !f.apprenticeship {
		add("apprenticeship_completed", "未声明学徒期满")
	}
	if a.CertificateLevel != 0 {
		switch {
		case f.cert == nil:
			add("previous_certificate", fmt.Sprintf("未提供%s证书", a.CertificateLevel.Label()))
		case f.cert.Level != a.CertificateLevel:
			add("previous_certificate.level", fmt.Sprintf("所持证书为%s，须为%s", f.cert.Level.Label(), a.CertificateLevel.Label()))
		case f.certYears < a.MinCertificateYears:
			add("previous_certificate.issued_on", fmt.Sprintf("截至%s取得证书仅满%d年", f.asOf, f.certYears))
		}
	}
	if len(a.Education) > 0 && !slices.Contains(a.Education, f.education) {
		switch have := f.education.Label(); {
		case have != "":
			add("education", "学历为"+have)
		case f.education == "":
			add("education", "未填写学历")
		default:
			add("education", "学历无效")
		}
	}
	if f.occupationYears < a.MinOccupationYears {
		add("occupation_started_on", fmt.Sprintf("截至%s从事本职业仅满%d年", f.asOf, f.occupationYears))
	}
	return reasons, field
}

// lateralLevels are the levels open to 平转: 技师 and below.
var lateralLevels = []Level{Level2, Level3, Level4, Level5}

// titleLevels maps a professional title's grade to the one level it opens by 贯通.
var titleLevels = map[TitleGrade]Level{
	TitleAssistant: Level3, TitleJunior: Level3,
	TitleIntermediate:    Level2,
	TitleAssociateSenior: Level1, TitleSenior: Level1,
}

// veteranLevels maps a veteran's wage-treatment level to the levels he may apply for: 初/中级工 treatment
// opens 五级 and 四级, 高级工 or above opens 三级.
var veteranLevels = map[Level][]Level{
	Level5: {Level5, Level4}, Level4: {Level5, Level4},
	Level3: {Level3}, Level2: {Level3}, Level1: {Level3},
}

// TitleLevel returns the level that a title of grade g opens by 贯通.
func TitleLevel(g TitleGrade) (Level, bool) { l, ok := titleLevels[g]; return l, ok }

// VeteranLevels returns the levels a veteran at wage-treatment level t may apply for.
func VeteranLevels(t Level) []Level { return slices.Clone(veteranLevels[t]) }

// LateralLevels returns the levels open to 平转.
func LateralLevels() []Level { return slices.Clone(lateralLevels) }
