package skillcert

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// The seed corpora of these targets live in testdata/fuzz/<target>/; run one with, e.g.,
// go test -run '^$' -fuzz '^FuzzParseIDNumber$' -fuzztime 60s .

func FuzzParseIDNumber(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "110105194912310021", "11010519491231002x", "150102200002290011",
		"830000199001010020", "710000199001010015", "150102203001010018", " 150102198503151239 ", "", "X"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseIDNumber(s, today)
		if err != nil {
			e, ok := err.(*Error)
			if !ok || e.Code != EINVALID || e.Fields["id_number"] == "" {
				t.Fatalf("ParseIDNumber(%q) error %v is not EINVALID with an id_number reason", s, err)
			}
			return
		}
		if id.Number != strings.ToUpper(strings.TrimSpace(s)) || len(id.Number) != 18 {
			t.Fatalf("ParseIDNumber(%q).Number = %q", s, id.Number)
		}
		if check, _ := IDCheckChar(id.Number[:17]); check != id.Number[17] {
			t.Fatalf("accepted %q with check char %c, want %c", s, id.Number[17], check)
		}
		if id.Birth.After(today) || id.Birth.Year < 1900 || id.ProvinceCode != id.Number[:2] {
			t.Fatalf("accepted %q with birth %v province %s", s, id.Birth, id.ProvinceCode)
		}
		again, err := ParseIDNumber(id.Number, today)
		if err != nil || again != id {
			t.Fatalf("normalised %q does not parse back: %+v, %v", id.Number, again, err)
		}
		if m := id.Masked(); utf8.RuneCountInString(m) != 18 || m[:4] != id.Number[:4] || strings.Count(m, "*") != 10 {
			t.Fatalf("Masked(%q) = %q", id.Number, m)
		}
		// Any other check character must be refused.
		for _, c := range "0123456789X" {
			if byte(c) == id.Number[17] {
				continue
			}
			if _, err := ParseIDNumber(id.Number[:17]+string(c), today); err == nil {
				t.Fatalf("wrong check char %c accepted for %s", c, id.Number[:17])
			}
		}
	})
}

func FuzzParseCertificateNumber(f *testing.F) {
	for _, s := range []string{"S000015150100223000001", " s000015150100223000001 ", "S000015150100226000001",
		"S000015150100223000000", "Y000123230100195000001", "1615010123505001", "S00001515010022300000", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCertificateNumber(s)
		if err != nil {
			if e, ok := err.(*Error); !ok || e.Code != EINVALID || e.Fields["certificate_number"] == "" {
				t.Fatalf("ParseCertificateNumber(%q) error %v lacks EINVALID certificate_number", s, err)
			}
		} else {
			if c.String() != strings.ToUpper(strings.TrimSpace(s)) {
				t.Fatalf("ParseCertificateNumber(%q).String() = %q", s, c.String())
			}
			built, err := NewCertificateNumber(c.SiteCode, c.Year, c.Level, c.Serial)
			if err != nil || built != c {
				t.Fatalf("parts of %q do not rebuild it: %+v, %v", s, built, err)
			}
			nc, err := ParseNationalCertificate(s)
			if err != nil || nc.Level != c.Level || nc.Year != c.Year || nc.Format != FormatSkillLevel {
				t.Fatalf("own number %q is not a national one: %+v, %v", s, nc, err)
			}
		}
		if nc, err := ParseNationalCertificate(s); err == nil {
			if !nc.Level.Valid() || (len(nc.Number) != 22 && len(nc.Number) != 16) {
				t.Fatalf("ParseNationalCertificate(%q) = %+v", s, nc)
			}
		} else if e, ok := err.(*Error); !ok || e.Fields["previous_certificate.number"] == "" {
			t.Fatalf("ParseNationalCertificate(%q) error %v lacks the field", s, err)
		}
	})
}

