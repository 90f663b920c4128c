package skillcert

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// IDNumber is a parsed 18-character resident identity number (公民身份号码, GB 11643-1999).
type IDNumber struct {
	Number       string // normalised: trimmed, check character X in upper case
	Birth        Date   // the birth date in digits 7–14
	Female       bool   // the 17th digit is even
	ProvinceCode string // the first two digits
}

// idProvinces are the accepted first two digits: the provinces of the mainland (GB/T 2260) and 81, 82, 83,
// which the residence permits of Hong Kong, Macao and Taiwan residents (港澳台居民居住证) carry. 71 (台湾)
// is refused: no number issued to a person starts with it.
var idProvinces = map[string]string{
	"11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古",
	"21": "辽宁", "22": "吉林", "23": "黑龙江",
	"31": "上海", "32": "江苏", "33": "浙江", "34": "安徽", "35": "福建", "36": "江西", "37": "山东",
	"41": "河南", "42": "湖北", "43": "湖南", "44": "广东", "45": "广西", "46": "海南",
	"50": "重庆", "51": "四川", "52": "贵州", "53": "云南", "54": "西藏",
	"61": "陕西", "62": "甘肃", "63": "青海", "64": "宁夏", "65": "新疆",
	"81": "香港", "82": "澳门", "83": "台湾",
}

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// IDCheckChar computes the ISO 7064 MOD 11-2 check character for the first 17 digits of an ID number.
// ok is false when first17 is not 17 ASCII digits.
func IDCheckChar(first17 string) (check byte, ok bool) {
	if len(first17) != 17 {
		return 0, false
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := first17[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		sum += int(c-'0') * idWeights[i]
	}
	return idCheckChars[sum%11], true
}

// idError is the *Error for an ID number whose given part is wrong.
func idError(reason string) error {
	return FieldError(EINVALID, "id_number", reason)
}

// ParseIDNumber checks and parses a resident ID number: 18 characters (surrounding spaces are ignored),
// the first 17 digits, a known province code (see idProvinces), a real birth date from 1900 on and not
// after today, and the MOD 11-2 check character (a lower-case x is accepted and normalised to X). When today
// is the zero Date the future check is skipped. Errors are *Error EINVALID with Fields["id_number"] naming
// the part that is wrong, in Chinese.
func ParseIDNumber(s string, today Date) (IDNumber, error) {
	n := strings.ToUpper(strings.TrimSpace(s))
	if runes := utf8.RuneCountInString(n); runes != 18 {
		return IDNumber{}, idError(fmt.Sprintf("身份证号码应为18位（现为%d位）", runes))
	}
	if len(n) != 18 {
		return IDNumber{}, idError("身份证号码只能由半角数字和X组成")
	}
	for i := 0; i < 17; i++ {
		if n[i] < '0' || n[i] > '9' {
			return IDNumber{}, idError(fmt.Sprintf("身份证号码前17位应为数字（第%d位不是数字）", i+1))
		}
	}
	if last := n[17]; (last < '0' || last > '9') && last != 'X' {
		return IDNumber{}, idError("身份证号码第18位（校验码）应为数字或X")
	}
	province := n[:2]
	if _, ok := idProvinces[province]; !ok {
		return IDNumber{}, idError(fmt.Sprintf("身份证号码前两位地址码「%s」不是有效的省级行政区划代码", province))
	}
	birth, err := ParseDate(n[6:10] + "-" + n[10:12] + "-" + n[12:14])
	if err != nil || birth.Year < 1900 {
		return IDNumber{}, idError(fmt.Sprintf("身份证号码第7至14位出生日期「%s」不是有效日期", n[6:14]))
	}
	if !today.IsZero() && birth.After(today) {
		return IDNumber{}, idError(fmt.Sprintf("身份证号码中的出生日期 %s 晚于今天", birth))
	}
	if want, _ := IDCheckChar(n[:17]); n[17] != want {
		return IDNumber{}, idError("身份证号码校验码错误，请核对号码是否输入有误")
	}
	return IDNumber{
		Number:       n,
		Birth:        birth,
		Female:       (n[16]-'0')%2 == 0,
		ProvinceCode: province,
	}, nil
}

// Age returns the person's age in whole years on asOf.
func (id IDNumber) Age(asOf Date) int { return FullYears(id.Birth, asOf) }

// Masked returns the number with all but the first 4 and the last 4 characters replaced by '*', e.g.
// 1501**********123X.
func (id IDNumber) Masked() string { return MaskIDNumber(id.Number) }

// MaskIDNumber masks any identity number for display: the first 4 and the last 4 characters stay, each
// character between them becomes '*'; a value of 8 characters or fewer is masked entirely.
func MaskIDNumber(s string) string {
	r := []rune(strings.TrimSpace(s))
	if len(r) <= 8 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:4]) + strings.Repeat("*", len(r)-8) + string(r[len(r)-4:])
}

