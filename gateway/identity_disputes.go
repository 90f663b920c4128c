package gateway

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"skillcert"
	"skillcert/schema/db"
)

// Squatting an ID number (finding 15 of issue 11). Registration keeps answering 409 for an ID number that is
// already registered. The person it belongs to can report that; an admin checks their identity (in person
// or by a call-back, outside the system), then reassigns the account to them — their name, phone and the
// password chosen in the report — or rejects the report. Both outcomes are audit events of the account.

// disputePage is the answer of GET /api/v1/admin/identity-disputes.
type disputePage = page[disputeView]

// disputesList is the keyset-paged list of reports (oldest first).
var disputesList = listKind{name: "identity_disputes"}

// Dispute statuses and decisions.
const (
	disputeOpen       = "open"
	disputeReassigned = "reassigned"
	disputeRejected   = "rejected"
	maxStatementRunes = 2000
)

// reportSquatting records a report that the reporter's ID number was registered by someone else.
func (a *app) reportSquatting(c *fiber.Ctx) error {
	var req disputeReportRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	f := fieldErrors{}
	id := a.checkRegistration(f, &req.RegisterRequest)
	req.Statement = trimmed(req.Statement)
	switch n := utf8.RuneCountInString(req.Statement); {
	case n < 10:
		f.add("statement", "请说明情况（至少10个字），例如工作单位和联系方式，便于核实身份")
	case n > maxStatementRunes:
		f.add("statement", fmt.Sprintf("说明不能超过%d个字符", maxStatementRunes))
	}
	if err := f.err(); err != nil {
		return err
	}
	ctx := c.UserContext()
	account, err := a.q.FindAccountByIDHash(ctx, ptr(skillcert.IDLookupHash(a.cfg.IDHashKey, id.Number)))
	if errors.Is(err, pgx.ErrNoRows) {
		return fieldInvalid("id_number", "该身份证号码尚未注册，请直接注册")
	}
	if err != nil {
		return fmt.Errorf("find account of ID number: %w", err)
	}
	if taken, err := a.q.PhoneTaken(ctx, db.PhoneTakenParams{Phone: &req.Phone, ExceptID: "00000000-0000-0000-0000-000000000000"}); err != nil {
		return fmt.Errorf("check phone: %w", err)
	} else if taken {
		return fieldConflict("phone", "该手机号码已注册，请换一个手机号码申诉")
	}
	hash, err := hashPassword(req.Password)
	if err != nil {
		return err
	}
	reportID, err := a.q.CreateIdentityDispute(ctx, db.CreateIdentityDisputeParams{ID: uuid.NewString(), AccountID: account.ID,
		ReporterName: req.Name, ReporterPhone: req.Phone, ReporterPasswordHash: hash, Statement: req.Statement})
	if errors.Is(err, pgx.ErrNoRows) { // the same report is already open: answered like the first time
		reportID, err = a.q.FindOpenIdentityDispute(ctx, db.FindOpenIdentityDisputeParams{AccountID: account.ID, ReporterPhone: req.Phone})
	}
	if err != nil {
		return fmt.Errorf("create report: %w", err)
	}
	return c.Status(http.StatusCreated).JSON(disputeReportResponse{ReportID: reportID, Status: disputeOpen})
}

// listDisputes lists the reports, oldest first (?status=open|reassigned|rejected).
func (a *app) listDisputes(c *fiber.Ctx) error {
	pg, err := readPage(c, disputesList)
	if err != nil {
		return err
	}
	status := ptr(trimmed(c.Query("status")))
	if status != nil && *status != disputeOpen && *status != disputeReassigned && *status != disputeRejected {
		return fieldInvalid("status", "status 只能是 open、reassigned 或 rejected")
	}
	rows, err := a.q.ListIdentityDisputes(c.UserContext(), db.ListIdentityDisputesParams{Status: status,
		AfterAt: pg.afterAt(), AfterID: pg.afterID(), Off: pg.offset(), Lim: pg.limit()})
	if err != nil {
		return fmt.Errorf("list reports: %w", err)
	}
	return c.JSON(makePage(pg, disputesList, rows, viewDispute,
		func(r db.ListIdentityDisputesRow) pageKey { return pageKey{At: r.CreatedAt, ID: r.ID} }))
}

// viewDispute renders a report for admins.
func viewDispute(r db.ListIdentityDisputesRow) disputeView {
	return disputeView{ID: r.ID, Status: r.Status, AccountID: r.AccountID, AccountName: r.AccountName,
		AccountPhone: r.AccountPhone, AccountIDNumberMasked: r.IDNumberMasked, ReporterName: r.ReporterName,
		ReporterPhone: r.ReporterPhone, Statement: r.Statement, IdentityCheck: r.IdentityCheck,
		ResolutionReason: r.ResolutionReason, ResolvedBy: r.ResolvedBy, ResolvedAt: r.ResolvedAt, CreatedAt: r.CreatedAt}
}

// checkResolveRequest validates a decision on a report.
func checkResolveRequest(req *disputeResolveRequest) error {
	req.Decision, req.IdentityCheck, req.Reason = trimmed(req.Decision), trimmed(req.IdentityCheck), trimmed(req.Reason)
	f := fieldErrors{}
	switch req.Decision {
	case "reassign":
		if utf8.RuneCountInString(req.IdentityCheck) < 4 {
			f.add("identity_check", "改派账号前须核验申诉人身份，请写明核验方式（例如：当面核验身份证原件）")
		}
	case "reject":
	default:
		f.add("decision", "decision 只能是 reassign（改派账号）或 reject（驳回）")
	}
	if req.Reason == "" {
		f.add("reason", "请填写处理理由")
	}
	for field, v := range map[string]string{"identity_check": req.IdentityCheck, "reason": req.Reason} {
		if utf8.RuneCountInString(v) > maxReasonRunes {
			f.add(field, fmt.Sprintf("不能超过%d个字符", maxReasonRunes))
		}
	}
	return f.err()
}

