package skillcert

import (
	"encoding/json"
	"fmt"
)

// FeeTable holds the assessment fees in fen (1 yuan = 100 fen) per level and component, as set by
// 内发改费字〔2015〕1552号. It is configuration: its JSON form is {"1": {"theory": 12000, …}, …}.
type FeeTable map[Level]map[Component]int64

// DefaultFees returns PLACEHOLDER fees (theory, skill and, for 技师/高级技师, comprehensive review, in fen).
// They are not the amounts of 内发改费字〔2015〕1552号: set the real table in configuration before taking
// payments (see ParseFeeTable).
func DefaultFees() FeeTable {
	return FeeTable{
		Level5: {ComponentTheory: 6000, ComponentSkill: 10000},
		Level4: {ComponentTheory: 7000, ComponentSkill: 12000},
		Level3: {ComponentTheory: 8000, ComponentSkill: 15000},
		Level2: {ComponentTheory: 10000, ComponentSkill: 20000, ComponentComprehensive: 20000},
		Level1: {ComponentTheory: 12000, ComponentSkill: 25000, ComponentComprehensive: 30000},
	}
}

// ParseFeeTable reads a fee table from JSON and validates it.
func ParseFeeTable(b []byte) (FeeTable, error) {
	var t FeeTable
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, fmt.Errorf("parse fee table: %w", err)
	}
	if err := t.Validate(); err != nil {
		return nil, fmt.Errorf("parse fee table: %w", err)
	}
	return t, nil
}

// Validate checks that every level has a non-negative fee for each component it sits (Components) and
// nothing else.
func (t FeeTable) Validate() error {
	for l, row := range t {
		if !l.Valid() {
			return Errorf(EINVALID, "收费标准中的等级 %d 无效", l)
		}
		for c, fen := range row {
			if !c.Valid() {
				return Errorf(EINVALID, "收费标准中%s的考核项目 %q 无效", l.Label(), c)
			}
			if fen < 0 {
				return Errorf(EINVALID, "收费标准中%s%s的金额为负数", l.Label(), c.Label())
			}
		}
		if len(row) != len(Components(l)) {
			return Errorf(EINVALID, "收费标准中%s的考核项目应为%d项", l.Label(), len(Components(l)))
		}
	}
	for _, l := range AllLevels {
		if _, err := t.Total(l); err != nil {
			return err
		}
	}
	return nil
}

// Total is the fee of an application at level: the sum of the components that level sits. It returns an
// *Error EINVALID for an invalid level and EINTERNAL when the table lacks a component's fee.
func (t FeeTable) Total(level Level) (int64, error) {
	if !level.Valid() {
		return 0, FieldError(EINVALID, "level", fmt.Sprintf("申报等级应为1至5：%d", level))
	}
	var sum int64
	for _, c := range Components(level) {
		fen, ok := t[level][c]
		if !ok || fen < 0 {
			return 0, Errorf(EINTERNAL, "收费标准缺少%s%s的金额", level.Label(), c.Label())
		}
		sum += fen
	}
	return sum, nil
}

// FormatFen writes an amount in fen as yuan with two decimals: 12345 → "123.45".
func FormatFen(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// CheckAmount checks that a payment of fen matches the fee of an application at level. A mismatch is an
// *Error EINVALID with Fields["amount_fen"] giving the expected amount; a broken table gives EINTERNAL.
func (t FeeTable) CheckAmount(level Level, fen int64) error {
	want, err := t.Total(level)
	if err != nil {
		return err
	}
	if fen != want {
		return FieldError(EINVALID, "amount_fen", fmt.Sprintf("缴费金额 %s 元与应缴金额 %s 元不符", FormatFen(fen), FormatFen(want)))
	}
	return nil
}
