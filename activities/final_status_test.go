package activities

import (
	"context"
	"testing"

	"skillcert"
)

// TestFinalStatusesMatchDomain: the SQL functions that every query and the one-active index use agree
// with skillcert.Status.Final for every status.
func TestFinalStatusesMatchDomain(t *testing.T) {
	pool, _ := testPool(t)
	for _, s := range skillcert.AllStatuses {
		var final, holds bool
		err := pool.QueryRow(context.Background(),
			`SELECT application_status_final($1), application_holds_place($1)`, string(s)).Scan(&final, &holds)
		if err != nil {
			t.Fatal(err)
		}
		if final != s.Final() || holds != (!s.Final() || s == skillcert.StatusCertified) {
			t.Errorf("%s: SQL final %v, holds place %v; the domain says final %v", s, final, holds, s.Final())
		}
	}
}
