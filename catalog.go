package skillcert

import (
	"embed"
	"encoding/json"
	"fmt"
	"slices"
)

//go:embed data/occupations.json data/conditions.json data/holiday-cn/*.json data/holiday-cn/LICENSE
var dataFS embed.FS

// Level is a skill level, 1 高级技师 (一级) … 5 初级工 (五级); a smaller number is a higher level.
type Level int

// The five skill levels (DOMAIN.md, "Levels").
const (
	Level1 Level = 1 // 一级 高级技师
	Level2 Level = 2 // 二级 技师
	Level3 Level = 3 // 三级 高级工
	Level4 Level = 4 // 四级 中级工
	Level5 Level = 5 // 五级 初级工
)

// AllLevels lists the levels from the highest (1) to the lowest (5).
var AllLevels = []Level{Level1, Level2, Level3, Level4, Level5}

var levelNames = [...]string{"", "高级技师", "技师", "高级工", "中级工", "初级工"}
var levelGrades = [...]string{"", "一级", "二级", "三级", "四级", "五级"}

// Valid reports whether l is one of the five levels.
func (l Level) Valid() bool { return l >= Level1 && l <= Level5 }

// Name is the level's title: 高级技师, 技师, 高级工, 中级工 or 初级工 ("" when l is not valid).
func (l Level) Name() string {
	if !l.Valid() {
		return ""
	}
	return levelNames[l]
}

// Grade is the level's number in words: 一级 … 五级 ("" when l is not valid).
func (l Level) Grade() string {
	if !l.Valid() {
		return ""
	}
	return levelGrades[l]
}

// Label is the grade and the name, e.g. "二级/技师", for messages.
func (l Level) Label() string {
	if !l.Valid() {
		return fmt.Sprintf("等级%d", int(l))
	}
	return l.Grade() + "/" + l.Name()
}

// NeedsComprehensiveReview reports whether the level adds 综合评审 by the committee to the theory and skill
// exams: 技师 and 高级技师 (levels 2 and 1).
func (l Level) NeedsComprehensiveReview() bool { return l == Level1 || l == Level2 }

// Pathway is the kind of application (申报类型).
type Pathway string

// The four pathways (DOMAIN.md, "Pathways").
const (
	PathwayStandard Pathway = "standard" // 初次/晋级
	PathwayLateral  Pathway = "lateral"  // 平转
	PathwayTitle    Pathway = "title"    // 贯通
	PathwayVeteran  Pathway = "veteran"  // 退役军人
)

var pathwayLabels = map[Pathway]string{
	PathwayStandard: "初次/晋级申报", PathwayLateral: "平转申报", PathwayTitle: "贯通申报", PathwayVeteran: "退役军人申报",
}

// Valid reports whether p is one of the four pathways.
func (p Pathway) Valid() bool { _, ok := pathwayLabels[p]; return ok }

// Label is the Chinese name of p.
func (p Pathway) Label() string { return pathwayLabels[p] }

// Education is the applicant's highest education.
type Education string

// The education values of API.md.
const (
	EducationJuniorHigh            Education = "junior_high"
	EducationHighSchool            Education = "high_school"
	EducationTechnicalSchool       Education = "technical_school"        // 技工学校
	EducationSeniorTechnicalSchool Education = "senior_technical_school" // 高级技工学校/技师学院
	EducationVocationalCollege     Education = "vocational_college"      // 大专/高职
	EducationBachelor              Education = "bachelor"
	EducationMaster                Education = "master"
	EducationDoctor                Education = "doctor"
)

var educationLabels = map[Education]string{
	EducationJuniorHigh: "初中及以下", EducationHighSchool: "高中/中专", EducationTechnicalSchool: "技工学校",
	EducationSeniorTechnicalSchool: "高级技工学校/技师学院", EducationVocationalCollege: "大专/高职",
	EducationBachelor: "本科", EducationMaster: "硕士研究生", EducationDoctor: "博士研究生",
}

// Valid reports whether e is one of the known education values.
func (e Education) Valid() bool { _, ok := educationLabels[e]; return ok }

