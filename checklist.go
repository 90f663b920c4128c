package skillcert

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unicode"
)

// DocType is a kind of document in the materials checklist (DOMAIN.md, "Materials").
type DocType string

// The document types.
const (
	DocApplicationForm      DocType = "application_form"      // 申报表 (附件5), signed and stamped scan
	DocIDCardFront          DocType = "id_card_front"         // 身份证人像面
	DocIDCardBack           DocType = "id_card_back"          // 身份证国徽面
	DocEducationCertificate DocType = "education_certificate" // 学历证书
	DocIntegrityPledge      DocType = "integrity_pledge"      // 诚信承诺书 (附件6)
	DocPhoto                DocType = "photo"                 // 白底证件照
	DocPreviousCertificate  DocType = "previous_certificate"  // 原职业资格/技能等级证书
	DocTitleCertificate     DocType = "title_certificate"     // 职称证书
	DocVeteranProof         DocType = "veteran_proof"         // 工资待遇兑现证明
	DocTechnicalSummary     DocType = "technical_summary"     // 专业技术总结
	DocTechnicalPaper       DocType = "technical_paper"       // 专利成果/项目报告/技术论文
)

var docLabels = map[DocType]string{
	DocApplicationForm: "申报表", DocIDCardFront: "身份证人像面", DocIDCardBack: "身份证国徽面",
	DocEducationCertificate: "学历证书", DocIntegrityPledge: "诚信承诺书", DocPhoto: "电子照片",
	DocPreviousCertificate: "原职业资格（技能等级）证书", DocTitleCertificate: "专业技术职称证书",
	DocVeteranProof: "退役军人工资待遇兑现证明", DocTechnicalSummary: "专业技术总结",
	DocTechnicalPaper: "专利成果、项目报告或技术论文",
}

// Valid reports whether t is a known document type.
func (t DocType) Valid() bool { _, ok := docLabels[t]; return ok }

// Label is the Chinese name of t.
func (t DocType) Label() string { return docLabels[t] }

// FileKind is a file type, detected from the content (see SniffKind), not from the name.
type FileKind string

// The file kinds accepted anywhere in the checklist.
const (
	KindPDF  FileKind = "pdf"
	KindPNG  FileKind = "png"
	KindJPEG FileKind = "jpeg"
	KindBMP  FileKind = "bmp"
)

// Valid reports whether k is a known kind.
func (k FileKind) Valid() bool { return k == KindPDF || k == KindPNG || k == KindJPEG || k == KindBMP }

// Ext is the usual file extension of k, with the dot: .pdf, .png, .jpg, .bmp.
func (k FileKind) Ext() string {
	switch k {
	case KindJPEG:
		return ".jpg"
	case KindPDF, KindPNG, KindBMP:
		return "." + string(k)
	}
	return ""
}

// ContentType is the MIME type of k.
func (k FileKind) ContentType() string {
	switch k {
	case KindPDF:
		return "application/pdf"
	case KindPNG, KindJPEG, KindBMP:
		return "image/" + string(k)
	}
	return "application/octet-stream"
}

// SniffKind detects the kind of a file from its first bytes (magic numbers): %PDF-, the PNG signature,
// FF D8 FF (JPEG) or BM (BMP). ok is false for anything else.
func SniffKind(head []byte) (FileKind, bool) {
	switch {
	case bytes.HasPrefix(head, []byte("%PDF-")):
		return KindPDF, true
	case bytes.HasPrefix(head, []byte("\x89PNG\r\n\x1a\n")):
		return KindPNG, true
	case bytes.HasPrefix(head, []byte{0xFF, 0xD8, 0xFF}):
		return KindJPEG, true
	case len(head) >= 14 && head[0] == 'B' && head[1] == 'M':
		return KindBMP, true
	}
	return "", false
}

// Size limits of the checklist.
const (
	MiB             = 1 << 20
	MaxPhotoBytes   = 2*MiB - 1 // the photo must be under 2 MiB
	MaxScanBytes    = 20 * MiB  // scans and PDFs
	SummaryMinChars = 1000      // 专业技术总结: 不少于1000字
	PaperMinChars   = 3000      // 专利成果/项目报告/技术论文: 不少于3000字
)

// DocRule is one line of a checklist: the document, whether it is required, and its constraints.
type DocRule struct {
	DocType  DocType    `json:"doc_type"`
	Label    string     `json:"label"`
	Required bool       `json:"required"`
	Kinds    []FileKind `json:"kinds"`
	MaxBytes int64      `json:"max_bytes"`
	MinChars int        `json:"min_chars,omitempty"` // minimum text length, counted by CountChars
}

var scanKinds = []FileKind{KindPDF, KindPNG, KindJPEG}

func rule(t DocType, required bool, kinds []FileKind, maxBytes int64, minChars int) DocRule {
	return DocRule{DocType: t, Label: t.Label(), Required: required, Kinds: slices.Clone(kinds), MaxBytes: maxBytes, MinChars: minChars}
}

// Checklist is the materials checklist for a level and pathway, in a stable order: the documents every
// applicant gives, then the pathway's proof, then the technical summary (技师, 高级技师) and the paper
// (高级技师 only). For the standard pathway the previous certificate is required where every alternative of
// DefaultConditions needs one (二级, 一级) and optional where some do (四级, 三级); ApplicationChecklist
// decides it from the request instead. It returns nil for an invalid level or pathway.
func Checklist(level Level, pathway Pathway) []DocRule {
	rs, _ := RuleSetNamed(DefaultConditions)
	required, optional := rs.NeedsCertificate(level)
	return checklist(level, pathway, required, optional)
}