// fuzzRequest builds an eligibility request from fuzzed primitives; day offsets count back from AsOf.
func fuzzRequest(level int, pathway, education string, startDaysAgo int, certLevel int, certDaysAgo int,
	certNumber, via, titleGrade string, titleField int, vetLevel, vetYear int, asOfDays int, flags uint8) EligibilityRequest {
	asOf := Date{2022, 6, 21}.AddDays(asOfDays % 5000)
	r := EligibilityRequest{
		OccupationCode: "6-31-01-03", Level: Level(level), Pathway: Pathway(pathway), Education: Education(education),
		OccupationStartedOn: asOf.AddDays(-(startDaysAgo % 30000)), ApprenticeshipCompleted: flags&1 != 0, AsOf: asOf,
	}
	if flags&2 != 0 {
		r.OccupationLevels = []Level{Level5, Level4, Level3}
	}
	if flags&4 != 0 {
		r.PreviousCertificate = &PreviousCertificate{Number: certNumber, Level: Level(certLevel),
			OccupationCode: "4-02-02-01", IssuedOn: asOf.AddDays(-(certDaysAgo % 30000)), Via: Pathway(via)}
		if flags&8 != 0 {
			r.PreviousCertificate.OccupationCode = r.OccupationCode
		}
		if flags&16 != 0 {
			r.PreviousCertificate.OriginalIssuedOn = r.PreviousCertificate.IssuedOn.AddDays(-(certDaysAgo % 3000))
		}
	}
	if flags&32 != 0 {
		field := ""
		if len(TitleFields) > 0 {
			field = TitleFields[((titleField%len(TitleFields))+len(TitleFields))%len(TitleFields)]
		}
		if titleField < 0 {
			field = "卫生"
		}
		r.Title = &Title{Field: field, Grade: TitleGrade(titleGrade), ObtainedOn: asOf.AddDays(-(certDaysAgo % 10000))}
	}
	if flags&64 != 0 {
		r.Veteran = &Veteran{TreatmentLevel: Level(vetLevel), SinceYear: vetYear}
	}
	if flags&128 != 0 {
		r.Conditions = "unknown"
	}
	return r
}

func FuzzCheckEligibility(f *testing.F) {
	cn := "S000015150100165000123"
	f.Add(4, "standard", "high_school", 400, 5, 1500, cn, "", "", 0, 0, 0, 0, uint8(4))
	f.Add(1, "lateral", "bachelor", 4000, 1, 2000, cn, "", "", 0, 0, 0, 0, uint8(4))
	f.Add(2, "title", "bachelor", 4000, 0, 1000, "", "", "intermediate", 0, 0, 0, 0, uint8(32))
	f.Add(1, "title", "bachelor", 4000, 0, 1000, "", "", "intermediate", 0, 0, 0, 0, uint8(32))
	f.Add(3, "veteran", "high_school", 400, 0, 0, "", "", "", 0, 4, 2016, 0, uint8(64))
	f.Add(3, "standard", "bachelor", 400, 4, 100, "S000015150100224000123", "lateral", "", 0, 0, 0, 0, uint8(4|16))
	f.Add(0, "", "", -5, 9, -5, "x", "gift", "x", -1, 9, 3000, -99999, uint8(255))
	f.Fuzz(func(t *testing.T, level int, pathway, education string, startDaysAgo, certLevel, certDaysAgo int,
		certNumber, via, titleGrade string, titleField, vetLevel, vetYear, asOfDays int, flags uint8) {
		req := fuzzRequest(level, pathway, education, startDaysAgo, certLevel, certDaysAgo, certNumber, via,
			titleGrade, titleField, vetLevel, vetYear, asOfDays, flags)
		v := CheckEligibility(req)
		if again := CheckEligibility(req); !reflect.DeepEqual(v, again) {
			t.Fatalf("not deterministic: %v vs %v", v, again)
		}
		seen := map[string]bool{}
		for _, x := range v {
			if x.Code == "" || x.Field == "" || x.Message == "" || seen[x.Code] {
				t.Fatalf("bad or repeated violation %+v in %+v", x, v)
			}
			seen[x.Code] = true
			if (x.Group != "") != strings.HasPrefix(x.Code, "standard.level") {
				t.Fatalf("group %q on code %q", x.Group, x.Code)
			}
		}
		err := EligibilityError(v)
		if (err == nil) != (len(v) == 0) {
			t.Fatalf("EligibilityError(%v) = %v", v, err)
		}
		if err != nil {
			e := err.(*Error)
			for _, x := range v {
				if !strings.Contains(e.Fields[x.Field], x.Message) {
					t.Fatalf("Fields[%s] = %q lacks %q", x.Field, e.Fields[x.Field], x.Message)
				}
			}
			return
		}
		// Eligible: a well-formed request with a checklist, and still eligible a year later.
		if !req.Level.Valid() || !req.Pathway.Valid() || len(ApplicationChecklist(req)) == 0 {
			t.Fatalf("eligible but malformed: %+v", req)
		}
		later := req
		later.AsOf = req.AsOf.AddDays(366)
		if lv := CheckEligibility(later); lv != nil {
			t.Fatalf("eligible on %s but not on %s: %+v", req.AsOf, later.AsOf, lv)
		}
	})
}
