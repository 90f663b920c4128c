package client

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"skillcert/api"
)

// server answers from a script of pages keyed by the query string, and records the requests.
func server(t *testing.T, pages map[string]string, seen *[]string) *Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		*seen = append(*seen, r.Method+" "+r.URL.RequestURI()+" "+r.Header.Get("Authorization"))
		body, ok := pages[r.URL.RawQuery]
		w.Header().Set("Content-Type", "application/json")
		if !ok {
			w.WriteHeader(http.StatusUnprocessableEntity)
			_, _ = io.WriteString(w, `{"error":{"code":"invalid","message":"翻页游标无效","fields":{"after":"翻页游标无效"}}}`)
			return
		}
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return New(srv.URL + "/")
}

func TestAllWalksTheCursor(t *testing.T) {
	var seen []string
	c := server(t, map[string]string{
		"application_id=a1&page_size=2":          `{"items":[{"id":"t1"},{"id":"t2"}],"next_page":2,"next_cursor":"c2"}`,
		"after=c2&application_id=a1&page_size=2": `{"items":[{"id":"t3"}]}`,
	}, &seen).WithToken("tok")
	ctx := context.Background()
	var ids []string
	for task, err := range All(Paging{PageSize: 2}, func(p Paging) (api.Page[api.Task], error) {
		return c.Tasks(ctx, TaskFilter{ApplicationID: "a1"}, p)
	}) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, task.ID)
	}
	if !slices.Equal(ids, []string{"t1", "t2", "t3"}) || len(seen) != 2 || seen[0] != "GET /api/v1/tasks?application_id=a1&page_size=2 Bearer tok" {
		t.Fatalf("ids %v, requests %v", ids, seen)
	}
}

func TestErrorAnswer(t *testing.T) {
	var seen []string
	c := server(t, nil, &seen)
	_, err := c.Audit(context.Background(), "", Paging{After: "bogus"})
	var e *Error
	if !errors.As(err, &e) || e.Status != 422 || e.Body.Code != "invalid" || e.Field("after") == "" {
		t.Fatalf("got %v", err)
	}
	n := 0
	for _, err := range All(Paging{After: "bogus"}, func(p Paging) (api.Page[api.AuditEvent], error) {
		return c.Audit(context.Background(), "", p)
	}) {
		if n++; err == nil {
			t.Fatal("All yielded no error")
		}
	}
	if n != 1 {
		t.Fatalf("All yielded %d times after an error", n)
	}
}
