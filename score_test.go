package skillcert

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"
)

// DOMAIN.md, "Scores: theory and skill are each 0–100"; issue: "at most one decimal".
func TestParseScore(t *testing.T) {
	tests := []struct {
		in   float64
		want Score
		ok   bool
	}{
		{60, 600, true},
		{60.5, 605, true},
		{59.9, 599, true},
		{0, 0, true},
		{100, 1000, true},
		{12.3, 123, true},
		{0.1, 1, true},
		{99.9, 999, true},
		{60.05, 0, false},
		{100.1, 0, false},
		{-0.1, 0, false},
		{-1, 0, false},
		{math.NaN(), 0, false},
		{math.Inf(1), 0, false},
		{math.Inf(-1), 0, false},
	}
	for _, tt := range tests {
		got, err := ParseScore(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseScore(%v) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
		if err != nil && (ErrorCode(err) != EINVALID || err.(*Error).Fields["score"] == "") {
			t.Errorf("ParseScore(%v) error %v lacks EINVALID score", tt.in, err)
		}
	}
	for _, s := range []string{"60.5", " 60 ", "0.0"} {
		if _, err := ParseScoreText(s); err != nil {
			t.Errorf("ParseScoreText(%q): %v", s, err)
		}
	}
	for _, s := range []string{"60.55", "六十", "", "1e3"} {
		if _, err := ParseScoreText(s); err == nil {
			t.Errorf("ParseScoreText(%q) accepted", s)
		}
	}
}

// DOMAIN.md: "pass ≥ 60 (60 passes)".
func TestScorePassed(t *testing.T) {
	tests := []struct {
		s    Score
		want bool
	}{{600, true}, {599, false}, {1000, true}, {0, false}, {605, true}}
	for _, tt := range tests {
		if tt.s.Passed() != tt.want {
			t.Errorf("Score(%d).Passed() = %v", tt.s, !tt.want)
		}
	}
	if PassMark != 600 {
		t.Errorf("PassMark = %d", PassMark)
	}
}

func TestScoreJSON(t *testing.T) {
	tests := []struct {
		s    Score
		json string
	}{{605, "60.5"}, {600, "60"}, {0, "0"}, {1000, "100"}, {1, "0.1"}}
	for _, tt := range tests {
		b, err := json.Marshal(tt.s)
		if err != nil || string(b) != tt.json {
			t.Errorf("Marshal(%d) = %s, %v; want %s", tt.s, b, err, tt.json)
		}
		var back Score
		if err := json.Unmarshal(b, &back); err != nil || back != tt.s {
			t.Errorf("Unmarshal(%s) = %d, %v", b, back, err)
		}
	}
	var s Scores
	if err := json.Unmarshal([]byte(`{"theory": 72.5, "skill": null}`), &s); err != nil || s.Theory == nil || *s.Theory != 725 || s.Skill != nil {
		t.Errorf("Scores = %+v, %v", s, err)
	}
	if err := json.Unmarshal([]byte(`{"theory": 72.55}`), &s); err == nil {
		t.Error("two decimals accepted")
	}
	if err := json.Unmarshal([]byte(`{"theory": "72"}`), &s); err == nil {
		t.Error("a string accepted as a score")
	}
	if b, _ := json.Marshal(Scores{Skill: ptr(Score(600))}); string(b) != `{"skill":60}` {
		t.Errorf("Marshal(Scores) = %s", b)
	}
}

func ptr(s Score) *Score { return &s }

// DOMAIN.md: "panel: configurable size, mean of members' scores"; rounded half up to one decimal.
func TestPanelMean(t *testing.T) {
	tests := []struct {
		in   []Score
		want Score
	}{
		{[]Score{600, 700}, 650},
		{[]Score{600, 605}, 603},      // 60.25 → 60.3 (half up)
		{[]Score{600, 600, 601}, 600}, // 60.033 → 60.0
		{[]Score{599, 600, 600}, 600}, // 59.967 → 60.0
		{[]Score{595, 596}, 596},      // 59.55 → 59.6
		{[]Score{800}, 800},
		{nil, 0},
	}
	for _, tt := range tests {
		if got := PanelMean(tt.in); got != tt.want {
			t.Errorf("PanelMean(%v) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

// DOMAIN.md: "技师/高级技师 also need 综合评审 ≥ 60 … Every component must pass."
func TestDomainJudgeScores(t *testing.T) {
	p, f := ptr(720), ptr(555)
	tests := []struct {
		name   string
		level  Level
		s      Scores
		want   Outcome
		reason string
	}{
		{"三级 both passed", Level3, Scores{Theory: p, Skill: ptr(600)}, Outcome{Complete: true, Passed: true}, ""},
		{"三级 theory failed", Level3, Scores{Theory: f, Skill: p}, Outcome{Complete: true, Failed: []Component{ComponentTheory}}, "理论知识考试成绩 55.5 分"},
		{"三级 both failed", Level3, Scores{Theory: f, Skill: f}, Outcome{Complete: true, Failed: []Component{ComponentTheory, ComponentSkill}}, "技能考核"},
		{"skill failed, theory missing: fail early", Level4, Scores{Skill: f}, Outcome{Complete: true, Failed: []Component{ComponentSkill}}, "技能考核"},
		{"theory passed, skill missing", Level5, Scores{Theory: p}, Outcome{}, "尚缺技能考核成绩"},
		{"nothing yet", Level5, Scores{}, Outcome{}, "尚缺理论知识考试成绩"},
		{"三级 ignores a comprehensive mark", Level3, Scores{Theory: p, Skill: p, Comprehensive: f}, Outcome{Complete: true, Passed: true}, ""},
		{"技师 needs the panel", Level2, Scores{Theory: p, Skill: p}, Outcome{NeedsPanel: true}, "综合评审"},
		{"技师 panel passed", Level2, Scores{Theory: p, Skill: p, Comprehensive: ptr(600)}, Outcome{Complete: true, Passed: true}, ""},
		{"高级技师 panel failed", Level1, Scores{Theory: p, Skill: p, Comprehensive: ptr(599)},
			Outcome{Complete: true, Failed: []Component{ComponentComprehensive}}, "综合评审成绩 59.9 分"},
		{"高级技师 theory failed before the panel", Level1, Scores{Theory: f, Skill: p},
			Outcome{Complete: true, Failed: []Component{ComponentTheory}}, "理论知识考试"},
		{"a mark over 100 counts as missing", Level3, Scores{Theory: ptr(1001), Skill: p}, Outcome{}, "无效"},
		{"invalid level", 0, Scores{Theory: p, Skill: p}, Outcome{}, "等级无效"},
	}
	for _, tt := range tests {
		got := JudgeScores(tt.level, tt.s)
		if got.Complete != tt.want.Complete || got.Passed != tt.want.Passed || got.NeedsPanel != tt.want.NeedsPanel ||
			!slices.Equal(got.Failed, tt.want.Failed) {
			t.Errorf("%s: JudgeScores = %+v, want %+v", tt.name, got, tt.want)
		}
		if tt.reason != "" && !strings.Contains(strings.Join(got.Reasons, "；"), tt.reason) {
			t.Errorf("%s: reasons %q lack %q", tt.name, got.Reasons, tt.reason)
		}
		if got.Passed && len(got.Reasons) != 0 {
			t.Errorf("%s: passed with reasons %q", tt.name, got.Reasons)
		}
	}
}

func TestComponents(t *testing.T) {
	tests := []struct {
		level Level
		want  []Component
	}{
		{Level5, []Component{ComponentTheory, ComponentSkill}},
		{Level3, []Component{ComponentTheory, ComponentSkill}},
		{Level2, []Component{ComponentTheory, ComponentSkill, ComponentComprehensive}},
		{Level1, []Component{ComponentTheory, ComponentSkill, ComponentComprehensive}},
		{0, nil},
	}
	for _, tt := range tests {
		if got := Components(tt.level); !slices.Equal(got, tt.want) {
			t.Errorf("Components(%d) = %v, want %v", tt.level, got, tt.want)
		}
	}
	if Component("x").Valid() || !ComponentComprehensive.Valid() {
		t.Error("Component.Valid")
	}
}
