package gateway

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"

	"skillcert"
	"skillcert/schema/db"
	"skillcert/workflows"
)

const weekdayFallbackNote = "当年国务院节假日安排尚未公布，截止日按周一至周五推算，公布后请核对"

// rosterDue is the 考务手册 due date for an exam starting at t. When the calendar has not published the
// year, weekends alone are skipped and estimated is true.
func rosterDue(t time.Time) (due skillcert.Date, estimated bool) {
	exam := skillcert.DateOf(t)
	d, err := skillcert.DefaultCalendar().RosterDue(exam)
	if err == nil {
		return d, false
	}
	d = exam
	for n := 0; n < skillcert.RosterLeadWorkdays; {
		d = d.AddDays(-1)
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return d, true
}

// pgDate converts a civil date for a Postgres date column.
func pgDate(d skillcert.Date) pgtype.Date {
	return pgtype.Date{Time: time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC), Valid: true}
}

// dateOfPG converts a Postgres date to a civil date (zero for NULL).
func dateOfPG(d pgtype.Date) skillcert.Date {
	if !d.Valid {
		return skillcert.Date{}
	}
	return skillcert.NewDate(d.Time.Date())
}

// viewExamSession renders a session row (the GetExamSession shape) as of now.
func viewExamSession(s db.GetExamSessionRow, now time.Time) examSessionView {
	due := dateOfPG(s.RosterDueOn)
	v := examSessionView{ID: s.ID, BatchID: s.BatchID, Region: s.Region, OccupationCode: s.OccupationCode, Level: s.Level,
		StartsAt: s.StartsAt, Venue: s.Venue, Capacity: s.Capacity, Seated: s.Seated, RosterDueOn: due.String(),
		RosterDueEstimated: s.RosterDueEstimated, RosterSubmittedAt: s.RosterSubmittedAt, CreatedAt: s.CreatedAt,
		RosterOverdue: s.RosterSubmittedAt == nil && !due.IsZero() && skillcert.DateOf(now).After(due)}
	if s.RosterDueEstimated {
		v.RosterDueNote = weekdayFallbackNote
	}
	return v
}

// validateExamSession checks the request against the batches, regions and the catalog.
func (a *app) validateExamSession(ctx context.Context, req createExamSessionRequest) (time.Time, error) {
	f := fieldErrors{}
	if _, err := a.q.GetBatch(ctx, trimmed(req.BatchID)); errors.Is(err, pgx.ErrNoRows) {
		f.add("batch_id", "申报批次不存在")
	} else if err != nil {
		return time.Time{}, fmt.Errorf("read batch: %w", err)
	}
	if !skillcert.ValidRegion(trimmed(req.Region)) {
		f.add("region", "请选择有效的盟市")
	}
	occ, err := a.q.GetOccupation(ctx, trimmed(req.OccupationCode))
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		f.add("occupation_code", "职业（工种）不在认定目录中")
	case err != nil:
		return time.Time{}, fmt.Errorf("read occupation: %w", err)
	case !slices.Contains(occ.Levels, int32(req.Level)):
		f.add("level", "该职业（工种）没有这个等级")
	}
	starts, err := time.Parse(time.RFC3339, trimmed(req.StartsAt))
	switch {
	case err != nil:
		f.add("starts_at", "时间格式应为 RFC 3339，例如 2022-08-27T09:00:00+08:00")
	case !starts.After(a.now()):
		f.add("starts_at", "考试时间须晚于当前时间")
	}
	if n := utf8.RuneCountInString(trimmed(req.Venue)); n == 0 || n > 200 {
		f.add("venue", "请填写考点（不超过200个字符）")
	}
	if req.Capacity < 1 || req.Capacity > 10000 {
		f.add("capacity", "容量应为1至10000")
	}
	return starts, f.err()
}

