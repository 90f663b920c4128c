package gateway

import (
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"skillcert/schema/db"
)

// taskView is one inbox entry.
type taskView struct {
	ID                string     `json:"id"`
	Type              string     `json:"type"`
	ApplicationID     string     `json:"application_id"`
	Status            string     `json:"status"`
	AssigneeID        *string    `json:"assignee_id,omitempty"`
	Role              string     `json:"role"`
	Region            string     `json:"region"`
	CreatedAt         time.Time  `json:"created_at"`
	DueAt             *time.Time `json:"due_at,omitempty"`
	OccupationCode    string     `json:"occupation_code"`
	Level             int32      `json:"level"`
	ApplicationStatus string     `json:"application_status"`
}

// inboxPage is the answer of GET /api/v1/tasks.
type inboxPage struct {
	Items    []taskView `json:"items"`
	NextPage *int       `json:"next_page,omitempty"`
}

const (
	defaultPageSize = 50
	maxPageSize     = 200
)

// inboxScope returns the task roles and the region the caller's inbox covers (nil and "" mean all).
func inboxScope(p *principal) (roles []string, region string) {
	switch p.Role {
	case roleCityReviewer:
		return []string{roleCityReviewer}, p.Region
	case roleProvincialReviewer:
		return []string{roleProvincialReviewer}, ""
	case roleCommitteeMember:
		return []string{roleCommitteeMember}, ""
	case roleSupervisor:
		return nil, p.Region
	}
	return nil, "" // admin
}

// pageParams reads page (from 1) and page_size from the query.
func pageParams(c *fiber.Ctx) (page, size int, err error) {
	f := fieldErrors{}
	page, size = 1, defaultPageSize
	if v := c.Query("page"); v != "" {
		if n, perr := strconv.Atoi(v); perr != nil || n < 1 {
			f.add("page", "页码应为正整数")
		} else {
			page = n
		}
	}
	if v := c.Query("page_size"); v != "" {
		if n, perr := strconv.Atoi(v); perr != nil || n < 1 || n > maxPageSize {
			f.add("page_size", fmt.Sprintf("每页条数应为1至%d", maxPageSize))
		} else {
			size = n
		}
	}
	return page, size, f.err()
}

// listTasks is the inbox, scoped to the caller's role and region and filtered by the query.
func (a *app) listTasks(c *fiber.Ctx) error {
	page, size, err := pageParams(c)
	if err != nil {
		return err
	}
	f := fieldErrors{}
	status := c.Query("status")
	switch status {
	case "", "open", "claimed", "completed", "cancelled":
	default:
		f.add("status", "状态应为 open、claimed 或 completed")
	}
	appID := c.Query("application_id")
	if appID != "" && !validUUID(appID) {
		f.add("application_id", "申报编号格式无效")
	}
	if err := f.err(); err != nil {
		return err
	}
	p := user(c)
	roles, scope := inboxScope(p)
	if (page-1)*size > 1<<30 {
		return fieldInvalid("page", "页码过大")
	}
	rows, err := a.q.ListInboxTasks(c.UserContext(), db.ListInboxTasksParams{
		Roles: roles, ScopeRegion: ptr(scope), Type: ptr(c.Query("type")), Status: ptr(status),
		Region: ptr(c.Query("region")), ApplicationID: ptr(appID), Q: ptr(trimmed(c.Query("q"))),
		Off: int32((page - 1) * size), Lim: int32(size + 1),
	})
	if err != nil {
		return fmt.Errorf("list tasks: %w", err)
	}
	hidden, err := a.committeeHiddenTasks(c, p, rows) // committee_access.go
	if err != nil {
		return err
	}
	out := inboxPage{Items: make([]taskView, 0, min(len(rows), size))}
	for i, r := range rows {
		if i == size {
			next := page + 1
			out.NextPage = &next
			break
		}
		if hidden[r.ID] {
			continue
		}
		out.Items = append(out.Items, taskView{ID: r.ID, Type: r.Type, ApplicationID: r.ApplicationID, Status: r.Status,
			AssigneeID: r.AssigneeID, Role: r.Role, Region: r.Region, CreatedAt: r.CreatedAt, DueAt: r.DueAt,
			OccupationCode: r.OccupationCode, Level: r.Level, ApplicationStatus: r.ApplicationStatus})
	}
	return c.JSON(out)
}

// taskRoutes are the inboxes. Claiming and completing tasks are added by the task routes of the other
// route groups.
func (a *app) taskRoutes() []route {
	return []route{
		{Method: "GET", Path: "/api/v1/tasks", Roles: rolesStaff, Handler: a.listTasks, Tag: "tasks",
			Summary:  "Inbox scoped to the caller's role and region",
			Query:    []string{"type", "status", "region", "application_id", "q", "page", "page_size"},
			Response: inboxPage{}, Errors: []int{422}},
	}
}
