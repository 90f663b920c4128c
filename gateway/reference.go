package gateway

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"

	"skillcert/schema/db"
	"skillcert/workflows"
)

var batchIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)

func (a *app) viewBatch(b db.Batch) batchView {
	now := a.now()
	return batchView{ID: b.ID, Name: b.Name, RegistrationOpensAt: b.RegistrationOpensAt,
		RegistrationClosesAt: b.RegistrationClosesAt, PaymentOpensAt: b.PaymentOpensAt,
		PaymentClosesAt: b.PaymentClosesAt, ExamStartsAt: b.ExamStartsAt, CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt,
		RegistrationOpen: !now.Before(b.RegistrationOpensAt) && now.Before(b.RegistrationClosesAt)}
}

func (a *app) listOccupations(c *fiber.Ctx) error {
	rows, err := a.q.ListOccupations(c.UserContext())
	if err != nil {
		return fmt.Errorf("list occupations: %w", err)
	}
	out := make([]occupationView, len(rows))
	for i, r := range rows {
		out[i] = occupationView{Code: r.Code, Name: r.Name, Levels: r.Levels}
	}
	return c.JSON(out)
}

func (a *app) listRegions(c *fiber.Ctx) error {
	rows, err := a.q.ListRegions(c.UserContext())
	if err != nil {
		return fmt.Errorf("list regions: %w", err)
	}
	return c.JSON(rows)
}

func (a *app) listBatches(c *fiber.Ctx) error {
	rows, err := a.q.ListBatches(c.UserContext())
	if err != nil {
		return fmt.Errorf("list batches: %w", err)
	}
	out := make([]batchView, len(rows))
	for i, r := range rows {
		out[i] = a.viewBatch(r)
	}
	return c.JSON(out)
}

// applyBatchRequest copies the fields present in req onto b and validates the result: each window opens
// before it closes, and the exam starts after the payment window closes (windows may overlap).
func applyBatchRequest(b *db.Batch, req batchRequest) error {
	f := fieldErrors{}
	if req.Name != nil {
		b.Name = trimmed(*req.Name)
	}
	if n := utf8.RuneCountInString(b.Name); n == 0 || n > 100 {
		f.add("name", "批次名称应为1至100个字符")
	}
	times := []struct {
		field string
		src   *string
		dst   *time.Time
	}{
		{"registration_opens_at", req.RegistrationOpensAt, &b.RegistrationOpensAt},
		{"registration_closes_at", req.RegistrationClosesAt, &b.RegistrationClosesAt},
		{"payment_opens_at", req.PaymentOpensAt, &b.PaymentOpensAt},
		{"payment_closes_at", req.PaymentClosesAt, &b.PaymentClosesAt},
		{"exam_starts_at", req.ExamStartsAt, &b.ExamStartsAt},
	}
	for _, t := range times {
		if t.src != nil {
			v, err := time.Parse(time.RFC3339, trimmed(*t.src))
			if err != nil {
				f.add(t.field, "时间格式应为 RFC 3339，例如 2022-06-21T00:00:00+08:00")
				continue
			}
			*t.dst = v
		}
		if t.dst.IsZero() {
			f.add(t.field, "请填写该时间")
		}
	}
	if len(f) == 0 {
		if !b.RegistrationOpensAt.Before(b.RegistrationClosesAt) {
			f.add("registration_closes_at", "报名截止时间须晚于报名开始时间")
		}
		if !b.PaymentOpensAt.Before(b.PaymentClosesAt) {
			f.add("payment_closes_at", "缴费截止时间须晚于缴费开始时间")
		}
		if !b.ExamStartsAt.After(b.PaymentClosesAt) {
			f.add("exam_starts_at", "考试时间须晚于缴费截止时间")
		}
	}
	return f.err()
}