// createExamSession creates a session and computes its roster due date.
func (a *app) createExamSession(c *fiber.Ctx) error {
	var req createExamSessionRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ctx := c.UserContext()
	starts, err := a.validateExamSession(ctx, req)
	if err != nil {
		return err
	}
	due, estimated := rosterDue(starts)
	id := uuid.NewString()
	if err := a.q.CreateExamSession(ctx, db.CreateExamSessionParams{ID: id, BatchID: trimmed(req.BatchID),
		Region: trimmed(req.Region), OccupationCode: trimmed(req.OccupationCode), Level: int32(req.Level),
		StartsAt: starts, Venue: trimmed(req.Venue), Capacity: int32(req.Capacity), RosterDueOn: pgDate(due),
		RosterDueEstimated: estimated, CreatedBy: user(c).ID}); err != nil {
		return fmt.Errorf("create exam session: %w", err)
	}
	s, err := a.q.GetExamSession(ctx, id)
	if err != nil {
		return fmt.Errorf("read exam session: %w", err)
	}
	c.Set(fiber.HeaderLocation, "/api/v1/exam-sessions/"+id)
	return c.Status(http.StatusCreated).JSON(viewExamSession(s, a.now()))
}

// loadExamSession reads the session named by :id and checks the caller's region scope (404 outside it).
func (a *app) loadExamSession(c *fiber.Ctx) (db.GetExamSessionRow, error) {
	id := c.Params("id")
	if !validUUID(id) {
		return db.GetExamSessionRow{}, errNotFound("考场")
	}
	s, err := a.q.GetExamSession(c.UserContext(), id)
	if errors.Is(err, pgx.ErrNoRows) {
		return s, errNotFound("考场")
	}
	if err != nil {
		return s, fmt.Errorf("read exam session %s: %w", id, err)
	}
	if scope := regionScope(user(c)); scope != "" && scope != s.Region {
		return s, errNotFound("考场") // another region's session: not yours, and its region is not said
	}
	return s, nil
}

// getExamSession answers one session within the caller's region scope.
func (a *app) getExamSession(c *fiber.Ctx) error {
	s, err := a.loadExamSession(c)
	if err != nil {
		return err
	}
	return c.JSON(viewExamSession(s, a.now()))
}

// listExamSessions lists the sessions of the caller's scope, filtered; overdue=true keeps overdue rosters.
func (a *app) listExamSessions(c *fiber.Ctx) error {
	pg, err := readPage(c, examSessionsList)
	if err != nil {
		return err
	}
	p := user(c)
	filter, err := parseApplicationFilter(c, p)
	if err != nil {
		return err
	}
	params := db.ListExamSessionsParams{ScopeRegion: ptr(regionScope(p)), Region: filter.Region,
		BatchID: filter.BatchID, OccupationCode: filter.OccupationCode, Level: filter.Level,
		AfterAt: pg.afterAt(), AfterID: pg.afterID(), Off: pg.offset(), Lim: pg.limit()}
	switch c.Query("overdue") {
	case "", "false":
	case "true":
		params.OverdueOn = pgDate(skillcert.DateOf(a.now()))
	default:
		return fieldInvalid("overdue", "overdue 只能是 true 或 false")
	}
	rows, err := a.q.ListExamSessions(c.UserContext(), params)
	if err != nil {
		return fmt.Errorf("list exam sessions: %w", err)
	}
	now := a.now()
	return c.JSON(makePage(pg, examSessionsList, rows,
		func(r db.ListExamSessionsRow) examSessionView { return viewExamSession(db.GetExamSessionRow(r), now) },
		func(r db.ListExamSessionsRow) pageKey { return pageKey{At: r.StartsAt, ID: r.ID} }))
}

// submitRoster records that the region's co-organizer submitted the session's 考务手册.
func (a *app) submitRoster(c *fiber.Ctx) error {
	s, err := a.loadExamSession(c)
	if err != nil {
		return err
	}
	p := user(c)
	if _, err := a.q.SubmitRoster(c.UserContext(), db.SubmitRosterParams{ID: s.ID, UserID: &p.ID}); err != nil {
		return fmt.Errorf("submit roster: %w", err)
	}
	if s, err = a.q.GetExamSession(c.UserContext(), s.ID); err != nil {
		return fmt.Errorf("read exam session: %w", err)
	}
	return c.JSON(viewExamSession(s, a.now()))
}

