package skillcert

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Component is a part of the assessment.
type Component string

// The assessment components (DOMAIN.md, "Scores").
const (
	ComponentTheory        Component = "theory"        // 理论知识考试
	ComponentSkill         Component = "skill"         // 技能考核
	ComponentComprehensive Component = "comprehensive" // 综合评审 (技师, 高级技师)
)

// Valid reports whether c is a known component.
func (c Component) Valid() bool { return c.Label() != "" }

// Label is the Chinese name of c.
func (c Component) Label() string {
	switch c {
	case ComponentTheory:
		return "理论知识考试"
	case ComponentSkill:
		return "技能考核"
	case ComponentComprehensive:
		return "综合评审"
	}
	return ""
}

// Components lists the components a level sits: theory and skill, plus comprehensive review for 技师 and
// 高级技师. It returns nil for an invalid level.
func Components(level Level) []Component {
	switch {
	case !level.Valid():
		return nil
	case level.NeedsComprehensiveReview():
		return []Component{ComponentTheory, ComponentSkill, ComponentComprehensive}
	}
	return []Component{ComponentTheory, ComponentSkill}
}

// Score is a mark out of 100 in tenths of a point: 605 is 60.5. Its JSON form is the number (60.5).
type Score int

// Score bounds: a component passes at PassMark (60 分, inclusive).
const (
	PassMark Score = 600
	MaxScore Score = 1000
)

// ParseScore converts a mark such as 60.5 into a Score. It must lie in 0–100 and have at most one decimal;
// otherwise the error is an *Error EINVALID with Fields["score"].
func ParseScore(v float64) (Score, error) {
	tenths := v * 10
	r := math.Round(tenths)
	if math.IsNaN(v) || v < 0 || v > 100 || math.Abs(tenths-r) > 1e-9*math.Max(1, math.Abs(tenths)) {
		return 0, FieldError(EINVALID, "score", fmt.Sprintf("成绩应为0至100之间的数，最多一位小数（收到 %v）", v))
	}
	return Score(r), nil
}

// ParseScoreText reads a mark written as text, such as "60.5".
func ParseScoreText(s string) (Score, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil {
		return 0, FieldError(EINVALID, "score", fmt.Sprintf("成绩应为0至100之间的数，最多一位小数（收到 %q）", truncate(s, 20)))
	}
	return ParseScore(v)
}

// Valid reports whether s is within 0–100.
func (s Score) Valid() bool { return s >= 0 && s <= MaxScore }

// Float returns the mark as a number of points: 60.5.
func (s Score) Float() float64 { return float64(s) / 10 }

// Passed reports whether the mark reaches the pass mark of 60 (60.0 passes).
func (s Score) Passed() bool { return s >= PassMark }

// String writes the mark without a needless ".0": "60.5", "60".
func (s Score) String() string { return strconv.FormatFloat(s.Float(), 'f', -1, 64) }

// MarshalJSON writes the mark as a JSON number, e.g. 60.5.
func (s Score) MarshalJSON() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalJSON reads a JSON number with at most one decimal in 0–100; null leaves s unchanged.
func (s *Score) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	v, err := ParseScoreText(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// PanelMean is the committee's score: the mean of its members' scores, rounded half up to one decimal
// (60.25 → 60.3). It returns 0 for no scores.
func PanelMean(scores []Score) Score {
	if len(scores) == 0 {
		return 0
	}
	var sum int64
	for _, s := range scores {
		sum += int64(s)
	}
	n := int64(len(scores))
	if sum < 0 {
		return -Score((-2*sum + n) / (2 * n))
	}
	return Score((2*sum + n) / (2 * n))
}

// Scores are an application's marks; nil means not yet known.
type Scores struct {
	Theory        *Score `json:"theory,omitempty"`
	Skill         *Score `json:"skill,omitempty"`
	Comprehensive *Score `json:"comprehensive,omitempty"`
}

// Get returns the mark of component c (nil when unknown).
func (s Scores) Get(c Component) *Score {
	switch c {
	case ComponentTheory:
		return s.Theory
	case ComponentSkill:
		return s.Skill
	case ComponentComprehensive:
		return s.Comprehensive
	}
	return nil
}

// Outcome is the verdict on an application's scores.
type Outcome struct {
	Complete   bool        // the verdict is final: Passed says which way
	Passed     bool        // every component the level sits passed
	NeedsPanel bool        // theory and skill passed; the level now needs 综合评审
	Failed     []Component // the components below the pass mark
	Reasons    []string    // Chinese: why it failed, or what is still missing
}

// JudgeScores judges the scores of an application at level. Theory and skill must each reach 60; 技师 and
// 高级技师 then need 综合评审 ≥ 60 as well. A failed theory or skill mark decides at once (Complete, not
// Passed) even while the other is missing. While a needed mark is missing Complete is false; NeedsPanel
// says the missing mark is the committee's. A comprehensive mark is ignored for levels 3–5, and a mark
// outside 0–100 counts as missing.
func JudgeScores(level Level, s Scores) Outcome {
	var o Outcome
	if !level.Valid() {
		o.Reasons = []string{"申报等级无效，无法评定成绩"}
		return o
	}
	var missing []string
	for _, c := range []Component{ComponentTheory, ComponentSkill} {
		v := s.Get(c)
		switch {
		case v == nil:
			missing = append(missing, "尚缺"+c.Label()+"成绩")
		case !v.Valid():
			missing = append(missing, fmt.Sprintf("%s成绩 %s 无效", c.Label(), v))
		case !v.Passed():
			o.Failed = append(o.Failed, c)
			o.Reasons = append(o.Reasons, fmt.Sprintf("%s成绩 %s 分，未达到 60 分", c.Label(), v))
		}
	}
	if len(o.Failed) > 0 {
		o.Complete = true
		return o
	}
	if len(missing) > 0 {
		o.Reasons = missing
		return o
	}
	if !level.NeedsComprehensiveReview() {
		o.Complete, o.Passed = true, true
		return o
	}
	switch v := s.Comprehensive; {
	case v == nil:
		o.NeedsPanel = true
		o.Reasons = []string{"理论知识考试和技能考核合格，待技能人才评审委员会综合评审"}
	case !v.Valid():
		o.NeedsPanel = true
		o.Reasons = []string{fmt.Sprintf("综合评审成绩 %s 无效", v)}
	case !v.Passed():
		o.Complete = true
		o.Failed = []Component{ComponentComprehensive}
		o.Reasons = []string{fmt.Sprintf("综合评审成绩 %s 分，未达到 60 分", v)}
	default:
		o.Complete, o.Passed = true, true
	}
	return o
}
