package skillcert

import (
	"encoding/json"
	"strings"
	"testing"
)

// DOMAIN.md: "the amount must match the fee (configurable fee table per level and component)".
func TestFeeTotal(t *testing.T) {
	table := FeeTable{
		Level5: {ComponentTheory: 100, ComponentSkill: 200},
		Level4: {ComponentTheory: 100, ComponentSkill: 200},
		Level3: {ComponentTheory: 100, ComponentSkill: 200},
		Level2: {ComponentTheory: 100, ComponentSkill: 200, ComponentComprehensive: 400},
		Level1: {ComponentTheory: 100, ComponentSkill: 200, ComponentComprehensive: 800},
	}
	tests := []struct {
		level Level
		want  int64
		code  string
	}{
		{Level5, 300, ""},
		{Level3, 300, ""},
		{Level2, 700, ""},  // + comprehensive review
		{Level1, 1100, ""}, // + comprehensive review
		{0, 0, EINVALID},
	}
	for _, tt := range tests {
		got, err := table.Total(tt.level)
		if got != tt.want || ErrorCode(err) != tt.code {
			t.Errorf("Total(%d) = %d, %v; want %d, %q", tt.level, got, err, tt.want, tt.code)
		}
	}
	if err := table.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
	delete(table[Level2], ComponentComprehensive)
	if _, err := table.Total(Level2); ErrorCode(err) != EINTERNAL {
		t.Errorf("Total without a component fee: %v", err)
	}
}

func TestDefaultFees(t *testing.T) {
	fees := DefaultFees()
	if err := fees.Validate(); err != nil {
		t.Fatalf("DefaultFees invalid: %v", err)
	}
	for _, l := range AllLevels {
		total, err := fees.Total(l)
		if err != nil || total <= 0 {
			t.Errorf("Total(%d) = %d, %v", l, total, err)
		}
	}
	// A higher level never costs less.
	for i := 1; i < len(AllLevels); i++ {
		hi, _ := fees.Total(AllLevels[i-1])
		lo, _ := fees.Total(AllLevels[i])
		if hi < lo {
			t.Errorf("level %d costs %d, less than level %d at %d", AllLevels[i-1], hi, AllLevels[i], lo)
		}
	}
}

func TestParseFeeTable(t *testing.T) {
	b, err := json.Marshal(DefaultFees())
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseFeeTable(b)
	if err != nil {
		t.Fatalf("round trip: %v (%s)", err, b)
	}
	if x, _ := back.Total(Level1); x != 67000 {
		t.Errorf("round trip Total(1) = %d", x)
	}
	bad := []struct{ name, json, want string }{
		{"negative", `{"5":{"theory":-1,"skill":1}}`, "负数"},
		{"unknown component", `{"5":{"theory":1,"skill":1,"oral":1}}`, "考核项目"},
		{"level 7", `{"7":{"theory":1,"skill":1}}`, "等级"},
		{"missing comprehensive", `{"5":{"theory":1,"skill":1},"4":{"theory":1,"skill":1},"3":{"theory":1,"skill":1},"2":{"theory":1,"skill":1},"1":{"theory":1,"skill":1,"comprehensive":1}}`, "3项"},
		{"missing level", `{"5":{"theory":1,"skill":1}}`, "缺少"},
		{"not JSON", `{`, "parse"},
	}
	for _, tt := range bad {
		if _, err := ParseFeeTable([]byte(tt.json)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestFormatFen(t *testing.T) {
	tests := []struct {
		fen  int64
		want string
	}{{12345, "123.45"}, {5, "0.05"}, {100, "1.00"}, {0, "0.00"}, {-250, "-2.50"}}
	for _, tt := range tests {
		if got := FormatFen(tt.fen); got != tt.want {
			t.Errorf("FormatFen(%d) = %q, want %q", tt.fen, got, tt.want)
		}
	}
}

// DOMAIN.md: "the amount must match the fee".
func TestFeeCheckAmount(t *testing.T) {
	fees := FeeTable{Level5: {ComponentTheory: 100, ComponentSkill: 250}}
	tests := []struct {
		name  string
		level Level
		fen   int64
		code  string
	}{
		{"exact amount", Level5, 350, ""},
		{"one fen short", Level5, 349, EINVALID},
		{"one fen over", Level5, 351, EINVALID},
		{"level missing from the table", Level4, 350, EINTERNAL},
	}
	for _, tt := range tests {
		err := fees.CheckAmount(tt.level, tt.fen)
		if ErrorCode(err) != tt.code {
			t.Errorf("%s: CheckAmount = %v, want %q", tt.name, err, tt.code)
		}
		if tt.code == EINVALID && !strings.Contains(err.(*Error).Fields["amount_fen"], "3.50") {
			t.Errorf("%s: reason %v does not give the expected amount", tt.name, err)
		}
	}
}