// recordAttendance records whether a seated applicant came to the exam (absent: 视为自动放弃).
func (a *app) recordAttendance(c *fiber.Ctx) error {
	var req attendanceRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	s, err := a.loadExamSession(c)
	if err != nil {
		return err
	}
	f := fieldErrors{}
	if !validUUID(trimmed(req.ApplicationID)) {
		f.add("application_id", "请填写有效的申报编号")
	}
	if req.Present == nil {
		f.add("present", "请填写是否到考（true 或 false）")
	}
	if err := f.err(); err != nil {
		return err
	}
	ctx, appID := c.UserContext(), trimmed(req.ApplicationID)
	seat, err := a.q.GetSeatOfApplication(ctx, appID)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && seat.SessionID != s.ID) {
		return fieldInvalid("application_id", "该申报不在本考场的考生名单中")
	}
	if err != nil {
		return fmt.Errorf("read seat: %w", err)
	}
	var res workflows.Result
	if err := a.update(ctx, appID, workflows.UpdateRecordAttendance,
		workflows.AttendanceRequest{Present: *req.Present, Actor: user(c).actor()}, &res); err != nil {
		return err
	}
	return c.JSON(newStatusResponse(appID, res.Status))
}

// examRoutes are the exam sessions: creation, listing, roster submission, seating and attendance.
func (a *app) examRoutes() []route {
	readers := []string{roleCityReviewer, roleProvincialReviewer, roleSupervisor, roleAdmin}
	provincial := []string{roleProvincialReviewer}
	filters := append([]string{"batch_id", "region", "occupation_code", "level", "overdue"}, pageQuery...)
	return []route{
		{Method: "POST", Path: "/api/v1/exam-sessions", Roles: provincial, Handler: a.createExamSession, Tag: "exams",
			Summary: "Create an exam session; its roster (考务手册) is due 5 working days before the exam",
			Request: createExamSessionRequest{}, Response: examSessionView{}, Status: http.StatusCreated,
			Errors: []int{422}, Idempotent: true},
		{Method: "GET", Path: "/api/v1/exam-sessions", Roles: readers, Handler: a.listExamSessions, Tag: "exams",
			Summary: "Exam sessions (city reviewers: their region, overdue rosters flagged)", Query: filters,
			Response: page[examSessionView]{}, Errors: []int{422}},
		{Method: "GET", Path: "/api/v1/exam-sessions/:id", Roles: readers, Handler: a.getExamSession, Tag: "exams",
			Summary: "One exam session", Response: examSessionView{}, Errors: []int{404}},
		{Method: "POST", Path: "/api/v1/exam-sessions/:id/roster", Roles: []string{roleCityReviewer},
			Handler: a.submitRoster, Tag: "exams", Summary: "Mark the session's 考务手册 submitted (the region's co-organizer)",
			Response: examSessionView{}, Errors: []int{404}},
		{Method: "POST", Path: "/api/v1/exam-sessions/:id/assign", Roles: provincial, Handler: a.assignSeats, Tag: "exams",
			Summary:  "Seat the paid applications of the session's batch, region, occupation and level; issues admission tickets",
			Response: assignResponse{}, Errors: []int{404, 503}},
		{Method: "POST", Path: "/api/v1/exam-sessions/:id/attendance", Roles: []string{roleCityReviewer, roleProvincialReviewer},
			Handler: a.recordAttendance, Tag: "exams", Summary: "Record whether a seated applicant attended (absent: abandoned)",
			Request: attendanceRequest{}, Response: statusResponse{}, Errors: []int{404, 409, 422, 503}},
	}
}
