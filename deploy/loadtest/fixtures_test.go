package main

import (
	"os/exec"
	"testing"

	"skillcert"
	"skillcert/inspect"
)

func TestSignIsHexHMACSHA256(t *testing.T) {
	tests := []struct{ secret, body, want string }{
		// RFC 4231, test case 2.
		{"Jefe", "what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
		// RFC 4231, test case 1 (key 0x0b × 20, "Hi There").
		{"\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b\x0b", "Hi There",
			"b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
	}
	for _, tt := range tests {
		if got := sign(tt.secret, []byte(tt.body)); got != tt.want {
			t.Errorf("sign(%q, %q) = %s, want %s", tt.secret, tt.body, got, tt.want)
		}
	}
	if sign("k", []byte(`{"a":1}`)) == sign("k", []byte(`{"a": 1}`)) || sign("k", []byte("x")) == sign("j", []byte("x")) {
		t.Error("signature ignores the body or the secret")
	}
}

func TestApplicantIdentitiesAreValidAndDistinct(t *testing.T) {
	seenID, seenPhone := map[string]int{}, map[string]int{}
	for _, i := range []int{0, 1, 8999, 9000, 9001, 123456, 2_000_000} {
		id := idNumber(i)
		if _, err := skillcert.ParseIDNumber(id, skillcert.NewDate(2026, 1, 1)); err != nil {
			t.Errorf("idNumber(%d) = %s: %v", i, id, err)
		}
		if !skillcert.ValidPhone(phone(i)) {
			t.Errorf("phone(%d) = %s is not a valid mobile number", i, phone(i))
		}
		if j, dup := seenID[id]; dup {
			t.Errorf("idNumber(%d) = idNumber(%d)", i, j)
		}
		if j, dup := seenPhone[phone(i)]; dup {
			t.Errorf("phone(%d) = phone(%d)", i, j)
		}
		seenID[id], seenPhone[phone(i)] = i, i
		if n := []rune(personName(i)); len(n) < 2 || len(n) > 3 {
			t.Errorf("personName(%d) = %q", i, personName(i))
		}
	}
}

func TestChineseTextLength(t *testing.T) {
	for _, n := range []int{1, 1000, 3000} {
		if got := skillcert.CountChars(chineseText(n)); got < n {
			t.Errorf("chineseText(%d) has %d counted characters", n, got)
		}
	}
}

func TestPortraitPassesThePhotoCheck(t *testing.T) {
	photo, err := portraitPNG(300, 420)
	if err != nil {
		t.Fatal(err)
	}
	rule, _ := skillcert.DocRuleFor(skillcert.Level5, skillcert.PathwayStandard, skillcert.DocPhoto)
	if res := inspect.Inspect(photo, rule); !res.Accepted {
		t.Errorf("the generated photo is refused: %s", res.Reason)
	}
}

func TestGeneratedPDFsPassInspection(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed")
	}
	f, err := makeFiles()
	if err != nil {
		t.Skipf("no CJK font: %v", err)
	}
	tests := []struct {
		doc  skillcert.DocType
		data []byte
	}{{skillcert.DocIDCardFront, f.scan}, {skillcert.DocTechnicalSummary, f.summary}, {skillcert.DocTechnicalPaper, f.paper}}
	for _, tt := range tests {
		rule, ok := skillcert.DocRuleFor(skillcert.Level1, skillcert.PathwayStandard, tt.doc)
		if !ok {
			t.Fatalf("no rule for %s", tt.doc)
		}
		if res := inspect.Inspect(tt.data, rule); !res.Accepted {
			t.Errorf("%s refused: %s", tt.doc, res.Reason)
		}
	}
}
