package gateway

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/valyala/fasthttp"

	"skillcert"
	"skillcert/api"
	"skillcert/client"
)

// readPageOf runs readPage on a request with the query string q.
func readPageOf(t *testing.T, kind listKind, q string) (pageRequest, error) {
	t.Helper()
	app := fiber.New()
	ctx := app.AcquireCtx(&fasthttp.RequestCtx{})
	defer app.ReleaseCtx(ctx)
	ctx.Request().SetRequestURI("/list?" + q)
	return readPage(ctx, kind)
}

// fieldOf returns the single field a 422 names, or "".
func fieldOf(err error) string {
	var se *skillcert.Error
	if !errors.As(err, &se) || se.Code != skillcert.EINVALID || len(se.Fields) != 1 {
		return ""
	}
	for k := range se.Fields {
		return k
	}
	return ""
}

func TestReadPage(t *testing.T) {
	key := pageKey{List: "tasks", At: time.Date(2022, 6, 21, 9, 0, 0, 123456000, time.UTC), ID: uuid.NewString()}
	good := key.encode()
	audit := pageKey{List: "audit", At: key.At, Seq: 4, ID: "17"}.encode()
	ok := []struct {
		q          string
		page, size int
		after      bool
	}{
		{"", 1, defaultPageSize, false},
		{"page=3&page_size=20", 3, 20, false},
		{fmt.Sprintf("page=%d&page_size=%d", maxPage, maxPageSize), maxPage, maxPageSize, false},
		{"after=" + good, 1, defaultPageSize, true},
		{"page=1&page_size=7&after=" + good, 1, 7, true},
	}
	for _, c := range ok {
		p, err := readPageOf(t, tasksList, c.q)
		if err != nil || p.Page != c.page || p.Size != c.size || (p.After != nil) != c.after {
			t.Errorf("%q: %+v, %v", c.q, p, err)
		}
	}
	p, _ := readPageOf(t, tasksList, "after="+good)
	if !p.After.At.Equal(key.At) || *p.afterID() != key.ID || p.offset() != 0 || p.limit() != defaultPageSize+1 {
		t.Fatalf("the cursor did not round-trip: %+v", p.After)
	}
	if p, err := readPageOf(t, auditTrailList, "after="+audit); err != nil || *p.afterNum() != 17 || *p.afterSeq() != 4 {
		t.Fatalf("audit cursor: %+v, %v", p.After, err)
	}
	if p, _ := readPageOf(t, tasksList, "page=10000&page_size=200"); p.offset() != 9999*200 {
		t.Fatalf("offset %d", p.offset())
	}

	forge := func(json string) string { return base64.RawURLEncoding.EncodeToString([]byte(json)) }
	bad := map[string]string{
		"page=30000000":                     "page",
		"page=0":                            "page",
		"page=-1":                           "page",
		"page=1.5":                          "page",
		"page=%201":                         "page",
		"page=99999999999999999999":         "page",
		"page_size=0":                       "page_size",
		"page_size=201":                     "page_size",
		"page_size=1e2":                     "page_size",
		"page=2&after=" + good:              "page",
		"after=nonsense!":                   "after",
		"after=" + audit:                    "after", // another list's cursor
		"after=" + strings.Repeat("A", 600): "after",
		"after=" + forge(`{"l":"tasks","t":"2022-06-21T09:00:00Z","i":"not-a-uuid"}`):                "after",
		"after=" + forge(`{"l":"tasks","i":"`+key.ID+`"}`):                                           "after", // no time
		"after=" + forge(`{"l":"tasks","t":"2022-06-21T09:00:00Z","i":"`+key.ID+`","x":1}`):          "after",
		"after=" + forge(`{"l":"tasks","t":"2022-06-21T09:00:00Z","s":-1,"i":"`+key.ID+`"}`):         "after",
		"after=" + forge(`{"l":"tasks","t":"2022-06-21T09:00:00Z","i":"`+key.ID+`"} {}`):             "after",
		"after=" + forge(`{"l":"tasks","t":"2022-06-21T09:00:00Z","i":"`+key.ID+`","s":"1 OR 1=1"}`): "after",
	}
	for q, field := range bad {
		if _, err := readPageOf(t, tasksList, q); fieldOf(err) != field {
			t.Errorf("%q: %v, want a 422 naming %s", q, err, field)
		}
	}
	if _, err := readPageOf(t, auditTrailList, "after="+forge(`{"l":"audit","t":"2022-06-21T09:00:00Z","i":"0"}`)); fieldOf(err) != "after" {
		t.Errorf("an audit cursor with ID 0 was accepted: %v", err)
	}
}

