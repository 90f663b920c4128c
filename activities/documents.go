package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"skillcert"
	"skillcert/inspect"
	"skillcert/pdfdoc"
	"skillcert/schema/db"
)

// InspectDocument reads the current version of the uploaded object back from storage, decides by its
// content (never the client's claims) whether it meets rule, and records the verdict on the document row
// with the version read and its SHA-256: every later read uses that version, so a second upload through
// the same presigned policy (a new version) counts only once it is completed and inspected in turn. An
// accepted photo also gets a downscaled JPEG copy for the PDFs. A document that is missing from storage is
// refused, not retried forever. An accepted document supersedes earlier accepted uploads of the same type;
// a refused new version leaves an accepted document as it was.
func (a *Activities) InspectDocument(ctx context.Context, in InspectInput) (inspect.Result, error) {
	ins, err := a.inspectUpload(ctx, in)
	if err != nil {
		return inspect.Result{}, err
	}
	if err := a.inTx(ctx, func(q *db.Queries) error { return ins.record(ctx, q) }); err != nil {
		return inspect.Result{}, fmt.Errorf("record inspection of %s: %w", in.DocumentID, err)
	}
	return ins.res, nil
}

// inspected is an upload's verdict, ready to be recorded on its document row.
type inspected struct {
	doc              db.Document
	res              inspect.Result
	versionID        string
	copyKey, copyVer *string // the PDF copy of an accepted photo
	at               time.Time
}

// inspectUpload reads and inspects the upload (and stores the PDF copy of an accepted photo); it writes
// nothing to Postgres.
func (a *Activities) inspectUpload(ctx context.Context, in InspectInput) (inspected, error) {
	q := db.New(a.Pool)
	doc, err := q.GetDocument(ctx, db.GetDocumentParams{ID: in.DocumentID, ApplicationID: in.ApplicationID})
	if errors.Is(err, pgx.ErrNoRows) {
		return inspected{}, invalid("document %s of application %s not found", in.DocumentID, in.ApplicationID)
	}
	if err != nil {
		return inspected{}, fmt.Errorf("load document: %w", err)
	}
	if doc.DocType != string(in.Rule.DocType) {
		return inspected{}, invalid("document %s is a %s, not a %s", in.DocumentID, doc.DocType, in.Rule.DocType)
	}
	data, info, err := a.Store.GetVersion(ctx, doc.ObjectKey, "", in.Rule.MaxBytes)
	var res inspect.Result
	switch code := skillcert.ErrorCode(err); {
	case err == nil:
		res = inspect.Inspect(data, in.Rule)
	case code == skillcert.ENOTFOUND:
		res = inspect.Result{Code: skillcert.EINVALID, Reason: "未找到上传的文件，请先上传后再确认"}
	case code == skillcert.ETOOLARGE || code == skillcert.EINVALID:
		res = inspect.Result{Code: skillcert.ETOOLARGE, Reason: fmt.Sprintf("文件超过 %d 字节的上限", in.Rule.MaxBytes)}
	default:
		return inspected{}, fmt.Errorf("read document %s: %w", in.DocumentID, err)
	}
	if res.Code == skillcert.EINTERNAL {
		// The check itself failed (e.g. the PDF tool is missing): no verdict on the file, try again.
		return inspected{}, fmt.Errorf("inspect document %s: %s", in.DocumentID, res.Reason)
	}
	out := inspected{doc: doc, res: res, versionID: info.VersionID, at: a.now()}
	if res.Accepted && in.Rule.DocType == skillcert.DocPhoto {
		if out.copyKey, out.copyVer, err = a.storePhotoCopy(ctx, doc.ObjectKey, data, res.Kind); err != nil {
			return inspected{}, err
		}
	}
	return out, nil
}

// record writes the verdict on the document row in q's transaction; an accepted document supersedes
// earlier accepted uploads of the same type.
func (ins inspected) record(ctx context.Context, q *db.Queries) error {
	status, res := "rejected", ins.res
	if res.Accepted {
		status = "accepted"
		if err := q.SupersedeDocuments(ctx, db.SupersedeDocumentsParams{ApplicationID: ins.doc.ApplicationID, DocType: ins.doc.DocType, Keep: ins.doc.ID}); err != nil {
			return err
		}
	}
	size, chars, at := res.Size, int32(res.TextChars), ins.at
	return q.RecordDocumentInspection(ctx, db.RecordDocumentInspectionParams{
		ID: ins.doc.ID, Status: status, Kind: optional(string(res.Kind)), Size: &size, Sha256: optional(res.SHA256),
		TextChars: &chars, Reason: optional(res.Reason), At: &at, VersionID: optional(ins.versionID),
		PdfPhotoKey: ins.copyKey, PdfPhotoVersion: ins.copyVer,
	})
}

// PhotoCopySuffix names the PDF copy of a photo: its key is the photo's key with this suffix, which no
// upload policy names (the gateway presigns exact keys of the form applications/<id>/<uuid>).
const PhotoCopySuffix = ".pdf.jpg"

// storePhotoCopy stores the downscaled JPEG copy of an accepted photo that the PDFs embed, and returns its
// key and version. A photo that cannot be decoded again (it just was) gets no copy, logged: the PDFs then
// use the accepted version itself.
func (a *Activities) storePhotoCopy(ctx context.Context, key string, data []byte, kind skillcert.FileKind) (*string, *string, error) {
	img, err := inspect.DecodeImage(data, kind, skillcert.MaxPhotoPixels)
	var copyData []byte
	if err == nil {
		copyData, err = pdfdoc.PhotoCopy(img)
	}
	if err != nil {
		if a.Logger != nil {
			a.Logger.Warn("no PDF copy of the photo", "object_key", key, "error", err)
		}
		return nil, nil, nil
	}
	copyKey := key + PhotoCopySuffix
	info, err := a.Store.Put(ctx, copyKey, copyData, "image/jpeg")
	if err != nil {
		return nil, nil, fmt.Errorf("store the PDF copy of %s: %w", key, err)
	}
	return &copyKey, optional(info.VersionID), nil
}
