package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"

	"skillcert"
	"skillcert/schema/db"
)

// Admin and supervision: search, revoke and the audit trail (history, statistics and the roster export
// live in history.go, stats.go and exports.go). Supervisors read everything in their region (or all regions
// when they have none) and change nothing.

// regionScope is the only region the caller may see: a city reviewer's region, a regional supervisor's;
// "" for everyone else (all regions).
func regionScope(p *principal) string {
	if p.Role == skillcert.RoleCityReviewer || p.Role == skillcert.RoleSupervisor {
		return p.Region
	}
	return ""
}

// applicationFilter holds the common query filters of the staff lists (NULL = not filtered).
type applicationFilter struct {
	Status, Region, OccupationCode, BatchID *string
	Level                                   *int32
}

// parseApplicationFilter reads status, region, occupation_code, batch_id and level from the query (422 for
// unknown values) and refuses (403) a region outside the caller's scope.
func parseApplicationFilter(c *fiber.Ctx, p *principal) (applicationFilter, error) {
	f := fieldErrors{}
	out := applicationFilter{Status: ptr(trimmed(c.Query("status"))), Region: ptr(trimmed(c.Query("region"))),
		OccupationCode: ptr(trimmed(c.Query("occupation_code"))), BatchID: ptr(trimmed(c.Query("batch_id"))),
		Level: levelParam(f, trimmed(c.Query("level")))}
	if out.Status != nil && !skillcert.Status(*out.Status).Valid() {
		f.add("status", "未知的申报状态")
	}
	if out.Region != nil && !skillcert.ValidRegion(*out.Region) {
		f.add("region", "请选择有效的盟市")
	}
	if err := f.err(); err != nil {
		return out, err
	}
	if scope := regionScope(p); scope != "" && out.Region != nil && *out.Region != scope {
		return out, errForbidden("您只能查看%s的数据", scope)
	}
	return out, nil
}

var idPrefixPattern = regexp.MustCompile(`^[0-9a-fA-F-]{4,36}$`)

// likeEscaper escapes LIKE's wildcards (backslash is Postgres' default escape character).
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// searchTerms turns q into the lookups of the admin search: an application ID prefix, an exact phone
// number, or a name — exact, or masked as the lists show it, each '*' standing for one character.
func searchTerms(q string) (idPrefix, phone, namePattern *string, err error) {
	if !isText(q) {
		return nil, nil, nil, fieldInvalid("q", "查询内容含有无效字符")
	}
	if utf8.RuneCountInString(q) > 64 {
		return nil, nil, nil, fieldInvalid("q", "查询内容过长")
	}
	if idPrefixPattern.MatchString(q) {
		idPrefix = ptr(strings.ToLower(q))
	}
	if skillcert.ValidPhone(q) {
		phone = &q
	}
	if strings.Trim(q, "*") != "" && !strings.ContainsAny(q, " \t%_\\") && utf8.RuneCountInString(q) >= 2 {
		namePattern = ptr(strings.ReplaceAll(likeEscaper.Replace(q), "*", "_"))
	}
	return idPrefix, phone, namePattern, nil
}

// searchApplications is the admin search within the caller's scope, newest first.
func (a *app) searchApplications(c *fiber.Ctx) error {
	pg, err := readPage(c, applicationsList)
	if err != nil {
		return err
	}
	p := user(c)
	filter, err := parseApplicationFilter(c, p)
	if err != nil {
		return err
	}
	q := trimmed(c.Query("q"))
	idPrefix, phone, name, err := searchTerms(q)
	if err != nil {
		return err
	}
	rows, err := a.q.SearchApplications(c.UserContext(), db.SearchApplicationsParams{
		ScopeRegion: ptr(regionScope(p)), Status: filter.Status, Region: filter.Region,
		OccupationCode: filter.OccupationCode, Level: filter.Level, BatchID: filter.BatchID,
		HasQ: q != "", IDPrefix: idPrefix, Phone: phone, NamePattern: name,
		AfterAt: pg.afterAt(), AfterID: pg.afterID(), Off: pg.offset(), Lim: pg.limit(),
	})
	if err != nil {
		return fmt.Errorf("search applications: %w", err)
	}
	out := makePage(pg, applicationsList, rows, viewSearchedApplication,
		func(r db.SearchApplicationsRow) pageKey { return pageKey{At: r.CreatedAt, ID: r.ID} })
	if err := a.markIncidents(c.UserContext(), out.Items); err != nil {
		return err
	}
	return c.JSON(out)
}

