package skillcert

import (
	"fmt"
	"strings"
)

// CertificatePrefix begins every certificate number this system issues: S (社会培训评价组织), 0000 (an
// organisation registered with the province rather than the ministry) and 15 (内蒙古).
const CertificatePrefix = "S" + "0000" + "15"

// CertificateNumberLength is the length of a 职业技能等级证书 number.
const CertificateNumberLength = 22

// CertificateNumber is a certificate number of this system, in parts. Its string form is
// CertificatePrefix + 6-digit site code + 2-digit year + level digit + 6-digit serial (22 characters).
type CertificateNumber struct {
	SiteCode string // 6 digits: the 评价机构(站点) serial assigned by the province
	Year     int    // full year of issue, 2000–2099
	Level    Level
	Serial   int // 1–999999, per site, year and level
}

// NewCertificateNumber checks the parts and returns the number. Errors are *Error EINVALID.
func NewCertificateNumber(siteCode string, year int, level Level, serial int) (CertificateNumber, error) {
	c := CertificateNumber{SiteCode: siteCode, Year: year, Level: level, Serial: serial}
	if err := c.validate(); err != nil {
		return CertificateNumber{}, err
	}
	return c, nil
}

func (c CertificateNumber) validate() error {
	if _, ok := atoiDigits(c.SiteCode); !ok || len(c.SiteCode) != 6 {
		return FieldError(EINVALID, "certificate_number", fmt.Sprintf("站点代码应为6位数字：%q", c.SiteCode))
	}
	if c.Year < 2000 || c.Year > 2099 {
		return FieldError(EINVALID, "certificate_number", fmt.Sprintf("发证年份应在2000至2099之间：%d", c.Year))
	}
	if !c.Level.Valid() {
		return FieldError(EINVALID, "certificate_number", fmt.Sprintf("等级应为1至5：%d", c.Level))
	}
	if c.Serial < 1 || c.Serial > 999999 {
		return FieldError(EINVALID, "certificate_number", fmt.Sprintf("证书序号应在1至999999之间：%d", c.Serial))
	}
	return nil
}

// String returns the 22-character number.
func (c CertificateNumber) String() string {
	return fmt.Sprintf("%s%s%02d%d%06d", CertificatePrefix, c.SiteCode, c.Year%100, int(c.Level), c.Serial)
}

// ParseCertificateNumber parses a number issued by this system (surrounding spaces ignored, a lower-case s
// accepted). Numbers of other organisations or provinces are refused here; see ParseNationalCertificate.
// Errors are *Error EINVALID with Fields["certificate_number"] saying which part is wrong.
func ParseCertificateNumber(s string) (CertificateNumber, error) {
	n := strings.ToUpper(strings.TrimSpace(s))
	fail := func(reason string) (CertificateNumber, error) {
		return CertificateNumber{}, FieldError(EINVALID, "certificate_number", reason)
	}
	if len(n) != CertificateNumberLength {
		return fail(fmt.Sprintf("证书编号应为%d位", CertificateNumberLength))
	}
	if !strings.HasPrefix(n, CertificatePrefix) {
		return fail("证书编号应以 " + CertificatePrefix + " 开头（本机构颁发的证书）")
	}
	if _, ok := atoiDigits(n[len(CertificatePrefix):]); !ok {
		return fail("证书编号第8至22位应为数字")
	}
	yy, _ := atoiDigits(n[13:15])
	lvl, _ := atoiDigits(n[15:16])
	serial, _ := atoiDigits(n[16:22])
	c := CertificateNumber{SiteCode: n[7:13], Year: 2000 + yy, Level: Level(lvl), Serial: serial}
	if !c.Level.Valid() {
		return fail("证书编号第16位（等级代码）应为1至5")
	}
	if serial == 0 {
		return fail("证书编号第17至22位（证书序号）不能为000000")
	}
	return c, nil
}

// CertificateFormat names the national numbering scheme a previous certificate number follows.
type CertificateFormat string

// The national certificate number formats accepted for a previous certificate.
const (
	// FormatSkillLevel is the 22-character 职业技能等级证书 number of 2020 on: Y (用人单位) or S (社会培训评价组织),
	// 4-digit organisation code, 2-digit province, 6-digit site, 2-digit year, level digit, 6-digit serial.
	FormatSkillLevel CertificateFormat = "skill_level"
	// FormatQualification is the 16-digit 国家职业资格证书 number of before 2020: 2-digit year, 2-digit
	// province or ministry, 2-digit city, institution type (0–4), 3-digit institution, level digit, 5-digit serial.
	FormatQualification CertificateFormat = "qualification"
)

// NationalCertificate is what the format of a previous certificate number tells, without any registry.
type NationalCertificate struct {
	Number string // normalised: trimmed, upper case
	Format CertificateFormat
	Year   int   // full year of issue: 20YY, except 19YY for a 16-digit number with YY above 50
	Level  Level // the level digit
}

// ParseNationalCertificate checks the format of a certificate number from any issuer: the 22-character
// 职业技能等级证书 format (of which this system's numbers are a case) or the 16-digit 国家职业资格证书
// format. Shanghai's old 13-digit numbers must be given padded with 000 to 16 digits, as the national query
// site asks. Only the format is checked; whether the certificate exists is for the reviewer to verify.
func ParseNationalCertificate(s string) (NationalCertificate, error) {
	n := strings.ToUpper(strings.TrimSpace(s))
	fail := func(reason string) (NationalCertificate, error) {
		return NationalCertificate{}, FieldError(EINVALID, "previous_certificate.number", reason)
	}
	var c NationalCertificate
	switch len(n) {
	case CertificateNumberLength:
		if n[0] != 'Y' && n[0] != 'S' {
			return fail("22位职业技能等级证书编号应以 Y 或 S 开头")
		}
		if _, ok := atoiDigits(n[1:]); !ok {
			return fail("22位职业技能等级证书编号第2至22位应为数字")
		}
		yy, _ := atoiDigits(n[13:15])
		lvl, _ := atoiDigits(n[15:16])
		c = NationalCertificate{Number: n, Format: FormatSkillLevel, Year: 2000 + yy, Level: Level(lvl)}
	case 16:
		if _, ok := atoiDigits(n); !ok {
			return fail("16位职业资格证书编号应全为数字")
		}
		if n[6] > '4' {
			return fail("16位职业资格证书编号第7位（机构识别码）应为0至4")
		}
		yy, _ := atoiDigits(n[0:2])
		lvl, _ := atoiDigits(n[10:11])
		year := 2000 + yy
		if yy > 50 {
			year = 1900 + yy
		}
		c = NationalCertificate{Number: n, Format: FormatQualification, Year: year, Level: Level(lvl)}
	default:
		return fail("证书编号应为22位（职业技能等级证书）或16位（职业资格证书）")
	}
	if !c.Level.Valid() {
		return fail("证书编号中的等级代码应为1至5")
	}
	return c, nil
}
