package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"skillcert"
	"skillcert/objectstore"
	"skillcert/schema/db"
	"skillcert/workflows"
)

// kindOfContentType maps a declared media type to the file kind it announces.
var kindOfContentType = map[string]skillcert.FileKind{
	"application/pdf": skillcert.KindPDF, "image/png": skillcert.KindPNG, "image/jpeg": skillcert.KindJPEG,
	"image/jpg": skillcert.KindJPEG, "image/pjpeg": skillcert.KindJPEG, "image/bmp": skillcert.KindBMP,
	"image/x-bmp": skillcert.KindBMP, "image/x-ms-bmp": skillcert.KindBMP,
}

// docRule returns the rule for dt in the application's checklist (from its projected view); ok is false
// when dt is not part of it.
func docRule(row db.Application, dt skillcert.DocType) (skillcert.DocRule, bool) {
	// Only the checklist's document types are read from the stored view: decoding the whole view was
	// most of what an upload request cost the gateway in JSON.
	var view struct {
		Checklist []struct {
			DocType skillcert.DocType `json:"doc_type"`
		} `json:"checklist"`
	}
	if err := json.Unmarshal(row.View, &view); err != nil {
		return skillcert.DocRule{}, false
	}
	listed := false
	for _, item := range view.Checklist {
		listed = listed || item.DocType == dt
	}
	if !listed {
		return skillcert.DocRule{}, false
	}
	// Every rule the application could list, with the previous certificate included for any pathway.
	all := skillcert.ApplicationChecklist(skillcert.EligibilityRequest{Level: skillcert.Level(row.Level),
		Pathway: skillcert.Pathway(row.Pathway), PreviousCertificate: &skillcert.PreviousCertificate{}})
	for _, r := range all {
		if r.DocType == dt {
			return r, true
		}
	}
	return skillcert.DocRule{}, false
}

// uploadable reports whether documents may be uploaded in status s.
func uploadable(s string) bool {
	return s == string(skillcert.StatusDraft) || s == string(skillcert.StatusCorrectionNeeded)
}

