package skillcert

import (
	"strings"
	"testing"
	"time"
)

var today = Date{2022, time.June, 21}

// Fixtures computed independently (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, check 10X98765432).
func TestParseIDNumber(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		ok       bool
		number   string
		birth    Date
		female   bool
		province string
		reason   string // part of the Chinese reason when !ok
	}{
		{"issue example, check char X", "11010519491231002X", true, "11010519491231002X", Date{1949, 12, 31}, true, "11", ""},
		{"lower-case x normalised", "11010519491231002x", true, "11010519491231002X", Date{1949, 12, 31}, true, "11", ""},
		{"spaces trimmed", " 150102198503151239 ", true, "150102198503151239", Date{1985, 3, 15}, false, "15", ""},
		{"odd 17th digit is male", "150102198503151239", true, "150102198503151239", Date{1985, 3, 15}, false, "15", ""},
		{"even 17th digit is female", "150102198503151247", true, "150102198503151247", Date{1985, 3, 15}, true, "15", ""},
		{"leap day", "150102200002290011", true, "150102200002290011", Date{2000, 2, 29}, false, "15", ""},
		{"Hong Kong residence permit", "810000199001010019", true, "810000199001010019", Date{1990, 1, 1}, false, "81", ""},
		{"Taiwan residence permit", "830000199001010020", true, "830000199001010020", Date{1990, 1, 1}, true, "83", ""},
		{"born 1900-01-01", "150102190001010018", true, "150102190001010018", Date{1900, 1, 1}, false, "15", ""},
		{"issue example, wrong check char", "110105194912310021", false, "", Date{}, false, "", "校验码"},
		{"too short", "15010219850315123", false, "", Date{}, false, "", "18位"},
		{"too long", "1501021985031512390", false, "", Date{}, false, "", "18位"},
		{"letter inside", "1501021985O3151239", false, "", Date{}, false, "", "前17位"},
		{"bad last char", "15010219850315123Y", false, "", Date{}, false, "", "第18位"},
		{"unknown province 99", "990102198503151235", false, "", Date{}, false, "", "地址码"},
		{"71 refused", "710000199001010015", false, "", Date{}, false, "", "地址码"},
		{"no 30 February", "150102198502301231", false, "", Date{}, false, "", "出生日期"},
		{"born before 1900", "150102189912310013", false, "", Date{}, false, "", "出生日期"},
		{"born in the future", "150102203001010018", false, "", Date{}, false, "", "晚于今天"},
		{"full-width digits", "１５0102198503151239", false, "", Date{}, false, "", "半角"},
		{"empty", "", false, "", Date{}, false, "", "18位"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := ParseIDNumber(tt.in, today)
			if !tt.ok {
				e, isDomain := err.(*Error)
				if !isDomain || e.Code != EINVALID || !strings.Contains(e.Fields["id_number"], tt.reason) {
					t.Fatalf("ParseIDNumber(%q) = %+v, %v; want EINVALID id_number mentioning %q", tt.in, id, err, tt.reason)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseIDNumber(%q): %v", tt.in, err)
			}
			want := IDNumber{Number: tt.number, Birth: tt.birth, Female: tt.female, ProvinceCode: tt.province}
			if id != want {
				t.Errorf("ParseIDNumber(%q) = %+v, want %+v", tt.in, id, want)
			}
		})
	}
	// Without a today the future check is skipped.
	if _, err := ParseIDNumber("150102203001010018", Date{}); err != nil {
		t.Errorf("zero today: %v", err)
	}
}

