package client

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"strconv"

	"skillcert/api"
)

// Paging is the position of a list request: a page number (from 1), or the cursor after which to read
// (a page's NextCursor); zero values leave the gateway's defaults.
type Paging struct {
	Page     int
	PageSize int
	After    string
}

func (p Paging) add(v url.Values) {
	if p.Page > 0 {
		v.Set("page", strconv.Itoa(p.Page))
	}
	if p.PageSize > 0 {
		v.Set("page_size", strconv.Itoa(p.PageSize))
	}
	if p.After != "" {
		v.Set("after", p.After)
	}
}

// query builds a query string from filter pairs (empty values are left out) and the paging.
func query(p Paging, pairs ...string) string {
	v := url.Values{}
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] != "" {
			v.Set(pairs[i], pairs[i+1])
		}
	}
	p.add(v)
	if len(v) == 0 {
		return ""
	}
	return "?" + v.Encode()
}

func list[T any](ctx context.Context, c *Client, path string) (api.Page[T], error) {
	var out api.Page[T]
	err := c.Do(ctx, http.MethodGet, path, nil, &out)
	return out, err
}

// TaskFilter narrows the inbox.
type TaskFilter struct {
	Type, Status, Region, ApplicationID, Q string
}

// Tasks reads a page of the caller's inbox (GET /api/v1/tasks).
func (c *Client) Tasks(ctx context.Context, f TaskFilter, p Paging) (api.Page[api.Task], error) {
	return list[api.Task](ctx, c, "/api/v1/tasks"+query(p, "type", f.Type, "status", f.Status, "region", f.Region,
		"application_id", f.ApplicationID, "q", f.Q))
}

// ApplicationFilter narrows the admin search; Level 0 means any.
type ApplicationFilter struct {
	Status, Region, OccupationCode, BatchID, Q string
	Level                                      int
}

// SearchApplications reads a page of the admin search (GET /api/v1/admin/applications).
func (c *Client) SearchApplications(ctx context.Context, f ApplicationFilter, p Paging) (api.Page[api.AdminApplication], error) {
	level := ""
	if f.Level > 0 {
		level = strconv.Itoa(f.Level)
	}
	return list[api.AdminApplication](ctx, c, "/api/v1/admin/applications"+query(p, "status", f.Status, "region", f.Region,
		"occupation_code", f.OccupationCode, "level", level, "batch_id", f.BatchID, "q", f.Q))
}

// Audit reads a page of an application's audit trail, or of the newest events when applicationID is
// empty (GET /api/v1/admin/audit).
func (c *Client) Audit(ctx context.Context, applicationID string, p Paging) (api.Page[api.AuditEvent], error) {
	return list[api.AuditEvent](ctx, c, "/api/v1/admin/audit"+query(p, "application_id", applicationID))
}

// ExamSessionFilter narrows the exam sessions; Level 0 means any.
type ExamSessionFilter struct {
	BatchID, Region, OccupationCode string
	Level                           int
	Overdue                         bool
}

// ExamSessions reads a page of the exam sessions (GET /api/v1/exam-sessions).
func (c *Client) ExamSessions(ctx context.Context, f ExamSessionFilter, p Paging) (api.Page[api.ExamSession], error) {
	level, overdue := "", ""
	if f.Level > 0 {
		level = strconv.Itoa(f.Level)
	}
	if f.Overdue {
		overdue = "true"
	}
	return list[api.ExamSession](ctx, c, "/api/v1/exam-sessions"+query(p, "batch_id", f.BatchID, "region", f.Region,
		"occupation_code", f.OccupationCode, "level", level, "overdue", overdue))
}

// All walks a list from first to its end by cursor: fetch is one of the list methods bound to its filter,
// e.g. func(p Paging) (api.Page[api.Task], error) { return c.Tasks(ctx, f, p) }. It stops at the first error,
// which it yields.
func All[T any](first Paging, fetch func(Paging) (api.Page[T], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		p := first
		for {
			page, err := fetch(p)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range page.Items {
				if !yield(it, nil) {
					return
				}
			}
			if page.NextCursor == nil {
				return
			}
			p = Paging{PageSize: p.PageSize, After: *page.NextCursor}
		}
	}
}
