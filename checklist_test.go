package skillcert

import (
	"slices"
	"strings"
	"testing"
)

func docTypes(rules []DocRule) []string {
	var out []string
	for _, r := range rules {
		s := string(r.DocType)
		if !r.Required {
			s += "?"
		}
		out = append(out, s)
	}
	return out
}

// DOMAIN.md, "Materials": who gives which document.
func TestDomainChecklist(t *testing.T) {
	common := []string{"application_form", "id_card_front", "id_card_back", "education_certificate", "integrity_pledge", "photo"}
	plus := func(extra ...string) []string { return append(slices.Clone(common), extra...) }
	tests := []struct {
		name    string
		level   Level
		pathway Pathway
		want    []string
	}{
		{"五级 初次: the common six", Level5, PathwayStandard, common},
		{"四级 晋级: previous certificate optional (6 years suffice)", Level4, PathwayStandard, plus("previous_certificate?")},
		{"三级 晋级: previous certificate required", Level3, PathwayStandard, plus("previous_certificate")},
		{"二级 晋级: + technical summary", Level2, PathwayStandard, plus("previous_certificate", "technical_summary")},
		{"一级 晋级: + summary and paper", Level1, PathwayStandard, plus("previous_certificate", "technical_summary", "technical_paper")},
		{"平转: previous certificate", Level4, PathwayLateral, plus("previous_certificate")},
		{"平转 二级: + summary", Level2, PathwayLateral, plus("previous_certificate", "technical_summary")},
		{"贯通 三级: title certificate", Level3, PathwayTitle, plus("title_certificate")},
		{"贯通 一级: title certificate, summary, paper", Level1, PathwayTitle, plus("title_certificate", "technical_summary", "technical_paper")},
		{"退役军人: veteran proof", Level4, PathwayVeteran, plus("veteran_proof")},
	}
	for _, tt := range tests {
		if got := docTypes(Checklist(tt.level, tt.pathway)); !slices.Equal(got, tt.want) {
			t.Errorf("%s: Checklist = %v, want %v", tt.name, got, tt.want)
		}
	}
	if Checklist(0, PathwayStandard) != nil || Checklist(Level3, "x") != nil {
		t.Error("Checklist of an invalid level or pathway is not nil")
	}
}

func TestApplicationChecklist(t *testing.T) {
	r := baseRequest(Level4, PathwayStandard)
	if got := docTypes(ApplicationChecklist(r)); !slices.Contains(got, "previous_certificate?") {
		t.Errorf("四级 without a declared certificate: %v", got)
	}
	r.PreviousCertificate = cert(Level5, "2016-01-01")
	if got := docTypes(ApplicationChecklist(r)); !slices.Contains(got, "previous_certificate") {
		t.Errorf("四级 with a declared certificate: %v", got)
	}
	r = baseRequest(Level5, PathwayStandard)
	r.PreviousCertificate = cert(Level5, "2016-01-01")
	if got := docTypes(ApplicationChecklist(r)); !slices.Contains(got, "previous_certificate") {
		t.Errorf("五级 with a declared certificate: %v", got)
	}
}

// DOMAIN.md, "Materials": the constraints of each document.
func TestDomainDocumentConstraints(t *testing.T) {
	tests := []struct {
		name     string
		level    Level
		doc      DocType
		kinds    []FileKind
		maxBytes int64
		minChars int
	}{
		{"photo: png, bmp or jpg, < 2 MiB", Level5, DocPhoto, []FileKind{KindPNG, KindBMP, KindJPEG}, 2*1024*1024 - 1, 0},
		{"ID card: image or PDF scan", Level5, DocIDCardFront, []FileKind{KindPDF, KindPNG, KindJPEG}, 20 * 1024 * 1024, 0},
		{"application form: scan", Level5, DocApplicationForm, []FileKind{KindPDF, KindPNG, KindJPEG}, 20 * 1024 * 1024, 0},
		{"technical summary: PDF, ≥1000 characters", Level2, DocTechnicalSummary, []FileKind{KindPDF}, 20 * 1024 * 1024, 1000},
		{"technical paper: PDF, ≥3000 characters", Level1, DocTechnicalPaper, []FileKind{KindPDF}, 20 * 1024 * 1024, 3000},
	}
	for _, tt := range tests {
		r, ok := DocRuleFor(tt.level, PathwayStandard, tt.doc)
		if !ok {
			t.Errorf("%s: not in the checklist", tt.name)
			continue
		}
		if !slices.Equal(r.Kinds, tt.kinds) || r.MaxBytes != tt.maxBytes || r.MinChars != tt.minChars ||
			!r.Required || r.Label != tt.doc.Label() || r.Label == "" {
			t.Errorf("%s: rule = %+v", tt.name, r)
		}
	}
	if _, ok := DocRuleFor(Level3, PathwayStandard, DocTechnicalSummary); ok {
		t.Error("三级 asks for a technical summary")
	}
	if _, ok := DocRuleFor(Level2, PathwayStandard, DocTechnicalPaper); ok {
		t.Error("二级 asks for a technical paper")
	}
	if _, ok := DocRuleFor(Level3, PathwayStandard, DocTitleCertificate); ok {
		t.Error("晋级 asks for a title certificate")
	}
}

