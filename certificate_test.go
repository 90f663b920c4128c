package skillcert

import (
	"strings"
	"testing"
)

// DOMAIN.md: "Number format (22 chars): S + 0000 + 15 + 6-digit site code + YY + level digit + 6-digit serial".
func TestDomainCertificateNumber(t *testing.T) {
	tests := []struct {
		site   string
		year   int
		level  Level
		serial int
		want   string
		code   string
	}{
		{"150100", 2022, Level3, 1, "S00001515010022" + "3" + "000001", ""},
		{"000001", 2000, Level1, 999999, "S00001500000100" + "1" + "999999", ""},
		{"150100", 2099, Level5, 42, "S00001515010099" + "5" + "000042", ""},
		{"15010", 2022, Level3, 1, "", EINVALID},
		{"15010a", 2022, Level3, 1, "", EINVALID},
		{"150100", 1999, Level3, 1, "", EINVALID},
		{"150100", 2100, Level3, 1, "", EINVALID},
		{"150100", 2022, 0, 1, "", EINVALID},
		{"150100", 2022, 6, 1, "", EINVALID},
		{"150100", 2022, Level3, 0, "", EINVALID},
		{"150100", 2022, Level3, 1000000, "", EINVALID},
	}
	for _, tt := range tests {
		c, err := NewCertificateNumber(tt.site, tt.year, tt.level, tt.serial)
		if ErrorCode(err) != tt.code {
			t.Errorf("NewCertificateNumber(%q, %d, %d, %d) error = %v, want %q", tt.site, tt.year, tt.level, tt.serial, err, tt.code)
			continue
		}
		if err != nil {
			continue
		}
		s := c.String()
		if s != tt.want || len(s) != 22 {
			t.Errorf("String = %q, want %q", s, tt.want)
		}
		back, err := ParseCertificateNumber(s)
		if err != nil || back != c {
			t.Errorf("ParseCertificateNumber(%q) = %+v, %v; want %+v", s, back, err, c)
		}
	}
}

func TestParseCertificateNumber(t *testing.T) {
	tests := []struct {
		in     string
		want   CertificateNumber
		reason string
	}{
		{"S000015150100223000001", CertificateNumber{"150100", 2022, Level3, 1}, ""},
		{" s000015150100223000001 ", CertificateNumber{"150100", 2022, Level3, 1}, ""},
		{"S00001515010022300000", CertificateNumber{}, "22位"},
		{"Y000015150100223000001", CertificateNumber{}, "开头"},
		{"S000111150100223000001", CertificateNumber{}, "开头"}, // ministry-registered organisation
		{"S000013150100223000001", CertificateNumber{}, "开头"}, // another province
		{"S00001515010022300000A", CertificateNumber{}, "数字"},
		{"S000015150100226000001", CertificateNumber{}, "等级"},
		{"S000015150100220000001", CertificateNumber{}, "等级"},
		{"S000015150100223000000", CertificateNumber{}, "序号"},
		{"", CertificateNumber{}, "22位"},
	}
	for _, tt := range tests {
		got, err := ParseCertificateNumber(tt.in)
		if tt.reason == "" {
			if err != nil || got != tt.want {
				t.Errorf("ParseCertificateNumber(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
			}
			continue
		}
		e, ok := err.(*Error)
		if !ok || e.Code != EINVALID || !strings.Contains(e.Fields["certificate_number"], tt.reason) {
			t.Errorf("ParseCertificateNumber(%q) error = %v, want reason with %q", tt.in, err, tt.reason)
		}
	}
}

func TestParseNationalCertificate(t *testing.T) {
	tests := []struct {
		in     string
		format CertificateFormat
		year   int
		level  Level
		ok     bool
	}{
		{"S000015150100223000001", FormatSkillLevel, 2022, Level3, true},
		{"Y000123230100195000001", FormatSkillLevel, 2019, Level5, true}, // enterprise, ministry-registered, 黑龙江
		{"y000123230100195000001", FormatSkillLevel, 2019, Level5, true},
		{"1615010123505001", FormatQualification, 2016, Level5, true},
		{"9815010223205001", FormatQualification, 1998, Level2, true},
		{"X000015150100223000001", "", 0, 0, false},
		{"S000015150100229000001", "", 0, 0, false}, // level 9
		{"1615015123505001", "", 0, 0, false},       // institution type 5
		{"1615010123605001", "", 0, 0, false},       // level 6
		{"161501012350500", "", 0, 0, false},        // 15 digits
		{"1615O10123505001", "", 0, 0, false},       // letter O
		{"", "", 0, 0, false},
	}
	for _, tt := range tests {
		got, err := ParseNationalCertificate(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("ParseNationalCertificate(%q) error = %v, want ok=%v", tt.in, err, tt.ok)
			continue
		}
		if !tt.ok {
			if e, isErr := err.(*Error); !isErr || e.Fields["previous_certificate.number"] == "" {
				t.Errorf("ParseNationalCertificate(%q) error %v lacks the field", tt.in, err)
			}
			continue
		}
		if got.Format != tt.format || got.Year != tt.year || got.Level != tt.level || got.Number != strings.ToUpper(tt.in) {
			t.Errorf("ParseNationalCertificate(%q) = %+v", tt.in, got)
		}
	}
}