// Label is the Chinese name of e.
func (e Education) Label() string { return educationLabels[e] }

// EmployerType says whether the applicant works for a 机关 or a 事业单位.
type EmployerType string

// The employer types.
const (
	EmployerAgency      EmployerType = "agency"      // 机关
	EmployerInstitution EmployerType = "institution" // 事业单位
)

// Valid reports whether t is agency or institution.
func (t EmployerType) Valid() bool { return t == EmployerAgency || t == EmployerInstitution }

// Label is the Chinese name of t.
func (t EmployerType) Label() string {
	switch t {
	case EmployerAgency:
		return "机关"
	case EmployerInstitution:
		return "事业单位"
	}
	return ""
}

// TitleGrade is the grade of a professional title (专业技术职称), for the 贯通 pathway.
type TitleGrade string

// The title grades of API.md.
const (
	TitleAssistant       TitleGrade = "assistant"        // 助理级
	TitleJunior          TitleGrade = "junior"           // 初级
	TitleIntermediate    TitleGrade = "intermediate"     // 中级
	TitleAssociateSenior TitleGrade = "associate_senior" // 副高级
	TitleSenior          TitleGrade = "senior"           // 正高级
)

var titleGradeLabels = map[TitleGrade]string{
	TitleAssistant: "助理级", TitleJunior: "初级", TitleIntermediate: "中级",
	TitleAssociateSenior: "副高级", TitleSenior: "正高级",
}

// Valid reports whether g is one of the five title grades.
func (g TitleGrade) Valid() bool { _, ok := titleGradeLabels[g]; return ok }

// Label is the Chinese name of g.
func (g TitleGrade) Label() string { return titleGradeLabels[g] }

// Occupation is an entry of the occupation catalog (职业目录): which levels it offers and which rule set
// of 申报条件 (see RuleSetNamed) applies to it.
type Occupation struct {
	Code       string  `json:"code"`
	Name       string  `json:"name"`
	Levels     []Level `json:"levels"`
	Conditions string  `json:"conditions"`
}

// Offers reports whether the occupation is assessed at level l.
func (o Occupation) Offers(l Level) bool { return slices.Contains(o.Levels, l) }

// DirectRegion is the region through whose co-organizer 自治区直属单位 apply.
const DirectRegion = "呼和浩特市"

type seedCatalog struct {
	Occupations []Occupation `json:"occupations"`
	Regions     []string     `json:"regions"`
	TitleFields []string     `json:"title_fields_for_guantong"`
}

var seed = mustLoadSeed()

// Regions are the 14 盟市 through which applicants apply, from the embedded data/occupations.json.
var Regions = slices.Clone(seed.Regions)

// TitleFields are the eight fields whose professional titles open the 贯通 pathway, from the embedded
// data/occupations.json.
var TitleFields = slices.Clone(seed.TitleFields)

func mustLoadSeed() seedCatalog {
	b, err := dataFS.ReadFile("data/occupations.json")
	if err != nil {
		panic(fmt.Sprintf("skillcert: read embedded occupations: %v", err))
	}
	var c seedCatalog
	if err := json.Unmarshal(b, &c); err != nil {
		panic(fmt.Sprintf("skillcert: parse embedded occupations: %v", err))
	}
	return c
}

// ValidRegion reports whether s is one of the 14 regions (exact Chinese name).
func ValidRegion(s string) bool { return slices.Contains(seed.Regions, s) }

// ValidTitleField reports whether s is one of the eight 贯通 fields (exact Chinese name).
func ValidTitleField(s string) bool { return slices.Contains(seed.TitleFields, s) }

// SeedOccupations returns the seed occupation catalog from the embedded data/occupations.json, for
// development and as the initial catalog; the caller may modify the copy.
func SeedOccupations() []Occupation {
	out := make([]Occupation, len(seed.Occupations))
	for i, o := range seed.Occupations {
		o.Levels = slices.Clone(o.Levels)
		out[i] = o
	}
	return out
}