func TestMakePage(t *testing.T) {
	at := time.Date(2022, 6, 21, 9, 0, 0, 0, time.UTC)
	rows := []int{1, 2, 3}
	key := func(n int) pageKey { return pageKey{At: at, ID: fmt.Sprint(n)} }
	view := func(n int) int { return n * 10 }
	full := makePage(pageRequest{Page: 4, Size: 2}, tasksList, rows, view, key)
	if !slices.Equal(full.Items, []int{10, 20}) || full.NextPage == nil || *full.NextPage != 5 || full.NextCursor == nil {
		t.Fatalf("a full page: %+v", full)
	}
	if k, ok := decodePageKey(listKind{name: "tasks", intID: true}, *full.NextCursor); !ok || k.ID != "2" || !k.At.Equal(at) {
		t.Fatalf("next_cursor names %+v, want the last row shown", k)
	}
	last := makePage(pageRequest{Page: 1, Size: 3}, tasksList, rows, view, key)
	if len(last.Items) != 3 || last.NextPage != nil || last.NextCursor != nil {
		t.Fatalf("the last page: %+v", last)
	}
	keyset := makePage(pageRequest{Page: 1, Size: 1, After: &pageKey{}}, tasksList, rows, view, key)
	if keyset.NextPage != nil || keyset.NextCursor == nil {
		t.Fatalf("a keyset page answers next_cursor only: %+v", keyset)
	}
	deepest := makePage(pageRequest{Page: maxPage, Size: 1}, tasksList, rows, view, key)
	if deepest.NextPage != nil || deepest.NextCursor == nil {
		t.Fatalf("the deepest page must not offer a page number that is refused: %+v", deepest)
	}
	if empty := makePage(pageRequest{Page: 1, Size: 5}, tasksList, []int{}, view, key); empty.Items == nil {
		t.Fatal("an empty page must encode items as [], not null")
	}
}

// lister reads one page of a list through the typed client, as the IDs of its items.
type lister func(p client.Paging) (ids []string, next *int, cursor *string, err error)

func listOf[T any](fetch func(client.Paging) (api.Page[T], error), id func(T) string) lister {
	return func(p client.Paging) ([]string, *int, *string, error) {
		page, err := fetch(p)
		ids := make([]string, 0, len(page.Items))
		for _, it := range page.Items {
			ids = append(ids, id(it))
		}
		return ids, page.NextPage, page.NextCursor, err
	}
}

// walk reads a list to its end, by page number or by cursor, and returns the IDs in order.
func walk(t *testing.T, list lister, size int, byCursor bool) []string {
	t.Helper()
	var all []string
	p := client.Paging{PageSize: size}
	for n := 1; ; n++ {
		if !byCursor {
			p.Page = n
		}
		ids, next, cursor, err := list(p)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, ids...)
		if byCursor && p.After != "" && next != nil {
			t.Fatalf("a keyset page answered next_page %d", *next)
		}
		if cursor == nil {
			if next != nil {
				t.Fatalf("next_page %d without next_cursor", *next)
			}
			return all
		}
		if !byCursor && (next == nil || *next != n+1) {
			t.Fatalf("page %d answered next_page %v", n, next)
		}
		if n > 100 {
			t.Fatalf("the list does not end: %v", all)
		}
		if byCursor {
			p.After = *cursor
		}
	}
}