// viewSearchedApplication renders a row of the admin search.
func viewSearchedApplication(r db.SearchApplicationsRow) adminApplicationView {
	return adminApplicationView{ID: r.ID, Status: string(r.Status),
		StatusLabel: skillcert.Status(r.Status).Label(), BatchID: r.BatchID, Region: r.Region, Employer: r.Employer,
		OccupationCode: r.OccupationCode, OccupationName: r.OccupationName, Level: r.Level, Pathway: r.Pathway,
		ApplicantNameMasked: skillcert.MaskName(r.ApplicantName), CertificateNumber: r.CertificateNumber,
		ExamSessionID: r.ExamSessionID, Seat: r.Seat, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

// loadScopedApplication reads the application named by id for staff: 404 when it does not exist or lies
// outside the caller's scope (as GET /api/v1/applications/{id} answers).
func (a *app) loadScopedApplication(c *fiber.Ctx, id string) (db.Application, error) {
	if !validUUID(id) {
		return db.Application{}, errNotFound("申报")
	}
	row, err := a.q.GetApplication(c.UserContext(), id)
	if errors.Is(err, pgx.ErrNoRows) {
		return row, errNotFound("申报")
	}
	if err != nil {
		return row, fmt.Errorf("read application %s: %w", id, err)
	}
	visible, err := a.canSeeApplication(c, user(c), row)
	if err != nil {
		return row, fmt.Errorf("check scope of application %s: %w", id, err)
	}
	if !visible {
		return row, errNotFound("申报")
	}
	return row, nil
}

// revokeApplication cancels qualification, scores and certificate (fraud found). An application whose
// workflow has ended (rejected, withdrawn, …) cannot be revoked: 409.
func (a *app) revokeApplication(c *fiber.Ctx) error {
	var req revokeRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	row, err := a.loadScopedApplication(c, c.Params("id"))
	if err != nil {
		return err
	}
	reason := trimmed(req.Reason)
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		return fieldInvalid("reason", "请填写取消资格的原因")
	case n > maxReasonRunes:
		return fieldInvalid("reason", fmt.Sprintf("原因不能超过%d个字符", maxReasonRunes))
	}
	status := skillcert.Status(row.Status)
	switch {
	case status == skillcert.StatusRevoked:
		return &skillcert.Error{Code: skillcert.ECONFLICT, Message: "该申报已被取消资格", Fields: map[string]string{"status": string(row.Status)}}
	case status.Final() && status != skillcert.StatusCertified:
		return &skillcert.Error{Code: skillcert.ECONFLICT, Fields: map[string]string{"status": string(row.Status)},
			Message: fmt.Sprintf("该申报已办结（%s），流程已结束，无法再取消资格", status.Label())}
	}
	res, err := a.revoke(c.UserContext(), row.ID, status, user(c).actor(), reason)
	if err != nil {
		return err
	}
	return c.JSON(revokeResponse{StatusResponse: newStatusResponse(row.ID, res.Status), CertificateNumber: deref(row.CertificateNumber)})
}

// auditRow is an audit event as the audit lists read it.
type auditRow = db.ListRecentAuditRow

// viewAudit renders an audit event. A first score entry shows no score (blindScoreDetails).
func viewAudit(e auditRow) auditEventView {
	v := auditEventView{ID: e.ID, ApplicationID: e.ApplicationID, Seq: e.Seq, Action: e.Action, At: e.At,
		ActorID: e.ActorID, ActorRole: e.ActorRole, FromStatus: e.FromStatus, ToStatus: e.ToStatus, Reason: e.Reason}
	if len(e.Details) > 0 && json.Valid(e.Details) {
		v.Details = blindScoreDetails(e.Action, json.RawMessage(e.Details))
	}
	return v
}

// listAudit is the audit trail of one application (oldest first), or the newest events of the caller's
// scope when no application is named.
func (a *app) listAudit(c *fiber.Ctx) error {
	id := trimmed(c.Query("application_id"))
	kind := recentAuditList
	if id != "" {
		kind = auditTrailList
	}
	pg, err := readPage(c, kind)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	var rows []auditRow
	if id != "" {
		if !validUUID(id) {
			return fieldInvalid("application_id", "申报编号格式无效")
		}
		if _, err := a.loadScopedApplication(c, id); err != nil {
			return err
		}
		var own []db.ListApplicationAuditRow
		own, err = a.q.ListApplicationAudit(ctx, db.ListApplicationAuditParams{ApplicationID: id,
			AfterAt: pg.afterAt(), AfterSeq: pg.afterSeq(), AfterID: pg.afterNum(), Off: pg.offset(), Lim: pg.limit()})
		for _, r := range own {
			rows = append(rows, auditRow(r))
		}
	} else {
		rows, err = a.q.ListRecentAudit(ctx, db.ListRecentAuditParams{ScopeRegion: ptr(regionScope(user(c))),
			AfterAt: pg.afterAt(), AfterID: pg.afterNum(), Off: pg.offset(), Lim: pg.limit()})
	}
	if err != nil {
		return fmt.Errorf("list audit events: %w", err)
	}
	return c.JSON(makePage(pg, kind, rows, viewAudit, func(e auditRow) pageKey {
		return pageKey{At: e.At, Seq: e.Seq, ID: strconv.FormatInt(e.ID, 10)}
	}))
}

// adminRoutes are search, history, revoke, statistics, the roster export and the audit trail.
func (a *app) adminRoutes() []route {
	overseers := []skillcert.Role{skillcert.RoleAdmin, skillcert.RoleSupervisor, skillcert.RoleProvincialReviewer}
	routes := []route{
		{Method: "GET", Path: "/api/v1/admin/applications", Roles: overseers, Handler: a.searchApplications, Tag: "admin",
			Summary:  "Search applications (q: application ID prefix, phone number or masked name)",
			Query:    append([]string{"status", "region", "occupation_code", "level", "batch_id", "q"}, pageQuery...),
			Response: page[adminApplicationView]{}, Errors: []int{422}},
		{Method: "GET", Path: "/api/v1/admin/applications/:id/history", Roles: rolesAdmin, Handler: a.workflowHistory,
			Tag: "admin", Summary: "The application's workflow event history, payloads decoded",
			Response: historyResponse{}, Errors: []int{404, 503}},
		{Method: "POST", Path: "/api/v1/admin/applications/:id/revoke", Roles: rolesAdmin, Handler: a.revokeApplication,
			Tag: "admin", Summary: "Revoke (fraud found): cancels qualification, scores and certificate",
			Request: revokeRequest{}, Response: revokeResponse{}, Errors: []int{404, 409, 422, 503}},
		{Method: "GET", Path: "/api/v1/admin/stats", Roles: overseers, Handler: a.stats, Tag: "admin",
			Summary: "Counts of applications grouped by region, level, status, occupation or batch (附件2 summary)",
			Query:   []string{"group_by", "batch_id", "region", "status", "occupation_code", "level"}, Response: statsResponse{}, Errors: []int{422}},
		{Method: "GET", Path: "/api/v1/admin/exports/roster.xlsx", Roles: []skillcert.Role{skillcert.RoleCityReviewer, skillcert.RoleProvincialReviewer, skillcert.RoleAdmin},
			Handler: a.exportRoster, Tag: "admin", Summary: "The exam roster (考务手册 名册) as XLSX",
			Query: []string{"region", "exam_session_id"}, ContentType: xlsxContentType, Errors: []int{404, 422}},
		{Method: "GET", Path: "/api/v1/admin/audit", Roles: overseers, Handler: a.listAudit, Tag: "admin",
			Summary: "Audit trail of an application (or the newest events)", Query: append([]string{"application_id"}, pageQuery...),
			Response: page[auditEventView]{}, Errors: []int{404, 422}},
	}
	return append(routes, a.auditChainRoutes()...)
}

// newStatusResponse is the answer naming an application's status.
func newStatusResponse(id string, s skillcert.Status) statusResponse {
	return statusResponse{ApplicationID: id, Status: string(s), StatusLabel: s.Label()}
}

// levelParam parses an optional level query parameter (1–5).
func levelParam(f fieldErrors, v string) *int32 {
	if v == "" {
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || !skillcert.Level(n).Valid() {
		f.add("level", "等级应为1至5")
		return nil
	}
	l := int32(n)
	return &l
}

// blindScoreDetails hides the score of a first score entry, also in events written before the projection
// stopped recording it (skillcert.BlindAuditDetails).
func blindScoreDetails(action string, details json.RawMessage) json.RawMessage {
	out := skillcert.BlindAuditDetails(action, details)
	if len(out) == 0 {
		return nil
	}
	return out
}