// IDLookupHash returns the hex HMAC-SHA256 of a normalised ID number under key, so that numbers can be
// found (and duplicates refused) without storing them in clear. The number is trimmed and upper-cased
// first, so a lower-case x hashes like X.
func IDLookupHash(key []byte, normalized string) string {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(strings.ToUpper(strings.TrimSpace(normalized))))
	return hex.EncodeToString(mac.Sum(nil))
}

// MaskName masks a person's name for display: the first character stays, and so does the last when the
// name has three characters or more; every other character becomes '*' (a one-character name becomes "*"). The separator dot of Mongolian and
// other transliterated names (·, •, ・) is kept. 张三 → 张*, 王小明 → 王*明, 欧阳娜娜 → 欧**娜,
// 那顺·巴雅尔 → 那*·**尔.
func MaskName(name string) string {
	r := []rune(strings.TrimSpace(name))
	var b strings.Builder
	for i, c := range r {
		keep := (i == 0 && len(r) > 1) || (i == len(r)-1 && len(r) >= 3) || isNameDot(c)
		if keep {
			b.WriteRune(c)
		} else {
			b.WriteByte('*')
		}
	}
	return b.String()
}

func isNameDot(r rune) bool { return r == '·' || r == '•' || r == '・' || r == '.' }

// Password rules: MinPasswordLength characters at least, MaxPasswordBytes bytes at most (the bcrypt limit).
const (
	MinPasswordLength = 8
	MaxPasswordBytes  = 72
)

// CheckPassword enforces the password rule: at least 8 characters, at most 72 bytes, at least one ASCII
// letter and one digit, no spaces or control characters. It returns an *Error EINVALID with
// Fields["password"] saying what is missing.
func CheckPassword(pw string) error {
	fail := func(reason string) error { return FieldError(EINVALID, "password", reason) }
	if !utf8.ValidString(pw) {
		return fail("密码含有无效字符")
	}
	if utf8.RuneCountInString(pw) < MinPasswordLength {
		return fail(fmt.Sprintf("密码至少%d位", MinPasswordLength))
	}
	if len(pw) > MaxPasswordBytes {
		return fail(fmt.Sprintf("密码不能超过%d个字节", MaxPasswordBytes))
	}
	var letter, digit bool
	for _, c := range pw {
		switch {
		case unicode.IsSpace(c) || unicode.IsControl(c):
			return fail("密码不能包含空格或控制字符")
		case c >= '0' && c <= '9':
			digit = true
		case (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'):
			letter = true
		}
	}
	if !letter || !digit {
		return fail("密码须同时包含英文字母和数字")
	}
	return nil
}

// ValidPhone reports whether s is a mainland mobile number: 11 digits, 1 then 3–9 then nine digits.
func ValidPhone(s string) bool {
	if len(s) != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9' {
		return false
	}
	_, ok := atoiDigits(s)
	return ok
}

// SamePersonName reports whether a name given for a check (the public certificate query's ?name=) is the
// holder's name: spaces are ignored and the separator dots of transliterated names (·, •, ・, .) are the
// same dot. An empty name matches nothing.
func SamePersonName(given, holder string) bool {
	norm := func(s string) string {
		var b strings.Builder
		for _, r := range s {
			switch {
			case unicode.IsSpace(r):
			case isNameDot(r):
				b.WriteRune('·')
			default:
				b.WriteRune(r)
			}
		}
		return b.String()
	}
	g, h := norm(given), norm(holder)
	return g != "" && subtle.ConstantTimeCompare([]byte(g), []byte(h)) == 1
}
