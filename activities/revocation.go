package activities

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/temporal"

	"skillcert"
	"skillcert/contract"
	"skillcert/schema/db"
)

// RevocationInput revokes a certified application whose workflow has completed.
type RevocationInput = contract.RevocationInput

// RevocationResult is the application after revocation.
type RevocationResult = contract.RevocationResult

// RevokeApplication revokes a certified application in one transaction: the certificate, the projection
// row (status, next sequence number, the reason), the audit event and the applicant's notification. The
// certificate registry is the record of a certified application, so this needs no workflow state. A
// repeat after success changes nothing; an application that is not certified is refused (conflict).
func (a *Activities) RevokeApplication(ctx context.Context, in RevocationInput) (RevocationResult, error) {
	var out RevocationResult
	err := a.inTx(ctx, func(q *db.Queries) error {
		row, err := q.LockApplicationForRevocation(ctx, in.ApplicationID)
		if errors.Is(err, pgx.ErrNoRows) {
			return temporal.NewNonRetryableApplicationError("申报不存在", skillcert.ENOTFOUND, nil)
		}
		if err != nil {
			return fmt.Errorf("lock application: %w", err)
		}
		out = RevocationResult{Status: string(row.Status), Seq: row.Seq, CertificateNumber: deref(row.CertificateNumber)}
		switch row.Status {
		case skillcert.StatusRevoked:
			return nil // an earlier attempt committed
		case skillcert.StatusCertified:
		default:
			return temporal.NewNonRetryableApplicationError("申报当前状态为「"+row.Status.Label()+"」，不能取消资格",
				skillcert.ECONFLICT, nil, map[string]string{"status": string(row.Status)})
		}
		reason := "取消资格：" + in.Reason
		if err := q.RevokeCertificate(ctx, db.RevokeCertificateParams{ApplicationID: in.ApplicationID, At: &in.At, Reason: &in.Reason}); err != nil {
			return fmt.Errorf("revoke certificate: %w", err)
		}
		out.Status, out.Seq = string(skillcert.StatusRevoked), row.Seq+1
		if err := q.MarkApplicationRevoked(ctx, db.MarkApplicationRevokedParams{ID: in.ApplicationID, Seq: out.Seq, At: in.At, Reason: reason}); err != nil {
			return fmt.Errorf("mark revoked: %w", err)
		}
		if err := countStatusChange(ctx, q, in.ApplicationID, string(row.Status), out.Status); err != nil {
			return err
		}
		rec := TransitionRecord{ApplicationID: in.ApplicationID, Seq: out.Seq, At: in.At, Action: "revoke",
			FromStatus: string(row.Status), ToStatus: out.Status, ActorID: in.ActorID, ActorRole: in.ActorRole, Reason: in.Reason}
		if err := writeAudit(ctx, q, rec); err != nil {
			return err
		}
		return q.InsertNotification(ctx, db.InsertNotificationParams{
			DedupeKey: fmt.Sprintf("%s:%d:revoked:0", in.ApplicationID, out.Seq), ApplicationID: &in.ApplicationID,
			RecipientRole: "applicant", RecipientID: &row.ApplicantID, Kind: "revoked", At: in.At,
			Message: "经核查，您的申报存在伪造、瞒报或误报信息，已取消其考试资格、成绩及证书。原因：" + in.Reason,
		})
	})
	return out, Classify(err)
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
