package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"skillcert/api"
)

// adminRoutes are the overseers' pages: search, one application with its audit trail and decoded
// workflow history, and revocation.
func (u *ui) adminRoutes(r fiber.Router) {
	r.Get("/staff/search", u.requireStaff, u.search)
	r.Get("/staff/applications/:id", u.requireStaff, u.adminApplication)
	r.Get("/staff/applications/:id/history", u.requireStaff, u.history)
	r.Post("/staff/applications/:id/revoke", u.requireStaff, u.revoke)
}

// found is a search result (GET /api/v1/admin/applications).
type found = api.AdminApplication

// searchData is the search page.
type searchData struct {
	Items    []found
	NextPage *int
	Page     int
	Query    string
}

var searchFilters = []string{"status", "region", "occupation_code", "level", "q"}

func (u *ui) search(c *fiber.Ctx) error {
	p := u.newPage(c, "申报查询")
	p.Staff = true
	q := url.Values{}
	for _, f := range searchFilters {
		if v := strings.TrimSpace(c.Query(f)); v != "" {
			q.Set(f, v)
			p.Form[f] = v
		}
	}
	d := searchData{Query: q.Encode(), Page: 1}
	if n, err := strconv.Atoi(c.Query("page")); err == nil && n > 1 {
		d.Page = n
		q.Set("page", strconv.Itoa(n))
	}
	var ans struct {
		Items    []found `json:"items"`
		NextPage *int    `json:"next_page"`
	}
	if err := u.API.Call(c.UserContext(), token(c), http.MethodGet, "/api/v1/admin/applications?"+q.Encode(), nil, &ans); err != nil {
		p.Error = asAPIError(err)
	}
	d.Items, d.NextPage = ans.Items, ans.NextPage
	p.Data = d
	return u.render(c, http.StatusOK, "search", p)
}

// auditEvent is one row of GET /api/v1/admin/audit.
type auditEvent = api.AuditEvent

// adminAppData is the overseer's application page.
type adminAppData struct {
	App        application
	Audit      []auditEvent
	TemporalUI string // link to the workflow in the Temporal Web UI
	Done       string
}

func (u *ui) adminApplication(c *fiber.Ctx) error {
	p := u.newPage(c, "申报详情")
	p.Staff = true
	a, err := u.loadApplicationID(c, c.Params("id"))
	if err != nil {
		p.Error = asAPIError(err)
		return u.render(c, p.Error.Status, "error", p)
	}
	d := adminAppData{App: a}
	var audit struct {
		Items []auditEvent `json:"items"`
	}
	if err := u.API.Call(c.UserContext(), token(c), http.MethodGet, "/api/v1/admin/audit?application_id="+url.QueryEscape(a.ID), nil, &audit); err != nil {
		p.Error = asAPIError(err)
	}
	d.Audit = audit.Items
	sort.Slice(d.Audit, func(i, j int) bool { return d.Audit[i].Seq < d.Audit[j].Seq })
	if u.TemporalUIURL != "" {
		d.TemporalUI = u.TemporalUIURL + "/namespaces/" + url.PathEscape(u.TemporalNamespace) + "/workflows/application-" + url.PathEscape(a.ID)
	}
	p.Title = a.OccupationName + " · " + levelLabel(a.Level)
	p.Flash = map[string]string{"revoke": "证书已撤销。"}[c.Query("done")]
	p.Data = d
	return u.render(c, http.StatusOK, "admin_application", p)
}

// revoke revokes the certificate of a case through the API, with the reason typed.
func (u *ui) revoke(c *fiber.Ctx) error {
	id := c.Params("id")
	err := u.API.Call(c.UserContext(), token(c), http.MethodPost, "/api/v1/admin/applications/"+url.PathEscape(id)+"/revoke",
		map[string]string{"reason": strings.TrimSpace(c.FormValue("reason"))}, nil)
	if err != nil {
		p := u.newPage(c, "撤销未成功")
		p.Staff, p.Error = true, asAPIError(err)
		a, lerr := u.loadApplicationID(c, id)
		if lerr != nil {
			return u.render(c, p.Error.Status, "error", p)
		}
		p.Form["reason"] = c.FormValue("reason")
		p.Data = adminAppData{App: a}
		return u.render(c, p.Error.Status, "admin_application", p)
	}
	return redirect(c, "/staff/applications/"+url.PathEscape(id)+"?done=revoke")
}

// historyEvent is one decoded workflow event as the history page shows it.
type historyEvent struct {
	ID      string
	Time    time.Time
	Type    string
	Summary string // the decoded payload fields, compact
}

func (u *ui) history(c *fiber.Ctx) error {
	p := u.newPage(c, "工作流历史（已解密）")
	p.Staff = true
	id := c.Params("id")
	var ans struct {
		WorkflowID string                       `json:"workflow_id"`
		Events     []map[string]json.RawMessage `json:"events"`
	}
	if err := u.API.Call(c.UserContext(), token(c), http.MethodGet, "/api/v1/admin/applications/"+url.PathEscape(id)+"/history", nil, &ans); err != nil {
		p.Error = asAPIError(err)
		return u.render(c, p.Error.Status, "error", p)
	}
	out := make([]historyEvent, 0, len(ans.Events))
	for _, ev := range ans.Events {
		out = append(out, decodeEvent(ev))
	}
	p.Data = map[string]any{"ID": id, "WorkflowID": ans.WorkflowID, "Events": out}
	return u.render(c, http.StatusOK, "history", p)
}

// decodeEvent picks the id, time, type and attributes of one protojson event.
func decodeEvent(ev map[string]json.RawMessage) historyEvent {
	var h historyEvent
	_ = json.Unmarshal(ev["event_id"], &h.ID)
	_ = json.Unmarshal(ev["event_time"], &h.Time)
	var typ string
	_ = json.Unmarshal(ev["event_type"], &typ)
	h.Type = eventTypeLabel(typ)
	for k, v := range ev {
		if strings.HasSuffix(k, "_attributes") {
			s := string(v)
			if len([]rune(s)) > 600 {
				s = string([]rune(s)[:600]) + "…"
			}
			h.Summary = s
		}
	}
	return h
}

// eventTypeLabels names the workflow events an application's history holds.
var eventTypeLabels = map[string]string{
	"WORKFLOW_EXECUTION_STARTED": "工作流启动", "WORKFLOW_EXECUTION_COMPLETED": "工作流结束",
	"WORKFLOW_TASK_SCHEDULED": "决策任务排队", "WORKFLOW_TASK_STARTED": "决策任务开始", "WORKFLOW_TASK_COMPLETED": "决策任务完成",
	"ACTIVITY_TASK_SCHEDULED": "活动排队", "ACTIVITY_TASK_STARTED": "活动开始", "ACTIVITY_TASK_COMPLETED": "活动完成",
	"ACTIVITY_TASK_FAILED": "活动失败", "TIMER_STARTED": "计时器启动", "TIMER_FIRED": "计时器到期", "TIMER_CANCELED": "计时器取消",
	"WORKFLOW_EXECUTION_SIGNALED": "收到信号", "WORKFLOW_EXECUTION_UPDATE_ACCEPTED": "受理操作",
	"WORKFLOW_EXECUTION_UPDATE_COMPLETED": "操作完成", "MARKER_RECORDED": "记录标记",
	"UPSERT_WORKFLOW_SEARCH_ATTRIBUTES": "更新检索属性",
}

func eventTypeLabel(t string) string {
	t = strings.TrimPrefix(t, "EVENT_TYPE_")
	return orDefault(eventTypeLabels[t], t)
}
