package gateway

import (
	"fmt"
	"slices"

	"github.com/gofiber/fiber/v2"

	"skillcert"
	"skillcert/schema/db"
)

// inboxScope returns the task roles (as query text) and the region the caller's inbox covers (nil and "" mean all).
func inboxScope(p *principal) (roles []string, region string) {
	switch p.Role {
	case skillcert.RoleCityReviewer:
		return texts([]skillcert.Role{skillcert.RoleCityReviewer}), p.Region
	case skillcert.RoleProvincialReviewer:
		return texts([]skillcert.Role{skillcert.RoleProvincialReviewer}), ""
	case skillcert.RoleCommitteeMember:
		return texts([]skillcert.Role{skillcert.RoleCommitteeMember}), ""
	case skillcert.RoleSupervisor:
		return nil, p.Region
	}
	return nil, "" // admin
}

// listTasks is the inbox, scoped to the caller's role and region and filtered by the query.
func (a *app) listTasks(c *fiber.Ctx) error {
	pg, err := readPage(c, tasksList)
	if err != nil {
		return err
	}
	f := fieldErrors{}
	status := c.Query("status")
	if status != "" {
		if _, err := skillcert.ParseTaskStatus("status", status); err != nil {
			f.addErr("status", err)
		}
	}
	for _, field := range []string{"type", "region", "q"} { // text Postgres would refuse: 422, not 500
		if !isText(c.Query(field)) {
			f.add(field, "查询内容含有无效字符")
		}
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
	rows, err := a.tasks.ListInboxTasks(c.UserContext(), db.ListInboxTasksParams{
		Roles: roles, ScopeRegion: ptr(scope), Type: ptr(c.Query("type")), Status: ptr(status),
		Region: ptr(c.Query("region")), ApplicationID: ptr(appID), Q: ptr(trimmed(c.Query("q"))),
		AfterAt: pg.afterAt(), AfterID: pg.afterID(), Off: pg.offset(), Lim: pg.limit(),
	})
	if err != nil {
		return fmt.Errorf("list tasks: %w", err)
	}
	out := makePage(pg, tasksList, rows, func(r db.ListInboxTasksRow) taskView { return viewTask(db.GetTaskDetailRow(r)) },
		func(r db.ListInboxTasksRow) pageKey { return pageKey{At: r.CreatedAt, ID: r.ID} })
	hidden, err := a.committeeHiddenTasks(c, p, rows) // committee_access.go
	if err != nil {
		return err
	}
	out.Items = slices.DeleteFunc(out.Items, func(t taskView) bool { return hidden[t.ID] })
	return c.JSON(out)
}

// taskRoutes are the inboxes. Claiming and completing tasks are added by the task routes of the other
// route groups.
func (a *app) taskRoutes() []route {
	return []route{
		{Method: "GET", Path: "/api/v1/tasks", Roles: rolesStaff, Handler: a.listTasks, Tag: "tasks",
			Summary:  "Inbox scoped to the caller's role and region",
			Query:    append([]string{"type", "status", "region", "application_id", "q"}, pageQuery...),
			Response: page[taskView]{}, Errors: []int{422}},
	}
}
