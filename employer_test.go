package skillcert

import "testing"

func TestNormalizeEmployer(t *testing.T) {
	same := [][2]string{
		{"内蒙古职业技术学院", " 内蒙古职业技术学院 "},
		{"内蒙古职业技术学院", "内蒙古 职业\t技术\u3000学院"},
		{"内蒙古大学", "内蒙古大学（南校区）"},
		{"内蒙古大学", "内蒙古大学 (南校区) "},
		{"包头医学院", "包头医学院（东河校区）(二部)"},
		{"包头医学院", "包头医学院（东河（老）校区）"},
		{"Inner Mongolia University", "inner   mongolia  university (South Campus)"},
		{"ＡＢＣ公司", "abc公司"},
	}
	for _, p := range same {
		if !SameEmployer(p[0], p[1]) {
			t.Errorf("SameEmployer(%q, %q) = false (%q vs %q)", p[0], p[1], NormalizeEmployer(p[0]), NormalizeEmployer(p[1]))
		}
	}
	different := [][2]string{
		{"内蒙古大学", "内蒙古农业大学"},
		{"内蒙古大学", "内蒙古大学附属医院"},
		{"", ""},
		{"  ", "（南校区）"},
		{"innermongolia", "inner mongolia"},
	}
	for _, p := range different {
		if SameEmployer(p[0], p[1]) {
			t.Errorf("SameEmployer(%q, %q) = true (%q)", p[0], p[1], NormalizeEmployer(p[0]))
		}
	}
	if got := NormalizeEmployer("（筹）"); got != "(筹)" {
		t.Errorf("a name that is only a parenthesis is kept: got %q", got)
	}
}