// TestPagingIntegration walks every paged list by page number and by cursor, over rows that tie on their
// ordering time, and checks that absurd parameters are refused with 422 naming the field.
func TestPagingIntegration(t *testing.T) {
	g := startGateway(t)
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, g.env["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	admin := g.adminToken(t)
	const region = "乌兰察布市"
	batch := g.newBatch(t)
	var apps []string
	var owner applicant // of the last application
	for i := range 5 {
		a := g.registerApplicant(t, fmt.Sprintf("翻页%c", '甲'+rune(i)))
		owner = a
		apps = append(apps, must(g.as(a.Token).CreateApplication(t.Context(), applicationRequest(batch, region)))(t).ID)
	}
	// A withdrawn draft has two audit events: created and withdraw.
	must(g.as(owner.Token).Withdraw(t.Context(), apps[4], ""))(t)
	tie := time.Now().Add(-time.Hour).Truncate(time.Second)
	exec(`UPDATE applications SET created_at = $1 WHERE id = ANY($2::uuid[])`, tie, apps[1:4])

	// Tasks and exam sessions are inserted as rows (three and four of them at one instant) and removed after.
	var tasks, sessions []string
	for i := range 7 {
		id, created := uuid.NewString(), tie.Add(time.Duration(min(i, 3))*time.Minute)
		tasks = append(tasks, id)
		exec(`INSERT INTO tasks (id, application_id, type, status, role, region, seq, created_at)
		      VALUES ($1, $2, 'preliminary_review', 'open', 'city_reviewer', $3, 1, $4)`, id, apps[0], region, created)
	}
	for i := range 5 {
		id := uuid.NewString()
		sessions = append(sessions, id)
		exec(`INSERT INTO exam_sessions (id, batch_id, region, occupation_code, level, starts_at, venue, capacity, created_by)
		      VALUES ($1, $2, $3, '4-07-05-01', 5, $4, '考点', 30, $5)`, id, batch, region, tie.Add(time.Duration(i/3)*time.Hour), apps[0])
	}
	t.Cleanup(func() {
		_, _ = pool.Exec(context.Background(), `DELETE FROM tasks WHERE id = ANY($1::uuid[])`, tasks)
		_, _ = pool.Exec(context.Background(), `DELETE FROM exam_sessions WHERE id = ANY($1::uuid[])`, sessions)
	})

	c := client.New(g.baseURL).WithToken(admin)
	lists := []struct {
		name, path, query string
		size, want        int
		list              lister
	}{
		{"inbox", "/api/v1/tasks", "application_id=" + apps[0], 3, 7, listOf(func(p client.Paging) (api.Page[api.Task], error) {
			return c.Tasks(ctx, client.TaskFilter{ApplicationID: apps[0]}, p)
		}, func(t api.Task) string { return t.ID })},
		{"admin search", "/api/v1/admin/applications", "batch_id=" + batch, 2, 5, listOf(func(p client.Paging) (api.Page[api.AdminApplication], error) {
			return c.SearchApplications(ctx, client.ApplicationFilter{BatchID: batch}, p)
		}, func(a api.AdminApplication) string { return a.ID })},
		{"exam sessions", "/api/v1/exam-sessions", "batch_id=" + batch, 2, 5, listOf(func(p client.Paging) (api.Page[api.ExamSession], error) {
			return c.ExamSessions(ctx, client.ExamSessionFilter{BatchID: batch}, p)
		}, func(s api.ExamSession) string { return s.ID })},
		{"audit trail", "/api/v1/admin/audit", "application_id=" + apps[4], 1, 2, listOf(func(p client.Paging) (api.Page[api.AuditEvent], error) {
			return c.Audit(ctx, apps[4], p)
		}, func(e api.AuditEvent) string { return fmt.Sprint(e.ID) })},
	}
	for _, l := range lists {
		t.Run(l.name, func(t *testing.T) {
			byPage := walk(t, l.list, l.size, false)
			byCursor := walk(t, l.list, l.size, true)
			all := walk(t, l.list, 200, true)
			if !slices.Equal(byPage, byCursor) || !slices.Equal(byPage, all) {
				t.Fatalf("pages %v, cursor %v, one page %v", byPage, byCursor, all)
			}
			sorted := slices.Clone(all)
			slices.Sort(sorted)
			if len(slices.Compact(sorted)) != len(all) || len(all) != l.want {
				t.Fatalf("%d items with repeats or gaps, want %d distinct: %v", len(all), l.want, all)
			}
		})
	}

	t.Run("recent audit", func(t *testing.T) {
		// Other cases keep adding events; a cursor walk still never repeats one and goes strictly back in time.
		first, err := c.Audit(ctx, "", client.Paging{PageSize: 2})
		if err != nil || first.NextCursor == nil {
			t.Fatalf("%+v, %v", first, err)
		}
		second, err := c.Audit(ctx, "", client.Paging{PageSize: 2, After: *first.NextCursor})
		if err != nil {
			t.Fatal(err)
		}
		var seen []int64
		var last time.Time
		for _, e := range append(first.Items, second.Items...) {
			if slices.Contains(seen, e.ID) || (!last.IsZero() && e.At.After(last)) {
				t.Fatalf("event %d at %s after %v: not newest first without repeats", e.ID, e.At, seen)
			}
			seen, last = append(seen, e.ID), e.At
		}
		if len(seen) != 4 {
			t.Fatalf("two pages of 2 gave %v", seen)
		}
	})

	t.Run("bounds", func(t *testing.T) {
		cursors := map[string]string{}
		for _, l := range lists {
			_, _, cursor, err := l.list(client.Paging{PageSize: 1})
			if err != nil || cursor == nil {
				t.Fatalf("%s: no cursor after one item (%v)", l.name, err)
			}
			cursors[l.path] = *cursor
		}
		for _, l := range lists {
			foreign := cursors["/api/v1/tasks"]
			if l.path == "/api/v1/tasks" {
				foreign = cursors["/api/v1/admin/applications"]
			}
			for q, field := range map[string]string{
				"page=30000000": "page", "page=0": "page", "page=abc": "page", "page_size=0": "page_size",
				"page_size=201": "page_size", "page_size=-5": "page_size", "after=%27%20OR%201%3D1--": "after",
				"after=" + url.QueryEscape(foreign): "after", "page=2&after=" + url.QueryEscape(cursors[l.path]): "page",
			} {
				// Hostile query strings the typed list methods cannot express.
				wantAPIError(t, g.as(admin).Do(t.Context(), "GET", l.path+"?"+l.query+"&"+q, nil, nil), 422, "invalid", field)
			}
		}
		wantAPIError(t, errOf(g.as(admin).Audit(t.Context(), "", client.Paging{Page: 30000000})), 422, "invalid", "page")
		must(g.as(admin).Tasks(t.Context(), client.TaskFilter{}, client.Paging{Page: 10000, PageSize: 200}))(t)
	})
}
