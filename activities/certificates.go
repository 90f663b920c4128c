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
	err := a.inTx(ctx, func(q *db.Queries) (err error) {
		number, err = a.issueCertificate(ctx, q, in)
		return err
	})
	if err != nil {
		return "", err
	}
	return number, nil
}

// issueCertificate is IssueCertificate's work inside the caller's transaction.
func (a *Activities) issueCertificate(ctx context.Context, q *db.Queries, in IssueInput) (string, error) {
	existing, err := q.GetCertificateByApplication(ctx, in.ApplicationID)
	if err == nil {
		return existing.Number, nil
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return "", fmt.Errorf("issue certificate for %s: look up certificate: %w", in.ApplicationID, err)
	}
	name, err := q.GetApplicantName(ctx, in.ApplicantID)
	if err != nil {
		return "", fmt.Errorf("issue certificate for %s: load applicant: %w", in.ApplicationID, err)
	}
	number, err := a.nextCertificateNumber(ctx, q, in)
	if err != nil {
		return "", err
	}
	err = q.InsertCertificate(ctx, db.InsertCertificateParams{
		Number: number, ApplicationID: in.ApplicationID, ApplicantID: in.ApplicantID,
		NameMasked: skillcert.MaskName(name), OccupationCode: in.OccupationCode, OccupationName: in.OccupationName,
		Level:    int32(in.Level),
		IssuedOn: pgtype.Date{Time: time.Date(in.IssuedOn.Year, in.IssuedOn.Month, in.IssuedOn.Day, 0, 0, 0, 0, time.UTC), Valid: true},
	})
	if err != nil {
		return "", fmt.Errorf("issue certificate for %s: %w", in.ApplicationID, err)
	}
	return number, nil
}

// devCertSerialKey keys the serial permutation when no key is configured (development and tests only).
var devCertSerialKey = []byte("skillcert development certificate serial key")

// maxSerialCollisions bounds the serials skipped because a number is taken (only after a key change).
const maxSerialCollisions = 100

// nextCertificateNumber draws the next number of the site, year and level: the sequence counter advances
// and the keyed permutation turns it into the serial, so numbers do not tell how many were issued. A number
// already in the registry (possible only if the key was changed) is skipped.
func (a *Activities) nextCertificateNumber(ctx context.Context, q *db.Queries, in IssueInput) (string, error) {
	key := a.CertSerialKey
	if key == nil {
		key = devCertSerialKey
	}
	perm, err := skillcert.NewSerialPermutation(key)
	if err != nil {
		return "", invalid("%v", err)
	}
	for range maxSerialCollisions {
		n, err := q.NextCertificateSerial(ctx, db.NextCertificateSerialParams{
			SiteCode: in.SiteCode, Year: int32(in.IssuedOn.Year), Level: int32(in.Level),
		})
		if err != nil {
			return "", fmt.Errorf("next serial: %w", err)
		}
		serial, err := perm.Serial(in.SiteCode, in.IssuedOn.Year, in.Level, int(n))
		if err != nil {
			return "", invalid("certificate serial: %v", err)
		}
		cn, err := skillcert.NewCertificateNumber(in.SiteCode, in.IssuedOn.Year, in.Level, serial)
		if err != nil {
			return "", invalid("certificate number: %v", err)
		}
		taken, err := q.CertificateNumberTaken(ctx, cn.String())
		if err != nil {
			return "", fmt.Errorf("check certificate number: %w", err)
		}
		if !taken {
			return cn.String(), nil
		}
	}
	return "", invalid("no free certificate number after %d tries", maxSerialCollisions)
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