// ApplicationChecklist is the checklist for one application: as Checklist, with the occupation's rule set,
// and the previous certificate required whenever the request declares one.
func ApplicationChecklist(req EligibilityRequest) []DocRule {
	rs, ok := RuleSetNamed(req.Conditions)
	if !ok {
		rs, _ = RuleSetNamed(DefaultConditions)
	}
	required, optional := rs.NeedsCertificate(req.Level)
	if req.PreviousCertificate != nil {
		required, optional = true, false
	}
	return checklist(req.Level, req.Pathway, required, optional)
}

func checklist(level Level, pathway Pathway, certRequired, certOptional bool) []DocRule {
	if !level.Valid() || !pathway.Valid() {
		return nil
	}
	out := []DocRule{
		rule(DocApplicationForm, true, scanKinds, MaxScanBytes, 0),
		rule(DocIDCardFront, true, scanKinds, MaxScanBytes, 0),
		rule(DocIDCardBack, true, scanKinds, MaxScanBytes, 0),
		rule(DocEducationCertificate, true, scanKinds, MaxScanBytes, 0),
		rule(DocIntegrityPledge, true, scanKinds, MaxScanBytes, 0),
		rule(DocPhoto, true, []FileKind{KindPNG, KindBMP, KindJPEG}, MaxPhotoBytes, 0),
	}
	switch pathway {
	case PathwayStandard:
		if certRequired || certOptional {
			out = append(out, rule(DocPreviousCertificate, certRequired, scanKinds, MaxScanBytes, 0))
		}
	case PathwayLateral:
		out = append(out, rule(DocPreviousCertificate, true, scanKinds, MaxScanBytes, 0))
	case PathwayTitle:
		out = append(out, rule(DocTitleCertificate, true, scanKinds, MaxScanBytes, 0))
	case PathwayVeteran:
		out = append(out, rule(DocVeteranProof, true, scanKinds, MaxScanBytes, 0))
	}
	if level.NeedsComprehensiveReview() {
		out = append(out, rule(DocTechnicalSummary, true, []FileKind{KindPDF}, MaxScanBytes, SummaryMinChars))
	}
	if level == Level1 {
		out = append(out, rule(DocTechnicalPaper, true, []FileKind{KindPDF}, MaxScanBytes, PaperMinChars))
	}
	return out
}

// DocRuleFor returns the rule for dt in the checklist of level and pathway; ok is false when dt is not part
// of that checklist.
func DocRuleFor(level Level, pathway Pathway, dt DocType) (DocRule, bool) {
	for _, r := range Checklist(level, pathway) {
		if r.DocType == dt {
			return r, true
		}
	}
	return DocRule{}, false
}

// Accepts reports whether files of kind k are accepted for the document.
func (r DocRule) Accepts(k FileKind) bool { return slices.Contains(r.Kinds, k) }

// CheckFile checks a file's detected kind and size against the rule: *Error EUNSUPPORTED for a kind not
// accepted, ETOOLARGE for a file over MaxBytes, EINVALID for an empty file; Fields["file"] says why.
func (r DocRule) CheckFile(k FileKind, size int64) error {
	if !r.Accepts(k) {
		names := make([]string, len(r.Kinds))
		for i, kind := range r.Kinds {
			names[i] = strings.ToUpper(string(kind))
		}
		return FieldError(EUNSUPPORTED, "file", fmt.Sprintf("%s须为 %s 格式", r.Label, strings.Join(names, "/")))
	}
	if size <= 0 {
		return FieldError(EINVALID, "file", r.Label+"文件为空")
	}
	if size > r.MaxBytes {
		return FieldError(ETOOLARGE, "file", r.Label+sizeLimitText(r.MaxBytes))
	}
	return nil
}

// CheckText checks the text extracted from the document against MinChars: *Error EINVALID with
// Fields["file"] giving the count found.
func (r DocRule) CheckText(text string) error {
	if r.MinChars == 0 {
		return nil
	}
	if n := CountChars(text); n < r.MinChars {
		return FieldError(EINVALID, "file", fmt.Sprintf("%s不少于%d字（识别到%d字）", r.Label, r.MinChars, n))
	}
	return nil
}

// CountChars counts the characters of text as a Chinese word count does: every letter or digit is one
// character (a Chinese character is one, not three bytes); spaces, punctuation and symbols do not count.
func CountChars(text string) int {
	n := 0
	for _, c := range text {
		if unicode.IsLetter(c) || unicode.IsDigit(c) {
			n++
		}
	}
	return n
}

// sizeLimitText says a size limit for people: "须小于2MB" for 2 MiB-1, "不能超过20MB" for 20 MiB.
func sizeLimitText(n int64) string {
	if (n+1)%MiB == 0 {
		return fmt.Sprintf("须小于%dMB", (n+1)/MiB)
	}
	if n%MiB == 0 {
		return fmt.Sprintf("不能超过%dMB", n/MiB)
	}
	return fmt.Sprintf("不能超过%d字节", n)
}

// PhotoFileName is the name a photo is stored under: 姓名_身份证号.ext.
func PhotoFileName(name, idNumber string, k FileKind) string {
	return strings.TrimSpace(name) + "_" + strings.ToUpper(strings.TrimSpace(idNumber)) + k.Ext()
}
