package activities

import (
	"context"
	"testing"

	"github.com/google/uuid"

	"skillcert"
)

// TestCertificateSerialsArePermuted: consecutive certificates of one site, year and level keep the notice's
// 22-character format, but their serials are the keyed permutation of the sequence, not 1, 2, 3; a retry
// returns the number already issued.
func TestCertificateSerialsArePermuted(t *testing.T) {
	pool, applicant := testPool(t)
	key := []byte("test certificate serial key 0123")
	a := &Activities{Pool: pool, CertSerialKey: key}
	perm, err := skillcert.NewSerialPermutation(key)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	issued := skillcert.Date{Year: 2026, Month: 11, Day: 29}
	seen := map[string]bool{}
	for n := 1; n <= 5; n++ {
		in := IssueInput{ApplicationID: uuid.NewString(), ApplicantID: applicant, OccupationCode: "6-31-01-03",
			OccupationName: "电工", Level: skillcert.Level4, IssuedOn: issued, SiteCode: "000001"}
		number, err := a.IssueCertificate(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		cn, err := skillcert.ParseCertificateNumber(number)
		if err != nil || len(number) != skillcert.CertificateNumberLength {
			t.Fatalf("issued %q: %v", number, err)
		}
		want, _ := perm.Serial("000001", 2026, skillcert.Level4, n)
		if cn.Serial != want || cn.Serial == n || seen[number] {
			t.Fatalf("certificate %d got serial %d, want the permuted %d (not the count, not repeated)", n, cn.Serial, want)
		}
		seen[number] = true
		again, err := a.IssueCertificate(ctx, in)
		if err != nil || again != number {
			t.Fatalf("retry issued %q (%v), want %q", again, err, number)
		}
	}
}
