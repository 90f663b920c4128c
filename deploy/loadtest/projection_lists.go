package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"skillcert"
	"skillcert/schema/db"
)

// The list and search queries beyond projectionQueries: keyset pages (after=) deep in the inbox and the
// admin search, the admin search without filters and by each kind of q (ID prefix, phone, masked name), and
// the inbox search. Their arguments are drawn from the loaded data.

// keysetCursor is the after= cursor the gateway issues for a row of list (gateway/paging.go's pageKey): the
// load tester builds it from the row so that a deep page is reached without walking to it. A format the
// gateway no longer accepts fails the run with a 422.
func keysetCursor(list string, at time.Time, id string) string {
	b, _ := json.Marshal(struct {
		List string    `json:"l"`
		At   time.Time `json:"t"`
		ID   string    `json:"i"`
	}{list, at, id}) // a struct of strings and a time always encodes
	return base64.RawURLEncoding.EncodeToString(b)
}

// searchSample is an application with its applicant's phone, name and masked name.
type searchSample struct {
	id, phone, name, masked string
}

// listProjectionQueries returns the extra measured queries over the loaded database.
func listProjectionQueries(ctx context.Context, pool *pgxpool.Pool, region string) ([]projectionQuery, error) {
	var taskAt, appAt time.Time
	var taskID, appID string
	// The first open task of page 100 in the region's city reviewers' inbox, or its last when it is shorter.
	var open int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM tasks
		WHERE role = 'city_reviewer' AND region = $1 AND status IN ('open', 'claimed')`, region).Scan(&open); err != nil || open == 0 {
		return nil, fmt.Errorf("inbox cursor: %d open tasks, %v", open, err)
	}
	if err := pool.QueryRow(ctx, `SELECT created_at, id::text FROM tasks
		WHERE role = 'city_reviewer' AND region = $1 AND status IN ('open', 'claimed')
		ORDER BY created_at, id OFFSET $2 LIMIT 1`, region, min(4950, open-1)).Scan(&taskAt, &taskID); err != nil {
		return nil, fmt.Errorf("inbox cursor: %w", err)
	}
	if err := pool.QueryRow(ctx, `SELECT created_at, id::text FROM applications
		ORDER BY created_at DESC, id OFFSET 4950 LIMIT 1`).Scan(&appAt, &appID); err != nil {
		return nil, fmt.Errorf("search cursor: %w", err)
	}
	rows, err := pool.Query(ctx, `SELECT a.id::text, u.phone, u.name FROM applications a TABLESAMPLE SYSTEM (1) REPEATABLE (7)
		JOIN users u ON u.id = a.applicant_id LIMIT 500`)
	if err != nil {
		return nil, fmt.Errorf("search samples: %w", err)
	}
	var samples []searchSample
	for rows.Next() {
		var s searchSample
		if err := rows.Scan(&s.id, &s.phone, &s.name); err != nil {
			return nil, fmt.Errorf("search samples: %w", err)
		}
		s.masked = skillcert.MaskName(s.name)
		samples = append(samples, s)
	}
	if err := rows.Err(); err != nil || len(samples) == 0 {
		return nil, fmt.Errorf("search samples: %d, %v", len(samples), err)
	}
	taskCursor := keysetCursor("tasks", taskAt, taskID)
	appCursor := keysetCursor("applications", appAt, appID)
	search := func(q string) string { return "/api/v1/admin/applications?" + url.Values{"q": {q}}.Encode() }
	pick := func(i int) searchSample { return samples[i%len(samples)] }
	return []projectionQuery{
		{name: "inbox, keyset page 100", path: func(int) string { return "/api/v1/tasks?after=" + taskCursor },
			capture: func(q *db.Queries) error {
				_, err := q.ListInboxTasks(ctx, db.ListInboxTasksParams{Roles: []string{"city_reviewer"}, ScopeRegion: &region,
					AfterAt: &taskAt, AfterID: &taskID, Lim: 51})
				return err
			}},
		{name: "inbox search (name)", path: func(i int) string {
			return "/api/v1/tasks?" + url.Values{"q": {pick(i).name}}.Encode()
		}, capture: func(q *db.Queries) error {
			_, err := q.ListInboxTasks(ctx, db.ListInboxTasksParams{Roles: []string{"city_reviewer"}, ScopeRegion: &region,
				Q: &samples[0].name, Lim: 51})
			return err
		}},
		inboxNameSearch("inbox search (name's first character)", 1, region, pick, samples[0]),
		inboxNameSearch("inbox search (name's first two characters)", 2, region, pick, samples[0]),
		{name: "admin search, newest", admin: true, path: func(int) string { return "/api/v1/admin/applications" },
			capture: func(q *db.Queries) error {
				_, err := q.SearchApplications(ctx, db.SearchApplicationsParams{Lim: 51})
				return err
			}},
		{name: "admin search, keyset page 100", admin: true, path: func(int) string { return "/api/v1/admin/applications?after=" + appCursor },
			capture: func(q *db.Queries) error {
				_, err := q.SearchApplications(ctx, db.SearchApplicationsParams{AfterAt: &appAt, AfterID: &appID, Lim: 51})
				return err
			}},
		{name: "admin search, ID prefix", admin: true, path: func(i int) string { return search(pick(i).id[:8]) },
			capture: func(q *db.Queries) error {
				p := samples[0].id[:8]
				_, err := q.SearchApplications(ctx, db.SearchApplicationsParams{HasQ: true, IDPrefix: &p, Lim: 51})
				return err
			}},
		{name: "admin search, phone", admin: true, path: func(i int) string { return search(pick(i).phone) },
			capture: func(q *db.Queries) error {
				_, err := q.SearchApplications(ctx, db.SearchApplicationsParams{HasQ: true, Phone: &samples[0].phone, Lim: 51})
				return err
			}},
		{name: "admin search, masked name", admin: true, path: func(i int) string { return search(pick(i).masked) },
			capture: func(q *db.Queries) error {
				pattern := maskedPattern(samples[0].masked)
				_, err := q.SearchApplications(ctx, db.SearchApplicationsParams{HasQ: true, NamePattern: &pattern, Lim: 51})
				return err
			}},
	}, nil
}

// maskedPattern is the LIKE pattern the gateway makes of a masked name: each '*' one character.
func maskedPattern(masked string) string {
	out := []rune{}
	for _, r := range masked {
		if r == '*' {
			r = '_'
		}
		out = append(out, r)
	}
	return string(out)
}

// inboxNameSearch is the inbox search by the first n characters of the sampled names (a surname alone
// matches many accounts, the first two characters fewer).
func inboxNameSearch(name string, n int, region string, pick func(int) searchSample, first searchSample) projectionQuery {
	prefix := func(s searchSample) string { return string([]rune(s.name)[:min(n, len([]rune(s.name)))]) }
	q := prefix(first)
	return projectionQuery{name: name, path: func(i int) string {
		return "/api/v1/tasks?" + url.Values{"q": {prefix(pick(i))}}.Encode()
	}, capture: func(dq *db.Queries) error {
		_, err := dq.ListInboxTasks(context.Background(), db.ListInboxTasksParams{Roles: []string{"city_reviewer"},
			ScopeRegion: &region, Q: &q, Lim: 51})
		return err
	}}
}
