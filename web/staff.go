package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"skillcert"
	"skillcert/api"
)

// staffRoutes are the staff workbench's pages under /staff/.
func (u *ui) staffRoutes(r fiber.Router) {
	r.Get("/staff/login", u.loginPage(true))
	r.Post("/staff/login", u.login(true))
	r.Get("/staff/", u.requireStaff, u.inbox)
	r.Post("/staff/tasks/:id/:op<regex(^(claim|unclaim)$)>", u.requireStaff, u.taskOp)
	r.Post("/staff/tasks/:id/assign", u.requireStaff, u.assignTask)
	r.Get("/staff/review/:app", u.requireStaff, u.reviewPage)
	r.Post("/staff/review/:app/:task", u.requireStaff, u.completeReview)
	r.Get("/staff/docs/:app/:doc", u.requireStaff, u.staffDocument)
	r.Get("/staff/view/:app/:doc", u.requireStaff, u.staffDocumentInline)
}

// task is an inbox item of GET /api/v1/tasks.
type task = api.Task

// inboxData is the inbox page: the filters, the page of tasks and the link to the next one.
type inboxData struct {
	listing[task]
	MeID string
	// Assignees are the staff accounts a task can be assigned to, by role (admins only: they can list them).
	Assignees map[string][]staffUser
}

// inboxFilters are the query parameters the inbox passes to the API.
var inboxFilters = []string{"type", "status", "region", "application_id", "q"}

func (u *ui) inbox(c *fiber.Ctx) error {
	p := u.newPage(c, "待办任务")
	p.Staff = true
	d := inboxData{listing: fetchList[task](u, c, &p, "/api/v1/tasks", inboxFilters), MeID: p.Me.UserID}
	if p.Me.Role == string(skillcert.RoleAdmin) {
		var users []staffUser
		if err := u.API.Call(c.UserContext(), token(c), http.MethodGet, "/api/v1/admin/users", nil, &users); err == nil {
			d.Assignees = map[string][]staffUser{}
			for _, su := range users {
				if !su.Disabled {
					d.Assignees[su.Role] = append(d.Assignees[su.Role], su)
				}
			}
		}
	}
	p.Flash = staffFlashes[c.Query("done")]
	if e := c.Query("error"); e != "" {
		p.Error = &APIError{Message: staffErrors[e]}
	}
	p.Data = d
	return u.render(c, http.StatusOK, "inbox", p)
}

// staffFlashes and staffErrors are the fixed messages a redirect may ask for.
var staffFlashes = map[string]string{
	"claim": "已领取任务。", "unclaim": "已退回任务池。", "complete": "审核结果已提交。", "assign": "任务已指派。",
}
var staffErrors = map[string]string{
	"stale": "该任务已被他人处理或申报状态已变化，请刷新待办列表。",
}

// taskOp claims or unclaims a task through the API and returns to the inbox (or, for a claim, the review).
func (u *ui) taskOp(c *fiber.Ctx) error {
	op := c.Params("op")
	var t task
	err := u.API.Call(c.UserContext(), token(c), http.MethodPost, "/api/v1/tasks/"+url.PathEscape(c.Params("id"))+"/"+op, nil, &t)
	if err != nil {
		e := asAPIError(err)
		if e.Status == http.StatusConflict || e.Status == http.StatusNotFound {
			return redirect(c, "/staff/?error=stale")
		}
		p := u.newPage(c, "操作未成功")
		p.Staff, p.Error = true, e
		return u.render(c, e.Status, "error", p)
	}
	if op == "claim" && t.ApplicationID != "" {
		return redirect(c, "/staff/review/"+url.PathEscape(t.ApplicationID)+"?task="+url.QueryEscape(t.ID))
	}
	return redirect(c, "/staff/?done="+op)
}

// assignTask assigns a task to the chosen staff member through the API.
func (u *ui) assignTask(c *fiber.Ctx) error {
	err := u.API.Call(c.UserContext(), token(c), http.MethodPost, "/api/v1/tasks/"+url.PathEscape(c.Params("id"))+"/assign",
		map[string]string{"user_id": strings.TrimSpace(c.FormValue("user_id"))}, nil)
	if err != nil {
		e := asAPIError(err)
		if e.Status == http.StatusConflict || e.Status == http.StatusNotFound {
			return redirect(c, "/staff/?error=stale")
		}
		p := u.newPage(c, "指派未成功")
		p.Staff, p.Error = true, e
		return u.render(c, e.Status, "error", p)
	}
	return redirect(c, "/staff/?done=assign")
}