func TestIDNumberAgeAndMask(t *testing.T) {
	id, err := ParseIDNumber("150102198503151239", today)
	if err != nil {
		t.Fatal(err)
	}
	if got := id.Age(Date{2022, 3, 14}); got != 36 {
		t.Errorf("Age the day before the birthday = %d, want 36", got)
	}
	if got := id.Age(Date{2022, 3, 15}); got != 37 {
		t.Errorf("Age on the birthday = %d, want 37", got)
	}
	tests := []struct{ in, want string }{
		{"150102198503151239", "1501**********1239"},
		{"11010519491231002X", "1101**********002X"},
		{"123456789", "1234*6789"},
		{"12345678", "********"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskIDNumber(tt.in); got != tt.want {
			t.Errorf("MaskIDNumber(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if id.Masked() != "1501**********1239" {
		t.Errorf("Masked = %q", id.Masked())
	}
}

func TestIDLookupHash(t *testing.T) {
	key := []byte("secret")
	h := IDLookupHash(key, "11010519491231002X")
	if len(h) != 64 || strings.Trim(h, "0123456789abcdef") != "" {
		t.Fatalf("hash %q is not 64 hex digits", h)
	}
	if IDLookupHash(key, "11010519491231002x") != h || IDLookupHash(key, " 11010519491231002X ") != h {
		t.Error("hash depends on case or spaces")
	}
	if IDLookupHash([]byte("other"), "11010519491231002X") == h {
		t.Error("hash does not depend on the key")
	}
	if IDLookupHash(key, "150102198503151239") == h {
		t.Error("different numbers hash alike")
	}
	// HMAC-SHA256(key "key", "11010519491231002X"), computed independently with Python's hmac module.
	const want = "c702e187e6363f417304a7cb1ac993b0f8d3b0255ed35027ccd9ddc60b32b2d4"
	if got := IDLookupHash([]byte("key"), "11010519491231002x"); got != want {
		t.Errorf("IDLookupHash = %s, want %s", got, want)
	}
}

func TestMaskName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"张三", "张*"},
		{"王小明", "王*明"},
		{"欧阳娜娜", "欧**娜"},
		{"那顺·巴雅尔", "那*·**尔"},
		{"张", "*"},
		{" 李四 ", "李*"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := MaskName(tt.in); got != tt.want {
			t.Errorf("MaskName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		pw     string
		reason string // "" when accepted
	}{
		{"abc12345", ""},
		{"Passw0rd!", ""},
		{"密码abc12345", ""},
		{"abc1234", "至少8位"},
		{"abcdefgh", "字母和数字"},
		{"12345678", "字母和数字"},
		{"abc 12345", "空格"},
		{"abc\t12345", "空格"},
		{strings.Repeat("a1", 37), "72"},
		{"abc\xff12345", "无效字符"},
	}
	for _, tt := range tests {
		err := CheckPassword(tt.pw)
		if tt.reason == "" {
			if err != nil {
				t.Errorf("CheckPassword(%q) = %v, want nil", tt.pw, err)
			}
			continue
		}
		e, ok := err.(*Error)
		if !ok || e.Code != EINVALID || !strings.Contains(e.Fields["password"], tt.reason) {
			t.Errorf("CheckPassword(%q) = %v, want EINVALID password mentioning %q", tt.pw, err, tt.reason)
		}
	}
}

func TestValidPhone(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"13800138000", true}, {"19912345678", true}, {"15647100000", true},
		{"12800138000", false}, {"10800138000", false}, {"23800138000", false},
		{"1380013800", false}, {"138001380000", false}, {"1380013800a", false},
		{"+8613800138000", false}, {"", false}, {"138 0013 8000", false},
	}
	for _, tt := range tests {
		if got := ValidPhone(tt.in); got != tt.ok {
			t.Errorf("ValidPhone(%q) = %v, want %v", tt.in, got, tt.ok)
		}
	}
}

func TestSamePersonName(t *testing.T) {
	for _, c := range []struct {
		given, holder string
		want          bool
	}{
		{"王小明", "王小明", true},
		{" 王 小明 ", "王小明", true},
		{"那顺•巴雅尔", "那顺·巴雅尔", true},
		{"王小", "王小明", false},
		{"王*明", "王小明", false},
		{"", "", false},
		{"  ", "王小明", false},
	} {
		if got := SamePersonName(c.given, c.holder); got != c.want {
			t.Errorf("SamePersonName(%q, %q) = %v", c.given, c.holder, got)
		}
	}
}
