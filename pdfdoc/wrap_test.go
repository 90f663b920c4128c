package pdfdoc

import (
	"os"
	"strings"
	"testing"
)

func TestWrap(t *testing.T) {
	path, err := FindFont(os.Getenv)
	if err != nil {
		t.Fatal(err)
	}
	r, err := NewRenderer(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := r.newDoc(false)
	if err != nil {
		t.Fatal(err)
	}
	d.setSize(11)
	tests := []struct {
		name  string
		text  string
		width float64
		keep  []string // must each stay on one line
	}{
		{"Chinese with Latin words", strings.Repeat("职业技能等级认定是对劳动者技能水平的评价。Temporal workflow 123，", 4), 300, []string{"Temporal", "workflow"}},
		{"brackets stay with their content", "申报职业（工种）计算机网络管理员（4-07-05-04）", 120, []string{"4-07-05-04"}},
		{"one long word is split", strings.Repeat("A", 200), 100, nil},
		{"newlines are breaks", "第一行\n第二行", 500, []string{"第一行", "第二行"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := d.wrap(tt.text, tt.width)
			joined := strings.Join(lines, "")
			if strings.ReplaceAll(joined, " ", "") != strings.ReplaceAll(strings.ReplaceAll(tt.text, "\n", ""), " ", "") {
				t.Fatalf("lines %q lose or add text", lines)
			}
			for i, line := range lines {
				if w := d.measure(line); w > tt.width+0.01 {
					t.Errorf("line %d %q is %.1f wide, limit %.1f", i, line, w, tt.width)
				}
				if i > 0 && line != "" && strings.ContainsRune(noLineStart, []rune(line)[0]) {
					t.Errorf("line %d %q starts with closing punctuation", i, line)
				}
				if r := []rune(line); len(r) > 0 && i < len(lines)-1 && strings.ContainsRune(noLineEnd, r[len(r)-1]) {
					t.Errorf("line %d %q ends with an opening bracket", i, line)
				}
			}
			for _, word := range tt.keep {
				found := false
				for _, line := range lines {
					found = found || strings.Contains(line, word)
				}
				if !found {
					t.Errorf("%q was split across lines: %q", word, lines)
				}
			}
		})
	}
}
