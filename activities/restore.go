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

// RestoreCertificate puts back the certificate that IssueCertificate issued as number for in, when the
// registry lacks it (reprojection after a loss). It never numbers anew: the number is the one the workflow
// recorded, and the sequence counter of its site, year and level is raised to at least the number's place
// in the sequence (the inverse of the serial permutation keyed by serialKey, nil for the development key),
// so later issues do not reuse it. The masked name is read from the applicant's account as IssueCertificate
// does. It is not an activity (not a method of Activities, so the worker does not register it).
func RestoreCertificate(ctx context.Context, pool pgxBeginner, serialKey []byte, in IssueInput, number string) error {
	cn, err := skillcert.ParseCertificateNumber(number)
	if err != nil {
		return fmt.Errorf("restore certificate of %s: recorded number %q: %w", in.ApplicationID, number, err)
	}
	if serialKey == nil {
		serialKey = devCertSerialKey
	}
	perm, err := skillcert.NewSerialPermutation(serialKey)
	if err != nil {
		return fmt.Errorf("restore certificate of %s: %w", in.ApplicationID, err)
	}
	seq, err := perm.Sequence(cn.SiteCode, cn.Year, cn.Level, cn.Serial)
	if err != nil {
		return fmt.Errorf("restore certificate of %s: %w", in.ApplicationID, err)
	}
	err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		q := db.New(tx)
		existing, err := q.GetCertificateByApplication(ctx, in.ApplicationID)
		if err == nil {
			if existing.Number != number {
				return fmt.Errorf("the registry holds %s, the workflow recorded %s", existing.Number, number)
			}
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("look up certificate: %w", err)
		}
		name, err := q.GetApplicantName(ctx, in.ApplicantID)
		if err != nil {
			return fmt.Errorf("load applicant: %w", err)
		}
		if err := q.RaiseCertificateSerial(ctx, db.RaiseCertificateSerialParams{
			SiteCode: cn.SiteCode, Year: int32(cn.Year), Level: int32(cn.Level), Serial: int32(seq),
		}); err != nil {
			return fmt.Errorf("raise serial: %w", err)
		}
		return q.InsertCertificate(ctx, db.InsertCertificateParams{
			Number: number, ApplicationID: in.ApplicationID, ApplicantID: in.ApplicantID,
			NameMasked: skillcert.MaskName(name), OccupationCode: in.OccupationCode, OccupationName: in.OccupationName,
			Level:    int32(in.Level),
			IssuedOn: pgtype.Date{Time: time.Date(in.IssuedOn.Year, in.IssuedOn.Month, in.IssuedOn.Day, 0, 0, 0, 0, time.UTC), Valid: true},
		})
	})
	if err != nil {
		return fmt.Errorf("restore certificate of %s: %w", in.ApplicationID, err)
	}
	return nil
}

// pgxBeginner is a pool or connection that starts transactions.
type pgxBeginner interface {
	Begin(ctx context.Context) (pgx.Tx, error)
}
