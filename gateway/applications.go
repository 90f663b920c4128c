package gateway

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"

	"skillcert"
	"skillcert/schema/db"
	"skillcert/workflows"
)

// parseDateField parses an optional-looking but required date, recording a field error when it is bad.
func parseDateField(f fieldErrors, field, s string) skillcert.Date {
	if trimmed(s) == "" {
		return skillcert.Date{} // CheckEligibility reports it as missing
	}
	d, err := skillcert.ParseDate(trimmed(s))
	if err != nil {
		f.add(field, "日期格式应为 YYYY-MM-DD")
	}
	return d
}

// eligibilityRequest converts the request for the domain rules, recording malformed dates in f.
func eligibilityRequest(req createApplicationRequest, f fieldErrors, occ db.Occupation, asOf skillcert.Date) skillcert.EligibilityRequest {
	levels := make([]skillcert.Level, len(occ.Levels))
	for i, l := range occ.Levels {
		levels[i] = skillcert.Level(l)
	}
	er := skillcert.EligibilityRequest{
		OccupationCode: trimmed(req.OccupationCode), Conditions: occ.Conditions, OccupationLevels: levels,
		Level: skillcert.Level(req.Level), Pathway: skillcert.Pathway(trimmed(req.Pathway)),
		Education:           skillcert.Education(trimmed(req.Education)),
		OccupationStartedOn: parseDateField(f, "occupation_started_on", req.OccupationStartedOn),
		AsOf:                asOf,
	}
	if p := req.PreviousCertificate; p != nil {
		er.PreviousCertificate = &skillcert.PreviousCertificate{Number: trimmed(p.Number), Level: skillcert.Level(p.Level),
			OccupationCode: trimmed(p.OccupationCode), IssuedOn: parseDateField(f, "previous_certificate.issued_on", p.IssuedOn)}
	}
	if t := req.Title; t != nil {
		er.Title = &skillcert.Title{Field: trimmed(t.Field), Grade: skillcert.TitleGrade(trimmed(t.Grade)),
			ObtainedOn: parseDateField(f, "title.obtained_on", t.ObtainedOn)}
	}
	if v := req.Veteran; v != nil {
		er.Veteran = &skillcert.Veteran{TreatmentLevel: skillcert.Level(v.TreatmentLevel), SinceYear: v.SinceYear}
	}
	return er
}

// validateApplication checks everything the gateway can know before starting the workflow: the batch
// exists and takes registrations now, the region, employer and occupation are valid, and the domain's
// eligibility rules hold. It returns one 422 listing every field and rule that failed.
func (a *app) validateApplication(ctx context.Context, req createApplicationRequest) (db.Batch, db.Occupation, skillcert.EligibilityRequest, error) {
	f := fieldErrors{}
	now := a.now()
	batch, err := a.q.GetBatch(ctx, trimmed(req.BatchID))
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		f.add("batch_id", "申报批次不存在")
	case err != nil:
		return batch, db.Occupation{}, skillcert.EligibilityRequest{}, fmt.Errorf("read batch: %w", err)
	case now.Before(batch.RegistrationOpensAt):
		f.add("batch_id", fmt.Sprintf("该批次报名尚未开始（%s 开始）", batch.RegistrationOpensAt.In(skillcert.ChinaZone).Format("2006-01-02 15:04")))
	case !now.Before(batch.RegistrationClosesAt):
		f.add("batch_id", "该批次报名已截止")
	}
	if !skillcert.ValidRegion(trimmed(req.Region)) {
		f.add("region", "请选择有效的盟市（自治区直属单位选择呼和浩特市）")
	}
	if n := utf8.RuneCountInString(trimmed(req.Employer)); n == 0 || n > 100 {
		f.add("employer", "请填写工作单位（不超过100个字符）")
	}
	if !skillcert.EmployerType(trimmed(req.EmployerType)).Valid() {
		f.add("employer_type", "单位性质应为 agency（机关）或 institution（事业单位）")
	}
	occ, err := a.q.GetOccupation(ctx, trimmed(req.OccupationCode))
	switch {
	case errors.Is(err, pgx.ErrNoRows) || (err == nil && !occ.Active):
		if trimmed(req.OccupationCode) != "" {
			f.add("occupation_code", "职业（工种）不在本次认定目录中")
		}
		occ = db.Occupation{}
	case err != nil:
		return batch, occ, skillcert.EligibilityRequest{}, fmt.Errorf("read occupation: %w", err)
	}
	er := eligibilityRequest(req, f, occ, skillcert.DateOf(now))
	violations := skillcert.CheckEligibility(er)
	if len(f) == 0 && len(violations) == 0 {
		return batch, occ, er, nil
	}
	out := &skillcert.Error{Code: skillcert.EINVALID, Message: "申报信息有误，请按提示修改", Fields: map[string]string{}}
	if e, ok := skillcert.EligibilityError(violations).(*skillcert.Error); ok && e != nil {
		out.Message, out.Extra = e.Message, e.Extra
		maps.Copy(out.Fields, e.Fields)
	}
	maps.Copy(out.Fields, f) // the gateway's own reasons are more precise (e.g. a malformed date)
	if out.Extra == nil {
		out.Extra = map[string]any{"rules": []skillcert.Violation{}}
	}
	if len(violations) == 0 && len(f) == 1 {
		for _, v := range f {
			out.Message = v
		}
	}
	return batch, occ, er, out
}

