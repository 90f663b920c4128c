// Package inspect decides whether an uploaded file meets its checklist rule by looking at the bytes only,
// never at the client's claims: the type by magic bytes, images decoded in full, photos checked for size
// and a white background, PDFs parsed (with poppler's pdftotext, under time, memory and output limits)
// and their text length counted. See README.md for the choices made.
package inspect

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"skillcert"
)

// Result is the verdict on one file, recorded with the document and shown in the checklist.
type Result struct {
	Kind      skillcert.FileKind `json:"kind,omitempty"`       // detected from the content; empty when unknown
	Size      int64              `json:"size"`                 // bytes
	SHA256    string             `json:"sha256"`               // hex digest of the bytes
	TextChars int                `json:"text_chars,omitempty"` // PDFs: characters of text (skillcert.CountChars)
	Pages     int                `json:"pages,omitempty"`      // PDFs: page count
	Width     int                `json:"width,omitempty"`      // images: pixels
	Height    int                `json:"height,omitempty"`     // images: pixels
	Accepted  bool               `json:"accepted"`
	// Code says why a file was refused: skillcert.EUNSUPPORTED for a type the rule does not accept,
	// ETOOLARGE over the size limit, EINVALID for every other defect of the file. EINTERNAL means the
	// file could not be checked (e.g. pdftotext is not installed): not a verdict, try again later.
	Code   string `json:"code,omitempty"`
	Reason string `json:"reason,omitempty"` // in Chinese, for the applicant
}

// refuse sets the verdict to refused with code and reason.
func (r *Result) refuse(code, reason string) {
	r.Accepted, r.Code, r.Reason = false, code, reason
}

// refuseErr refuses with the code and message of a *skillcert.Error, or as EINTERNAL for other errors.
func (r *Result) refuseErr(err error) {
	var e *skillcert.Error
	if errors.As(err, &e) {
		r.refuse(e.Code, e.Message)
		return
	}
	r.refuse(skillcert.EINTERNAL, "暂时无法检查该文件，请稍后重试")
}

// Inspect checks data against rule: the type by magic bytes against rule.Kinds and the size against
// rule.MaxBytes; images are decoded in full (photos must also be large enough, portrait and on a white
// background); PDFs must parse, not be encrypted, and hold at least rule.MinChars characters of text.
// It never panics: a file that crashes a decoder is refused.
func Inspect(data []byte, rule skillcert.DocRule) (res Result) {
	sum := sha256.Sum256(data)
	res = Result{Size: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}
	defer func() {
		if p := recover(); p != nil {
			res.refuse(skillcert.EINVALID, "文件已损坏或格式异常，无法解析")
		}
	}()
	label := docLabel(rule)
	if len(data) == 0 {
		res.refuse(skillcert.EINVALID, label+"文件为空")
		return res
	}
	kind, ok := skillcert.SniffKind(data)
	if !ok {
		res.refuse(skillcert.EUNSUPPORTED, fmt.Sprintf("%s须为 %s 格式，上传的文件%s", label, kindNames(rule.Kinds), describeUnknown(data)))
		return res
	}
	res.Kind = kind
	if err := rule.CheckFile(kind, res.Size); err != nil {
		res.refuseErr(err)
		if !rule.Accepts(kind) {
			res.Reason += fmt.Sprintf("，上传的文件实际是 %s", strings.ToUpper(string(kind)))
		}
		return res
	}
	var err error
	if kind == skillcert.KindPDF {
		err = inspectPDF(&res, data, rule)
	} else {
		err = inspectImage(&res, data, kind, rule)
	}
	if err != nil {
		res.refuseErr(err)
		return res
	}
	res.Accepted = true
	return res
}

// docLabel is the Chinese name of the document in messages.
func docLabel(rule skillcert.DocRule) string {
	switch {
	case rule.Label != "":
		return rule.Label
	case rule.DocType.Label() != "":
		return rule.DocType.Label()
	}
	return "文件"
}

// kindNames lists kinds for people as the root package does: PDF/PNG/JPEG.
func kindNames(kinds []skillcert.FileKind) string {
	names := make([]string, 0, len(kinds))
	for _, k := range kinds {
		names = append(names, strings.ToUpper(string(k)))
	}
	return strings.Join(names, "/")
}

// invalid returns an EINVALID *skillcert.Error about the uploaded file.
func invalid(format string, args ...any) error {
	return skillcert.FieldError(skillcert.EINVALID, "file", fmt.Sprintf(format, args...))
}