// cleanFilename keeps the base name of a client's file name, without control characters.
func cleanFilename(name string) string {
	name = path.Base(strings.ReplaceAll(trimmed(name), `\`, "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' {
			return -1
		}
		return r
	}, name)
	if name == "." || name == "/" {
		return ""
	}
	return name
}

func (a *app) requestUpload(c *fiber.Ctx) error {
	var req uploadRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	row, err := a.loadApplication(c)
	if err != nil {
		return err
	}
	dt := skillcert.DocType(trimmed(req.DocType))
	rule, ok := docRule(row, dt)
	f := fieldErrors{}
	if !ok {
		f.add("doc_type", "该申报的材料清单中没有此类材料")
	}
	filename := cleanFilename(req.Filename)
	if filename == "" || utf8.RuneCountInString(filename) > 200 {
		f.add("filename", "请提供文件名（不超过200个字符）")
	}
	if req.Size <= 0 {
		f.add("size", "文件大小应为正整数（字节）")
	}
	if err := f.err(); err != nil {
		return err
	}
	contentType := strings.ToLower(trimmed(strings.Split(req.ContentType, ";")[0]))
	if kind, known := kindOfContentType[contentType]; !known || !rule.Accepts(kind) {
		names := make([]string, len(rule.Kinds))
		for i, k := range rule.Kinds {
			names[i] = k.ContentType()
		}
		return skillcert.FieldError(skillcert.EUNSUPPORTED, "content_type",
			fmt.Sprintf("%s须为 %s 格式", rule.Label, strings.Join(names, "、")))
	}
	if req.Size > rule.MaxBytes {
		return skillcert.FieldError(skillcert.ETOOLARGE, "size",
			fmt.Sprintf("%s不能超过 %d 字节", rule.Label, rule.MaxBytes))
	}
	if !uploadable(string(row.Status)) {
		return errConflict("当前状态（%s）不能上传材料", skillcert.Status(row.Status).Label())
	}
	ctx := c.UserContext()
	docID := uuid.NewString()
	key := "applications/" + row.ID + "/" + docID
	up, err := a.store.PresignUpload(ctx, key, contentType, rule.MaxBytes, a.cfg.UploadTTL)
	if err != nil {
		return fmt.Errorf("presign upload: %w", err)
	}
	if err := a.q.CreateDocument(ctx, db.CreateDocumentParams{ID: docID, ApplicationID: row.ID, DocType: string(dt),
		ObjectKey: key, Filename: filename, DeclaredType: contentType, DeclaredSize: req.Size, CreatedBy: user(c).ID}); err != nil {
		return fmt.Errorf("create document: %w", err)
	}
	if up.Headers == nil {
		up.Headers = map[string]string{}
	}
	return c.Status(http.StatusCreated).JSON(uploadResponse{DocumentID: docID, Upload: up})
}

// loadDocument reads the document named by :document_id of an application the caller may see.
func (a *app) loadDocument(c *fiber.Ctx) (db.Application, db.Document, error) {
	row, err := a.loadApplication(c)
	if err != nil {
		return row, db.Document{}, err
	}
	docID := c.Params("document_id")
	if !validUUID(docID) {
		return row, db.Document{}, errNotFound("材料")
	}
	doc, err := a.q.GetDocument(c.UserContext(), db.GetDocumentParams{ID: docID, ApplicationID: row.ID})
	if errors.Is(err, pgx.ErrNoRows) {
		return row, doc, errNotFound("材料")
	}
	if err != nil {
		return row, doc, fmt.Errorf("read document: %w", err)
	}
	return row, doc, nil
}

// completeUpload asks the workflow to inspect and attach the uploaded document.
func (a *app) completeUpload(c *fiber.Ctx) error {
	row, doc, err := a.loadDocument(c)
	if err != nil {
		return err
	}
	var res workflows.AttachDocumentResult
	err = a.update(c.UserContext(), row.ID, workflows.UpdateAttachDocument, workflows.AttachDocumentRequest{
		DocumentID: doc.ID, DocType: skillcert.DocType(doc.DocType), ObjectKey: doc.ObjectKey, Actor: user(c).actor()}, &res)
	if err != nil {
		return err
	}
	if !res.Accepted {
		code := res.Code
		if code == "" {
			code = skillcert.EINVALID
		}
		return &skillcert.Error{Code: code, Message: res.Reason, Fields: map[string]string{"file": res.Reason},
			Extra: map[string]any{"document_id": doc.ID, "kind": res.Kind, "size": res.Size}}
	}
	return c.JSON(completeResponse{Status: "accepted", DocumentID: doc.ID, DocType: doc.DocType, Kind: res.Kind,
		Size: res.Size, SHA256: res.SHA256, TextChars: res.TextChars, ApplicationStatus: string(res.Status)})
}

// downloadDocument redirects to a short-lived download URL of the inspected version of the document (a
// later upload through the same policy is not what counts). Photos download as 姓名_身份证号.ext: that name
// is stored on a copy of the photo (the object key plus namedCopySuffix), never put in the URL.
func (a *app) downloadDocument(c *fiber.Ctx) error {
	row, doc, err := a.loadDocument(c)
	if err != nil {
		return err
	}
	if doc.Status == "pending" {
		return skillcert.Errorf(skillcert.ENOTFOUND, "该材料尚未上传完成")
	}
	if hidesIDNumber(c) && committeeHiddenDocTypes[doc.DocType] {
		return errNotFound("材料") // the ID card shows the full ID number (committee_access.go)
	}
	ctx := c.UserContext()
	version, err := a.inspectedVersion(ctx, doc, skillcert.MaxScanBytes)
	if err != nil {
		return err
	}
	kind := skillcert.FileKind(deref(doc.Kind))
	if !kind.Valid() {
		kind = kindOfContentType[doc.DeclaredType]
	}
	key, filename := doc.ObjectKey, doc.Filename
	if doc.DocType == string(skillcert.DocPhoto) && kind.Valid() {
		name, number, err := a.applicantIdentity(c, row.ApplicantID)
		if err != nil {
			return err
		}
		key = doc.ObjectKey + namedCopySuffix
		if hidesIDNumber(c) { // committee members get a copy named with the masked ID number
			number, key = skillcert.MaskIDNumber(number), key+".masked"
		}
		version, err = a.store.NamedCopy(ctx, doc.ObjectKey, version, key, kind.ContentType(),
			objectstore.ContentDisposition(skillcert.PhotoFileName(name, number, kind)))
		if err != nil {
			return fmt.Errorf("name the photo copy: %w", err)
		}
		filename = "" // the copy carries it
	}
	url, err := a.store.PresignDownload(ctx, key, version, filename, a.cfg.DownloadTTL)
	if err != nil {
		return fmt.Errorf("presign download: %w", err)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Redirect(url, http.StatusFound)
}

// namedCopySuffix names the copy of a photo that carries its download name: a key no upload policy names.
const namedCopySuffix = ".named"

// applicantIdentity returns the applicant's name and decrypted ID number.
func (a *app) applicantIdentity(c *fiber.Ctx, applicantID string) (name, idNumber string, err error) {
	u, err := a.q.GetUserByID(c.UserContext(), applicantID)
	if err != nil {
		return "", "", fmt.Errorf("read applicant: %w", err)
	}
	if len(u.IDNumberEnc) == 0 {
		return u.Name, "", nil
	}
	number, err := a.ids.open(u.IDNumberEnc)
	if err != nil {
		return "", "", fmt.Errorf("applicant %s: %w", u.ID, err)
	}
	return u.Name, number, nil
}

// documentRoutes are uploads (presigned, straight to object storage), completion and download.
func (a *app) documentRoutes() []route {
	return []route{
		{Method: "POST", Path: "/api/v1/applications/:id/documents", Roles: rolesApplicant, Handler: a.requestUpload,
			Tag: "documents", Summary: "Request a presigned upload for a document", Request: uploadRequest{},
			Response: uploadResponse{}, Status: 201, Errors: []int{404, 409, 413, 415, 422}, Idempotent: true},
		{Method: "POST", Path: "/api/v1/applications/:id/documents/:document_id/complete", Roles: rolesApplicant,
			Handler: a.completeUpload, Tag: "documents", Summary: "The upload is done: inspect and attach it",
			Response: completeResponse{}, Errors: []int{404, 409, 413, 415, 422, 503}},
		{Method: "GET", Path: "/api/v1/applications/:id/documents/:document_id", Roles: rolesReaders,
			Handler: a.downloadDocument, Tag: "documents", Summary: "Redirect to a short-lived download URL",
			Status: 302, Errors: []int{404}},
	}
}