func (a *app) createApplication(c *fiber.Ctx) error {
	var req createApplicationRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ctx := c.UserContext()
	p := user(c)
	batch, occ, er, err := a.validateApplication(ctx, req)
	if err != nil {
		return err
	}
	appID := newApplicationID(ctx)
	existing, err := a.q.FindActiveApplication(ctx, db.FindActiveApplicationParams{ApplicantID: p.ID,
		BatchID: batch.ID, OccupationCode: occ.Code, Level: int32(er.Level)})
	if err == nil && existing == appID { // a repeat of this very request, whose first answer was lost
		return a.answerCreated(c, appID)
	}
	if err == nil {
		return skillcert.DuplicateApplication(existing)
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("check duplicate application: %w", err)
	}
	fee, err := a.fees.Total(er.Level)
	if err != nil {
		return fmt.Errorf("fee: %w", err)
	}
	in := workflows.ApplicationInput{
		ApplicationID: appID, ApplicantID: p.ID, Batch: batchWindows(batch),
		Region: trimmed(req.Region), Employer: trimmed(req.Employer),
		EmployerType: skillcert.EmployerType(trimmed(req.EmployerType)), OccupationCode: occ.Code,
		OccupationName: occ.Name, Conditions: occ.Conditions, OccupationLevels: er.OccupationLevels,
		Level: er.Level, Pathway: er.Pathway, Education: er.Education, OccupationStartedOn: er.OccupationStartedOn,
		PreviousCertificate: er.PreviousCertificate, Title: er.Title, Veteran: er.Veteran,
		Checklist: skillcert.ApplicationChecklist(er), FeeFen: fee, Policy: a.policy, Actor: p.actor(),
	}
	if _, err := a.startApplication(ctx, in); err != nil {
		return err
	}
	return a.answerCreated(c, in.ApplicationID)
}

// answerCreated answers 201 with the new application and its Location.
func (a *app) answerCreated(c *fiber.Ctx, id string) error {
	view, err := a.renderApplication(c.UserContext(), id)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderLocation, "/api/v1/applications/"+id)
	return c.Status(http.StatusCreated).JSON(view)
}

func (a *app) listMyApplications(c *fiber.Ctx) error {
	ctx := c.UserContext()
	rows, err := a.q.ListApplicationsOfApplicant(ctx, user(c).ID)
	if err != nil {
		return fmt.Errorf("list applications: %w", err)
	}
	out := make([]applicationView, 0, len(rows))
	for _, r := range rows {
		v, err := a.viewApplication(ctx, r)
		if err != nil {
			return err
		}
		out = append(out, v)
	}
	return c.JSON(out)
}

func (a *app) getApplication(c *fiber.Ctx) error {
	row, err := a.loadApplication(c)
	if err != nil {
		return err
	}
	v, err := a.viewApplication(c.UserContext(), row)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// transition sends an applicant's Update that carries only the actor (submit, withdraw) and answers with
// the application as projected afterwards.
func (a *app) transition(name string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var req reasonRequest
		if len(c.Body()) > 0 {
			if err := decodeJSON(c, &req); err != nil {
				return err
			}
		}
		row, err := a.loadApplication(c)
		if err != nil {
			return err
		}
		ctx := c.UserContext()
		if err := a.update(ctx, row.ID, name, workflows.ActorRequest{Actor: user(c).actor(), Reason: trimmed(req.Reason)}, nil); err != nil {
			return err
		}
		v, err := a.renderApplication(ctx, row.ID)
		if err != nil {
			return err
		}
		return c.JSON(v)
	}
}

// applicationRoutes are the applicant's own application routes.
func (a *app) applicationRoutes() []route {
	return []route{
		{Method: "POST", Path: "/api/v1/applications", Roles: rolesApplicant, Handler: a.createApplication,
			Tag: "applications", Summary: "Create an application (starts its workflow)", Request: createApplicationRequest{},
			Response: applicationView{}, Status: 201, Errors: []int{409, 422, 503}, Idempotent: true},
		{Method: "GET", Path: "/api/v1/applications", Roles: rolesApplicant, Handler: a.listMyApplications,
			Tag: "applications", Summary: "My applications", Response: []applicationView{}},
		{Method: "GET", Path: "/api/v1/applications/:id", Roles: rolesReaders, Handler: a.getApplication,
			Tag: "applications", Summary: "One application with checklist, deadlines, scores and history",
			Response: applicationView{}, Errors: []int{404}},
		{Method: "POST", Path: "/api/v1/applications/:id/submit", Roles: rolesApplicant,
			Handler: a.transition(workflows.UpdateSubmit), Tag: "applications",
			Summary: "Submit (or resubmit after correction) for review", Response: applicationView{},
			Errors: []int{404, 409, 422, 503}},
		{Method: "POST", Path: "/api/v1/applications/:id/withdraw", Roles: rolesApplicant,
			Handler: a.transition(workflows.UpdateWithdraw), Tag: "applications", Request: reasonRequest{},
			Summary: "Withdraw the application", Response: applicationView{}, Errors: []int{404, 409, 503}},
	}
}
