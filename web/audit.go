package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// oversightRoutes are the admins' and supervisors' audit log with the verification of its hash chain, and
// the admins' incidents (side effects that failed past their retry limit).
func (u *ui) oversightRoutes(r fiber.Router) {
	r.Get("/staff/audit", u.requireStaff, u.auditPage)
	r.Get("/staff/incidents", u.requireStaff, u.incidentsPage)
	r.Post("/staff/incidents/:id", u.requireStaff, u.resolveIncident)
}

// auditVerification is GET /api/v1/admin/audit/verify.
type auditVerification struct {
	OK          bool   `json:"ok"`
	Events      int64  `json:"events"`
	FirstBadSeq *int64 `json:"first_bad_seq"`
}

// auditLogEvent is an event of the newest audit events (GET /api/v1/admin/audit without an application).
type auditLogEvent struct {
	auditEvent
	ApplicationID string `json:"application_id"`
}

// auditData is the audit log page: the newest events, the cursor of the next page, and the verification
// when it was asked for.
type auditData struct {
	Items      []auditLogEvent
	NextCursor *string
	Verified   *auditVerification
}

// auditPage lists the newest audit events (keyset paging with ?after=) and, with ?verify=1, recomputes
// the whole chain through the API and says whether it is intact or where it was first changed.
func (u *ui) auditPage(c *fiber.Ctx) error {
	p := u.newPage(c, "审计日志")
	p.Staff = true
	q := url.Values{"page_size": {"50"}}
	if after := strings.TrimSpace(c.Query("after")); after != "" {
		q.Set("after", after)
	}
	var ans struct {
		Items      []auditLogEvent `json:"items"`
		NextCursor *string         `json:"next_cursor"`
	}
	if err := u.API.Call(c.UserContext(), token(c), http.MethodGet, "/api/v1/admin/audit?"+q.Encode(), nil, &ans); err != nil {
		p.Error = asAPIError(err)
		if p.Error.Status == http.StatusForbidden {
			return u.render(c, p.Error.Status, "error", p)
		}
	}
	d := auditData{Items: ans.Items, NextCursor: ans.NextCursor}
	if c.Query("verify") == "1" {
		var v auditVerification
		if err := u.API.Call(c.UserContext(), token(c), http.MethodGet, "/api/v1/admin/audit/verify", nil, &v); err != nil {
			p.Error = asAPIError(err)
		} else {
			d.Verified = &v
		}
	}
	p.Data = d
	return u.render(c, http.StatusOK, "audit", p)
}

// incidentsData is the incidents page: the open incident tasks.
type incidentsData struct {
	Items    []task
	NextPage *int
	Page     int
	Failed   string // the task whose resolution was refused (its form shows the field errors)
}

var incidentFlash = map[string]string{"retry": "已重试失败的写入，申报继续处理。", "abandon": "已放弃失败的写入。"}

// incidentsPage lists the open incidents with a form each: retry or abandon, with a reason.
func (u *ui) incidentsPage(c *fiber.Ctx) error {
	p := u.newPage(c, "异常事件")
	p.Staff = true
	p.Flash = incidentFlash[c.Query("done")]
	return u.renderIncidents(c, p, http.StatusOK, "")
}

func (u *ui) renderIncidents(c *fiber.Ctx, p page, status int, failed string) error {
	d := incidentsData{Page: 1, Failed: failed}
	q := url.Values{"type": {"incident"}, "page_size": {"50"}}
	if n := c.QueryInt("page"); n > 1 {
		d.Page = n
		q.Set("page", c.Query("page"))
	}
	var ans struct {
		Items    []task `json:"items"`
		NextPage *int   `json:"next_page"`
	}
	if err := u.API.Call(c.UserContext(), token(c), http.MethodGet, "/api/v1/tasks?"+q.Encode(), nil, &ans); err != nil {
		e := asAPIError(err)
		if e.Status == http.StatusForbidden {
			p.Error = e
			return u.render(c, e.Status, "error", p)
		}
		if p.Error == nil {
			p.Error = e
		}
	}
	for _, t := range ans.Items {
		if t.Status == "open" || t.Status == "claimed" {
			d.Items = append(d.Items, t)
		}
	}
	d.NextPage = ans.NextPage
	p.Data = d
	return u.render(c, status, "incidents", p)
}

// resolveIncident sends the admin's decision on one incident (POST /api/v1/tasks/{id}/complete).
func (u *ui) resolveIncident(c *fiber.Ctx) error {
	id := c.Params("id")
	form := formValues(c, "decision", "reason")
	err := u.API.Call(c.UserContext(), token(c), http.MethodPost, "/api/v1/tasks/"+url.PathEscape(id)+"/complete",
		map[string]string{"decision": form["decision"], "reason": form["reason"]}, nil)
	if err != nil {
		p := u.newPage(c, "异常事件")
		p.Staff, p.Error, p.Form = true, asAPIError(err), form
		if _, ok := p.Error.Fields["decision"]; ok {
			p.Error.Fields["decision"] = "请选择处理方式：重试或放弃"
		}
		if p.Error.Status == http.StatusConflict {
			p.Error.Message = "该异常事件已被处理或已变化，请查看最新列表。"
		}
		return u.renderIncidents(c, p, p.Error.Status, id)
	}
	return redirect(c, "/staff/incidents?done="+url.QueryEscape(form["decision"]))
}
