package gateway

import (
	"context"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"skillcert/client"
	"skillcert/schema/db"
)

// TestInboxSearch: the inbox's q finds open tasks by any part of the applicant's name (one character, two,
// the whole name), by an application ID prefix, literally (LIKE's % and _ are no wildcards), within the
// caller's scope only, and pages as the inbox does. Both ways the query can take (from the few matching
// accounts, or walking the inbox in order) give the same rows in the same order.
func TestInboxSearch(t *testing.T) {
	s := newStaffCase(t, "乌海市")
	g := s.g
	_, full := s.submitted(t, "鲜于翠翎", 5)
	_, given := s.submitted(t, "翠翎", 5)
	_, other := s.submitted(t, "鲜翎", 5)
	_, apart := s.submitted(t, "于翠翠翎", 5) // holds the pairs of 于翠翎, not 于翠翎
	mine := []string{full, given, other, apart}
	outside := s.staff(t, roleCityReviewer, "包头市", "")

	// ids lists the caller's inbox for q, keeping only this test's applications (other tests share the stack).
	ids := func(t *testing.T, token, q string, pg client.Paging) ([]string, int) {
		t.Helper()
		r := must(g.as(token).Tasks(t.Context(), client.TaskFilter{Q: q}, pg))(t)
		var out []string
		for _, it := range r.Items {
			if slices.Contains(mine, it.ApplicationID) {
				out = append(out, it.ApplicationID)
			}
		}
		return out, len(r.Items)
	}
	cases := []struct {
		q    string
		want []string
	}{
		{"翎", []string{full, given, other, apart}},            // one character
		{"翠", []string{full, given, apart}},                   // one character
		{"翠翎", []string{full, given, apart}},                  // two
		{"鲜于翠翎", []string{full}},                              // the whole name
		{"于翠", []string{full, apart}},                         // the middle
		{"于翠翎", []string{full}},                               // apart holds both pairs, not side by side
		{"鲜翎", []string{other}},                               // both characters are in 鲜于翠翎, not side by side
		{"翎翠", nil},                                           // reversed
		{"翠_", nil},                                           // _ is a character, not a wildcard
		{"鲜%翎", nil},                                          // nor is %
		{full[:8], []string{full}},                            // an application ID prefix
		{caseOccupation, []string{full, given, other, apart}}, // an occupation code
	}
	for _, c := range cases {
		if got, _ := ids(t, s.city.Token, c.q, client.Paging{}); !slices.Equal(got, c.want) {
			t.Errorf("q=%q: %v, want %v", c.q, got, c.want)
		}
	}
	for _, q := range []string{"%", "_", "龘龘", "龘"} { // nobody's name holds them
		if got, n := ids(t, s.admin, q, client.Paging{}); n != 0 {
			t.Errorf("q=%q lists %d tasks (%v), want none", q, n, got)
		}
	}
	if got, _ := ids(t, outside.Token, "翠翎", client.Paging{}); len(got) != 0 {
		t.Errorf("another region's reviewer finds %v", got)
	}
	if got, _ := ids(t, s.admin, "鲜于翠翎", client.Paging{}); !slices.Equal(got, []string{full}) {
		t.Errorf("admin q=鲜于翠翎: %v", got)
	}
	t.Run("q that is no text", func(t *testing.T) {
		for _, q := range []string{"\xff\xfe", "翠\x00翎"} { // Postgres text holds neither
			wantAPIError(t, errOf(g.as(s.city.Token).Tasks(t.Context(), client.TaskFilter{Q: q}, client.Paging{})), 422, "invalid", "q")
			wantAPIError(t, errOf(g.as(s.admin).SearchApplications(t.Context(), client.ApplicationFilter{Q: q}, client.Paging{})),
				422, "invalid", "q")
			wantAPIError(t, errOf(g.as(s.admin).Tasks(t.Context(), client.TaskFilter{Region: q, Type: q}, client.Paging{})),
				422, "invalid", "region")
		}
	})
	t.Run("admin search by masked name", func(t *testing.T) {
		for q, want := range map[string][]string{
			"鲜**翎": {full},         // by the characters shown
			"*翎":   {given, other}, // a leading mask
			"于**翎": {apart},
			"鲜*":   {other}, // by the first character
			"翠*":   {given},
			"鲜*翠":  nil,
		} {
			got, _ := searchIDs(t, g, s.admin, client.ApplicationFilter{BatchID: s.batch, Q: q}, client.Paging{})
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("admin search q=%q: %v, want %v", q, got, want)
			}
		}
	})
	t.Run("paging", func(t *testing.T) {
		var seen []string
		for page := 1; page <= 4; page++ {
			r := must(g.as(s.city.Token).Tasks(t.Context(), client.TaskFilter{Q: "翠翎"},
				client.Paging{Page: page, PageSize: 1}))(t)
			for _, it := range r.Items {
				seen = append(seen, it.ApplicationID)
			}
		}
		if want := []string{full, given, apart}; !slices.Equal(seen, want) {
			t.Errorf("pages of one task for q=翠翎: %v, want %v", seen, want)
		}
	})
	t.Run("both ways", func(t *testing.T) {
		ctx := context.Background()
		pool, err := pgxpool.New(ctx, g.env["DATABASE_URL"])
		if err != nil {
			t.Fatal(err)
		}
		defer pool.Close()
		// The ways, forced by the bounds: from the accounts, walking against the set of accounts, walking
		// with each task's account.
		zero, big := int32(0), int32(1_000_000)
		ways := []struct {
			name          string
			bound, setMax *int32
		}{{"accounts", &big, &big}, {"set", &zero, &big}, {"walk", &zero, &zero}}
		region := s.region
		for _, q := range []string{"翎", "翠", "翠翎", "鲜于翠翎", "于翠翎", "鲜翎", "翠_", "龘"} {
			for _, off := range []int32{0, 1} {
				var first []db.ListInboxTasksRow
				for i, w := range ways {
					p := db.ListInboxTasksParams{Roles: []string{roleCityReviewer}, ScopeRegion: &region, Q: &q, Lim: 2, Off: off,
						NameBound: w.bound, NameSetBound: w.setMax}
					got := must(db.New(pool).ListInboxTasks(ctx, p))(t)
					if i == 0 {
						first = got
					} else if !slices.Equal(got, first) {
						t.Errorf("q=%q offset %d: %s %v, %s %v", q, off, ways[0].name, first, w.name, got)
					}
				}
				if q == "翎" && len(first) != 2 { // four tasks hold it: no way may find none
					t.Errorf("q=%q offset %d: %d rows, want 2", q, off, len(first))
				}
			}
		}
	})
}