func (a *app) createBatch(c *fiber.Ctx) error {
	var req batchRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	var b db.Batch
	f := fieldErrors{}
	if req.ID == nil || !batchIDPattern.MatchString(*req.ID) {
		f.add("id", "批次编号应由1至64位字母、数字、下划线或连字符组成")
	} else {
		b.ID = *req.ID
	}
	if err := applyBatchRequest(&b, req); err != nil {
		f.addErr("batch", err)
	}
	if err := f.err(); err != nil {
		return err
	}
	err := a.q.CreateBatch(c.UserContext(), db.CreateBatchParams{ID: b.ID, Name: b.Name,
		RegistrationOpensAt: b.RegistrationOpensAt, RegistrationClosesAt: b.RegistrationClosesAt,
		PaymentOpensAt: b.PaymentOpensAt, PaymentClosesAt: b.PaymentClosesAt, ExamStartsAt: b.ExamStartsAt})
	if isUniqueViolation(err) {
		return fieldConflict("id", "批次编号已存在")
	}
	if err != nil {
		return fmt.Errorf("create batch: %w", err)
	}
	created, err := a.q.GetBatch(c.UserContext(), b.ID)
	if err != nil {
		return fmt.Errorf("read batch: %w", err)
	}
	return c.Status(http.StatusCreated).JSON(a.viewBatch(created))
}

// patchBatch changes a batch's name or windows and signals every running application of it, so that
// their timers follow (a later payment_closes_at keeps unpaid applications alive until then).
func (a *app) patchBatch(c *fiber.Ctx) error {
	var req batchRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ctx := c.UserContext()
	b, err := a.q.GetBatch(ctx, c.Params("id"))
	if errors.Is(err, pgx.ErrNoRows) {
		return errNotFound("批次")
	}
	if err != nil {
		return fmt.Errorf("read batch: %w", err)
	}
	if req.ID != nil && *req.ID != b.ID {
		return fieldInvalid("id", "批次编号不能修改")
	}
	if err := applyBatchRequest(&b, req); err != nil {
		return err
	}
	updated, err := a.q.UpdateBatch(ctx, db.UpdateBatchParams{ID: b.ID, Name: b.Name,
		RegistrationOpensAt: b.RegistrationOpensAt, RegistrationClosesAt: b.RegistrationClosesAt,
		PaymentOpensAt: b.PaymentOpensAt, PaymentClosesAt: b.PaymentClosesAt, ExamStartsAt: b.ExamStartsAt})
	if err != nil {
		return fmt.Errorf("update batch: %w", err)
	}
	ids, err := a.q.ListRunningApplicationsOfBatch(ctx, b.ID)
	if err != nil {
		return fmt.Errorf("list applications of batch: %w", err)
	}
	n, err := a.signalBatchChanged(ctx, ids, batchWindows(updated))
	if err != nil {
		return err
	}
	return c.JSON(patchBatchResponse{Batch: a.viewBatch(updated), ApplicationsNotified: n})
}

// batchWindows are the dates of b that a workflow's timers follow.
func batchWindows(b db.Batch) workflows.BatchWindows {
	return workflows.BatchWindows{BatchID: b.ID, RegistrationClosesAt: b.RegistrationClosesAt,
		PaymentOpensAt: b.PaymentOpensAt, PaymentClosesAt: b.PaymentClosesAt, ExamStartsAt: b.ExamStartsAt}
}

// referenceRoutes are the catalog, regions and batches.
func (a *app) referenceRoutes() []route {
	return []route{
		{Method: "GET", Path: "/api/v1/occupations", Public: true, Handler: a.listOccupations, Tag: "reference",
			Summary: "Occupations and the levels each offers", Response: []occupationView{}},
		{Method: "GET", Path: "/api/v1/regions", Public: true, Handler: a.listRegions, Tag: "reference",
			Summary: "The 14 regions (盟市)", Response: []string{}},
		{Method: "GET", Path: "/api/v1/batches", Public: true, Handler: a.listBatches, Tag: "reference",
			Summary: "Batches with their windows", Response: []batchView{}},
		{Method: "POST", Path: "/api/v1/admin/batches", Roles: rolesAdmin, Handler: a.createBatch, Tag: "admin",
			Summary: "Create a batch (id chosen by the caller)", Request: batchRequest{}, Response: batchView{},
			Status: 201, Errors: []int{409, 422}, Idempotent: true},
		{Method: "PATCH", Path: "/api/v1/admin/batches/:id", Roles: rolesAdmin, Handler: a.patchBatch, Tag: "admin",
			Summary: "Change a batch's windows; running applications follow", Request: batchRequest{},
			Response: patchBatchResponse{}, Errors: []int{404, 422, 503}},
	}
}