func TestDocRuleCheckFile(t *testing.T) {
	photo, _ := DocRuleFor(Level5, PathwayStandard, DocPhoto)
	paper, _ := DocRuleFor(Level1, PathwayStandard, DocTechnicalPaper)
	tests := []struct {
		name string
		rule DocRule
		kind FileKind
		size int64
		code string
	}{
		{"photo jpeg 1 MiB", photo, KindJPEG, MiB, ""},
		{"photo just under 2 MiB", photo, KindPNG, 2*MiB - 1, ""},
		{"photo of exactly 2 MiB", photo, KindPNG, 2 * MiB, ETOOLARGE},
		{"photo as PDF", photo, KindPDF, 1000, EUNSUPPORTED},
		{"empty photo", photo, KindBMP, 0, EINVALID},
		{"paper as JPEG", paper, KindJPEG, 1000, EUNSUPPORTED},
		{"paper 20 MiB", paper, KindPDF, 20 * MiB, ""},
		{"paper over 20 MiB", paper, KindPDF, 20*MiB + 1, ETOOLARGE},
	}
	for _, tt := range tests {
		err := tt.rule.CheckFile(tt.kind, tt.size)
		if ErrorCode(err) != tt.code {
			t.Errorf("%s: CheckFile = %v, want code %q", tt.name, err, tt.code)
		}
		if err != nil && err.(*Error).Fields["file"] == "" {
			t.Errorf("%s: no reason in Fields[file]", tt.name)
		}
	}
	if err := photo.CheckFile(KindPNG, 2*MiB); !strings.Contains(err.Error(), "须小于2MB") {
		t.Errorf("photo limit message: %v", err)
	}
}

// DOMAIN.md: "≥1000 characters of text (count CJK characters, not bytes)".
func TestCountCharsAndCheckText(t *testing.T) {
	tests := []struct {
		text string
		want int
	}{
		{"专业技术总结", 6},
		{"近三年，我负责 3 项技术改造。", 12},
		{"abc 123", 6},
		{"  \n\t，。！", 0},
		{"", 0},
	}
	for _, tt := range tests {
		if got := CountChars(tt.text); got != tt.want {
			t.Errorf("CountChars(%q) = %d, want %d", tt.text, got, tt.want)
		}
	}
	summary, _ := DocRuleFor(Level2, PathwayStandard, DocTechnicalSummary)
	if err := summary.CheckText(strings.Repeat("技", 1000)); err != nil {
		t.Errorf("1000 CJK characters refused: %v", err)
	}
	// 999 characters are 2997 bytes: bytes must not count.
	err := summary.CheckText(strings.Repeat("技", 999) + strings.Repeat("，", 50))
	if ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), "999") {
		t.Errorf("999 characters accepted or reason unclear: %v", err)
	}
	photo, _ := DocRuleFor(Level5, PathwayStandard, DocPhoto)
	if photo.CheckText("") != nil {
		t.Error("a document without MinChars checked its text")
	}
}

func TestSniffKind(t *testing.T) {
	bmp := append([]byte("BM"), make([]byte, 20)...)
	tests := []struct {
		head []byte
		want FileKind
		ok   bool
	}{
		{[]byte("%PDF-1.7\n"), KindPDF, true},
		{[]byte("\x89PNG\r\n\x1a\n\x00\x00"), KindPNG, true},
		{[]byte{0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, 'J', 'F', 'I', 'F'}, KindJPEG, true},
		{bmp, KindBMP, true},
		{[]byte("BM"), "", false},
		{[]byte("GIF89a"), "", false},
		{[]byte("PK\x03\x04"), "", false},
		{nil, "", false},
	}
	for _, tt := range tests {
		got, ok := SniffKind(tt.head)
		if got != tt.want || ok != tt.ok {
			t.Errorf("SniffKind(%q) = %q, %v; want %q, %v", tt.head, got, ok, tt.want, tt.ok)
		}
	}
	exts := map[FileKind]string{KindPDF: ".pdf", KindPNG: ".png", KindJPEG: ".jpg", KindBMP: ".bmp"}
	for k, ext := range exts {
		if k.Ext() != ext || !k.Valid() || !strings.Contains(k.ContentType(), string(k)) {
			t.Errorf("kind %s: ext %q type %q", k, k.Ext(), k.ContentType())
		}
	}
}

// DOMAIN.md: photo "stored as 姓名_身份证号.ext".
func TestPhotoFileName(t *testing.T) {
	if got := PhotoFileName("张三", "11010519491231002x", KindJPEG); got != "张三_11010519491231002X.jpg" {
		t.Errorf("PhotoFileName = %q", got)
	}
}

func TestDocTypes(t *testing.T) {
	all := []DocType{DocApplicationForm, DocIDCardFront, DocIDCardBack, DocEducationCertificate, DocIntegrityPledge,
		DocPhoto, DocPreviousCertificate, DocTitleCertificate, DocVeteranProof, DocTechnicalSummary, DocTechnicalPaper}
	for _, dt := range all {
		if !dt.Valid() || dt.Label() == "" {
			t.Errorf("doc type %s invalid or unlabelled", dt)
		}
	}
	if DocType("passport").Valid() {
		t.Error("unknown doc type valid")
	}
}
