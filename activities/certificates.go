package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"skillcert"
	"skillcert/schema/db"
)

// IssueCertificate numbers and registers the certificate of an application. It is idempotent: an
// application has at most one certificate, and a retry returns the number already issued.
func (a *Activities) IssueCertificate(ctx context.Context, in IssueInput) (string, error) {
	var number string
	err := a.inTx(ctx, func(q *db.Queries) error {
		existing, err := q.GetCertificateByApplication(ctx, in.ApplicationID)
		if err == nil {
			number = existing.Number
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("look up certificate: %w", err)
		}
		name, err := q.GetApplicantName(ctx, in.ApplicantID)
		if err != nil {
			return fmt.Errorf("load applicant: %w", err)
		}
		serial, err := q.NextCertificateSerial(ctx, db.NextCertificateSerialParams{
			SiteCode: in.SiteCode, Year: int32(in.IssuedOn.Year), Level: int32(in.Level),
		})
		if err != nil {
			return fmt.Errorf("next serial: %w", err)
		}
		cn, err := skillcert.NewCertificateNumber(in.SiteCode, in.IssuedOn.Year, in.Level, int(serial))
		if err != nil {
			return invalid("certificate number: %v", err)
		}
		number = cn.String()
		return q.InsertCertificate(ctx, db.InsertCertificateParams{
			Number: number, ApplicationID: in.ApplicationID, ApplicantID: in.ApplicantID,
			NameMasked: skillcert.MaskName(name), OccupationCode: in.OccupationCode, OccupationName: in.OccupationName,
			Level:    int32(in.Level),
			IssuedOn: pgtype.Date{Time: time.Date(in.IssuedOn.Year, in.IssuedOn.Month, in.IssuedOn.Day, 0, 0, 0, 0, time.UTC), Valid: true},
		})
	})
	if err != nil {
		return "", fmt.Errorf("issue certificate for %s: %w", in.ApplicationID, err)
	}
	return number, nil
}

// RevokeCertificate marks the application's certificate revoked (a no-op when there is none or it is
// already revoked), so public verification shows it as revoked.
func (a *Activities) RevokeCertificate(ctx context.Context, in RevokeInput) error {
	err := db.New(a.Pool).RevokeCertificate(ctx, db.RevokeCertificateParams{ApplicationID: in.ApplicationID, At: &in.At, Reason: &in.Reason})
	if err != nil {
		return fmt.Errorf("revoke certificate of %s: %w", in.ApplicationID, err)
	}
	return nil
}
