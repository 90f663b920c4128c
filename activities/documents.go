package activities

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"skillcert"
	"skillcert/inspect"
	"skillcert/schema/db"
)

// InspectDocument reads the uploaded object back from storage, decides by its content (never the client's
// claims) whether it meets rule, and records the verdict on the document row. A document that is missing
// from storage is refused, not retried forever. An accepted document supersedes earlier accepted uploads of
// the same type.
func (a *Activities) InspectDocument(ctx context.Context, in InspectInput) (inspect.Result, error) {
	q := db.New(a.Pool)
	doc, err := q.LoadDocumentForInspection(ctx, db.LoadDocumentForInspectionParams{ID: in.DocumentID, ApplicationID: in.ApplicationID})
	if errors.Is(err, pgx.ErrNoRows) {
		return inspect.Result{}, invalid("document %s of application %s not found", in.DocumentID, in.ApplicationID)
	}
	if err != nil {
		return inspect.Result{}, fmt.Errorf("load document: %w", err)
	}
	if doc.DocType != string(in.Rule.DocType) {
		return inspect.Result{}, invalid("document %s is a %s, not a %s", in.DocumentID, doc.DocType, in.Rule.DocType)
	}
	data, err := a.Store.ReadObject(ctx, doc.ObjectKey, in.Rule.MaxBytes)
	var res inspect.Result
	switch code := skillcert.ErrorCode(err); {
	case err == nil:
		res = inspect.Inspect(data, in.Rule)
	case code == skillcert.ENOTFOUND:
		res = inspect.Result{Code: skillcert.EINVALID, Reason: "未找到上传的文件，请先上传后再确认"}
	case code == skillcert.ETOOLARGE || code == skillcert.EINVALID:
		res = inspect.Result{Code: skillcert.ETOOLARGE, Reason: fmt.Sprintf("文件超过 %d 字节的上限", in.Rule.MaxBytes)}
	default:
		return inspect.Result{}, fmt.Errorf("read document %s: %w", in.DocumentID, err)
	}
	if res.Code == skillcert.EINTERNAL {
		// The check itself failed (e.g. the PDF tool is missing): no verdict on the file, try again.
		return inspect.Result{}, fmt.Errorf("inspect document %s: %s", in.DocumentID, res.Reason)
	}
	status := "rejected"
	if res.Accepted {
		status = "accepted"
	}
	err = a.inTx(ctx, func(q *db.Queries) error {
		if res.Accepted {
			if err := q.SupersedeDocuments(ctx, db.SupersedeDocumentsParams{ApplicationID: in.ApplicationID, DocType: doc.DocType, Keep: doc.ID}); err != nil {
				return err
			}
		}
		size, chars, at := res.Size, int32(res.TextChars), a.now()
		return q.RecordInspection(ctx, db.RecordInspectionParams{
			ID: doc.ID, Status: status, Kind: optional(string(res.Kind)), Size: &size, Sha256: optional(res.SHA256),
			TextChars: &chars, Reason: optional(res.Reason), At: &at,
		})
	})
	if err != nil {
		return inspect.Result{}, fmt.Errorf("record inspection of %s: %w", in.DocumentID, err)
	}
	return res, nil
}
