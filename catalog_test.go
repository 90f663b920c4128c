package skillcert

import (
	"bytes"
	"os"
	"slices"
	"testing"
)

// DOMAIN.md, "Levels": code, 等级, name, 综合评审.
func TestDomainLevels(t *testing.T) {
	tests := []struct {
		level         Level
		grade, name   string
		comprehensive bool
	}{
		{Level5, "五级", "初级工", false},
		{Level4, "四级", "中级工", false},
		{Level3, "三级", "高级工", false},
		{Level2, "二级", "技师", true},
		{Level1, "一级", "高级技师", true},
	}
	for _, tt := range tests {
		if !tt.level.Valid() || tt.level.Grade() != tt.grade || tt.level.Name() != tt.name ||
			tt.level.NeedsComprehensiveReview() != tt.comprehensive {
			t.Errorf("level %d = %s %s %v, want %s %s %v", tt.level, tt.level.Grade(), tt.level.Name(),
				tt.level.NeedsComprehensiveReview(), tt.grade, tt.name, tt.comprehensive)
		}
	}
	for _, l := range []Level{0, 6, -1} {
		if l.Valid() || l.Name() != "" || l.Grade() != "" || l.NeedsComprehensiveReview() {
			t.Errorf("level %d should be invalid", l)
		}
	}
}

func TestEnumValidity(t *testing.T) {
	tests := []struct {
		name  string
		valid func(string) bool
		good  []string
		bad   []string
	}{
		{"pathway", func(s string) bool { return Pathway(s).Valid() },
			[]string{"standard", "lateral", "title", "veteran"}, []string{"", "Standard", "promotion"}},
		{"education", func(s string) bool { return Education(s).Valid() },
			[]string{"junior_high", "high_school", "technical_school", "senior_technical_school",
				"vocational_college", "bachelor", "master", "doctor"}, []string{"", "college", "phd"}},
		{"employer_type", func(s string) bool { return EmployerType(s).Valid() },
			[]string{"agency", "institution"}, []string{"", "company"}},
		{"title.grade", func(s string) bool { return TitleGrade(s).Valid() },
			[]string{"assistant", "junior", "intermediate", "associate_senior", "senior"}, []string{"", "full_senior"}},
	}
	for _, tt := range tests {
		for _, s := range tt.good {
			if !tt.valid(s) {
				t.Errorf("%s %q should be valid", tt.name, s)
			}
		}
		for _, s := range tt.bad {
			if tt.valid(s) {
				t.Errorf("%s %q should be invalid", tt.name, s)
			}
		}
	}
	for _, p := range []Pathway{PathwayStandard, PathwayLateral, PathwayTitle, PathwayVeteran} {
		if p.Label() == "" {
			t.Errorf("pathway %s has no label", p)
		}
	}
}

// DOMAIN.md, "Regions (盟市, 14)" and "自治区直属单位 apply through the 呼和浩特 co-organizer".
func TestDomainRegions(t *testing.T) {
	want := []string{"呼和浩特市", "包头市", "乌海市", "赤峰市", "通辽市", "鄂尔多斯市", "呼伦贝尔市", "巴彦淖尔市",
		"乌兰察布市", "兴安盟", "锡林郭勒盟", "阿拉善盟", "满洲里市", "二连浩特市"}
	if !slices.Equal(Regions, want) {
		t.Errorf("Regions = %v, want %v", Regions, want)
	}
	for _, r := range want {
		if !ValidRegion(r) {
			t.Errorf("ValidRegion(%q) = false", r)
		}
	}
	for _, r := range []string{"", "呼和浩特", "北京市", "自治区直属"} {
		if ValidRegion(r) {
			t.Errorf("ValidRegion(%q) = true", r)
		}
	}
	if !ValidRegion(DirectRegion) || DirectRegion != "呼和浩特市" {
		t.Errorf("DirectRegion = %q", DirectRegion)
	}
}

// DOMAIN.md, 贯通: "a professional title in one of 8 fields".
func TestDomainTitleFields(t *testing.T) {
	want := []string{"工程", "农业", "工艺美术", "文物博物", "实验技术", "艺术", "体育", "技工院校教师"}
	if !slices.Equal(TitleFields, want) {
		t.Errorf("TitleFields = %v, want %v", TitleFields, want)
	}
	for _, f := range []string{"卫生", "教育", ""} {
		if ValidTitleField(f) {
			t.Errorf("ValidTitleField(%q) = true", f)
		}
	}
}

func TestSeedOccupations(t *testing.T) {
	occ := SeedOccupations()
	if len(occ) < 10 {
		t.Fatalf("only %d seed occupations", len(occ))
	}
	codes := map[string]bool{}
	for _, o := range occ {
		if o.Code == "" || o.Name == "" || codes[o.Code] {
			t.Errorf("bad or duplicate occupation %+v", o)
		}
		codes[o.Code] = true
		if _, ok := RuleSetNamed(o.Conditions); !ok {
			t.Errorf("occupation %s names unknown conditions %q", o.Code, o.Conditions)
		}
		if len(o.Levels) == 0 {
			t.Errorf("occupation %s offers no level", o.Code)
		}
		for _, l := range o.Levels {
			if !l.Valid() || !o.Offers(l) {
				t.Errorf("occupation %s: level %d", o.Code, l)
			}
		}
	}
	// The caller owns the copy.
	occ[0].Levels[0] = 99
	if SeedOccupations()[0].Levels[0] == 99 {
		t.Error("SeedOccupations shares its slices")
	}
	for _, o := range SeedOccupations() {
		if o.Code == "4-09-08-01" && (o.Offers(Level2) || !o.Offers(Level3)) {
			t.Errorf("保洁员 should offer levels 5–3 only, got %v", o.Levels)
		}
	}
}

// The embedded data must be the project's shared data, unchanged.
func TestEmbeddedDataMatchesShared(t *testing.T) {
	files := []string{"occupations.json", "holiday-cn/LICENSE", "holiday-cn/2022.json", "holiday-cn/2027.json"}
	for _, f := range files {
		shared, err := os.ReadFile("../shared/data/" + f)
		if err != nil {
			t.Skipf("shared data not present: %v", err)
		}
		embedded, err := dataFS.ReadFile("data/" + f)
		if err != nil {
			t.Fatalf("embedded %s: %v", f, err)
		}
		if !bytes.Equal(shared, embedded) {
			t.Errorf("data/%s differs from ../shared/data/%s", f, f)
		}
	}
}

func TestLabels(t *testing.T) {
	tests := []struct{ got, want string }{
		{EmployerAgency.Label(), "机关"},
		{EmployerInstitution.Label(), "事业单位"},
		{EmployerType("x").Label(), ""},
		{Level2.Label(), "二级/技师"},
		{Level(9).Label(), "等级9"},
		{TitleAssociateSenior.Label(), "副高级"},
		{EducationSeniorTechnicalSchool.Label(), "高级技工学校/技师学院"},
		{PathwayLateral.Label(), "平转申报"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("label %q, want %q", tt.got, tt.want)
		}
	}
}