// resolveDispute reassigns the account to the reporter or rejects the report, in one transaction with its
// audit event. Only open reports can be decided (409 otherwise).
func (a *app) resolveDispute(c *fiber.Ctx) error {
	var req disputeResolveRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	id := c.Params("id")
	if !validUUID(id) {
		return errNotFound("申诉")
	}
	if err := checkResolveRequest(&req); err != nil {
		return err
	}
	admin, now := user(c), a.now()
	status := disputeRejected
	if req.Decision == "reassign" {
		status = disputeReassigned
	}
	err := pgx.BeginFunc(c.UserContext(), a.pool, func(tx pgx.Tx) error {
		q := db.New(tx)
		d, err := q.LockIdentityDispute(c.UserContext(), id)
		if errors.Is(err, pgx.ErrNoRows) {
			return errNotFound("申诉")
		}
		if err != nil {
			return fmt.Errorf("lock report: %w", err)
		}
		if d.Status != disputeOpen {
			return fieldConflict("status", "该申诉已处理（"+d.Status+"）")
		}
		return a.applyDisputeDecision(c, q, d, req, status, admin, now)
	})
	if err != nil {
		return err
	}
	return c.JSON(disputeReportResponse{ReportID: id, Status: status})
}

// applyDisputeDecision writes the decision: for a reassignment the account's new holder, the other open
// reports closed; in both cases the account's audit event.
func (a *app) applyDisputeDecision(c *fiber.Ctx, q *db.Queries, d db.LockIdentityDisputeRow, req disputeResolveRequest,
	status string, admin *principal, now time.Time) error {
	ctx := c.UserContext()
	seq, err := q.LockAccountForAudit(ctx, d.AccountID) // serializes the account's audit events
	if err != nil {
		return fmt.Errorf("lock account: %w", err)
	}
	details := map[string]any{"report_id": d.ID, "decision": req.Decision}
	if status == disputeReassigned {
		if taken, err := q.PhoneTaken(ctx, db.PhoneTakenParams{Phone: &d.ReporterPhone, ExceptID: d.AccountID}); err != nil {
			return fmt.Errorf("check phone: %w", err)
		} else if taken {
			return fieldConflict("phone", "申诉人的手机号码已被其他账号使用，无法改派")
		}
		n, err := q.ReassignAccount(ctx, db.ReassignAccountParams{ID: d.AccountID, Name: d.ReporterName,
			Phone: &d.ReporterPhone, PasswordHash: d.ReporterPasswordHash})
		if err != nil {
			return fmt.Errorf("reassign account: %w", err)
		}
		if n != 1 {
			return fieldConflict("account_id", "该账号不是申报人账号，无法改派")
		}
		if err := q.RevokeAccountTokens(ctx, d.AccountID); err != nil { // the previous holder is signed out
			return fmt.Errorf("revoke tokens: %w", err)
		}
		if err := q.RejectOtherIdentityDisputes(ctx, db.RejectOtherIdentityDisputesParams{AccountID: d.AccountID, ID: d.ID,
			Reason: ptr("账号已改派给另一申诉人"), ResolvedBy: &admin.ID, At: &now}); err != nil {
			return fmt.Errorf("close other reports: %w", err)
		}
		details["identity_check"] = req.IdentityCheck
		details["previous_name_masked"] = skillcert.MaskName(d.PreviousName)
	}
	if err := q.ResolveIdentityDispute(ctx, db.ResolveIdentityDisputeParams{ID: d.ID, Status: status,
		IdentityCheck: ptr(req.IdentityCheck), Reason: &req.Reason, ResolvedBy: &admin.ID, At: &now}); err != nil {
		return fmt.Errorf("resolve report: %w", err)
	}
	raw, err := json.Marshal(details)
	if err != nil {
		return err
	}
	action := "account_reassigned"
	if status == disputeRejected {
		action = "identity_dispute_rejected"
	}
	return q.InsertAccountAuditEvent(ctx, db.InsertAccountAuditEventParams{AccountID: d.AccountID, Seq: seq, Action: action,
		At: now, ActorID: &admin.ID, ActorRole: admin.Role, Reason: &req.Reason, Details: raw})
}

// disputeRoutes are the squatting report and its handling by admins.
func (a *app) disputeRoutes() []route {
	return []route{
		{Method: "POST", Path: "/api/v1/auth/register/report", Public: true, Handler: a.reportSquatting, Tag: "accounts",
			Summary: "Report that one's ID number was registered by someone else (registration answered 409); an admin verifies the identity and may reassign the account",
			Request: disputeReportRequest{}, Response: disputeReportResponse{}, Status: 201, Errors: []int{409, 422, 429},
			AuthLimited: true},
		{Method: "GET", Path: "/api/v1/admin/identity-disputes", Roles: rolesAdmin, Handler: a.listDisputes, Tag: "admin",
			Summary: "Reports of squatted ID numbers", Query: append([]string{"status"}, pageQuery...),
			Response: disputePage{}, Errors: []int{422}},
		{Method: "POST", Path: "/api/v1/admin/identity-disputes/:id/resolve", Roles: rolesAdmin, Handler: a.resolveDispute,
			Tag: "admin", Summary: "Reassign the account to the reporter after an identity check (identity_check required), or reject; audited",
			Request: disputeResolveRequest{}, Response: disputeReportResponse{}, Errors: []int{404, 409, 422}, Idempotent: true},
	}
}
