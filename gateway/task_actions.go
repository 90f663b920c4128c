package gateway

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"

	"skillcert"
	"skillcert/schema/db"
	"skillcert/workflows"
)

// Task actions: claim, unclaim, assign and complete. The workflow opens and closes tasks through the
// projection; the gateway only moves a task between open and claimed (assignee_id), always with a conditional
// UPDATE so that racing requests cannot both win.

// Task roles that can act on tasks of their own role.
var rolesTaskWorkers = []string{roleCityReviewer, roleProvincialReviewer, roleCommitteeMember}

// reviewTaskTypes are the task types decided through /complete; the others are done by entering scores or
// evaluations.
var reviewTaskTypes = []string{workflows.TaskPreliminaryReview, workflows.TaskReReview, workflows.TaskCorrectionReview}

// maxReasonRunes bounds free-text reasons and comments.
const maxReasonRunes = 2000

// viewTask renders a task as the inbox shows it.
func viewTask(t db.GetTaskDetailRow) taskView {
	return taskView{ID: t.ID, Type: t.Type, ApplicationID: t.ApplicationID, Status: string(t.Status), AssigneeID: t.AssigneeID,
		Role: t.Role, Region: t.Region, CreatedAt: t.CreatedAt, DueAt: t.DueAt, OccupationCode: t.OccupationCode,
		Level: t.Level, ApplicationStatus: string(t.ApplicationStatus)}
}

// loadTask reads the task named by :id (404 for unknown or malformed IDs).
func (a *app) loadTask(ctx context.Context, id string) (db.GetTaskDetailRow, error) {
	if !validUUID(id) {
		return db.GetTaskDetailRow{}, errNotFound("任务")
	}
	t, err := a.tasks.GetTaskDetail(ctx, id)
	if errors.Is(err, pgx.ErrNoRows) {
		return t, errNotFound("任务")
	}
	if err != nil {
		return t, fmt.Errorf("read task %s: %w", id, err)
	}
	return t, nil
}

// checkTaskScope refuses a caller whose role is not the task's (403), or a city reviewer of another region
// (404, as for a task that does not exist).
func checkTaskScope(p *principal, t db.GetTaskDetailRow) error {
	if p.Role != t.Role {
		return errForbidden("该任务属于其他角色（%s），您无权处理", t.Role)
	}
	if p.Role == roleCityReviewer && p.Region != t.Region {
		return errNotFound("任务") // another region's task: not yours, and its region is not said
	}
	return nil
}

// taskNotActive is the 409 for a task that was completed or cancelled.
func taskNotActive(t db.GetTaskDetailRow) error {
	return &skillcert.Error{Code: skillcert.ECONFLICT, Message: "该任务已完成或已失效",
		Fields: map[string]string{"status": string(t.Status)}}
}

// claimedByOther is the 409 for a task someone else holds.
func claimedByOther(t db.GetTaskDetailRow) error {
	return &skillcert.Error{Code: skillcert.ECONFLICT, Message: "该任务已被其他人员认领",
		Fields: map[string]string{"assignee_id": deref(t.AssigneeID)}}
}

// explainNoChange re-reads a task whose conditional update matched nothing and says why.
func (a *app) explainNoChange(ctx context.Context, id string) error {
	t, err := a.loadTask(ctx, id)
	if err != nil {
		return err
	}
	if t.Status != "open" && t.Status != "claimed" {
		return taskNotActive(t)
	}
	return claimedByOther(t)
}

// answerTask re-reads the task and answers with it.
func (a *app) answerTask(c *fiber.Ctx, id string) error {
	t, err := a.loadTask(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(viewTask(t))
}

// claimTask takes an open task of the caller's role (and region); claiming one's own task again is harmless.
func (a *app) claimTask(c *fiber.Ctx) error {
	ctx, p := c.UserContext(), user(c)
	t, err := a.loadTask(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	if err := checkTaskScope(p, t); err != nil {
		return err
	}
	n, err := a.tasks.ClaimOpenTask(ctx, db.ClaimOpenTaskParams{ID: t.ID, UserID: &p.ID})
	if err != nil {
		return fmt.Errorf("claim task %s: %w", t.ID, err)
	}
	if n == 0 {
		return a.explainNoChange(ctx, t.ID)
	}
	return a.answerTask(c, t.ID)
}

// unclaimTask gives the caller's claimed task back to the inbox (admins may release anyone's).
func (a *app) unclaimTask(c *fiber.Ctx) error {
	ctx, p := c.UserContext(), user(c)
	t, err := a.loadTask(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	admin := p.Role == roleAdmin
	if !admin {
		if err := checkTaskScope(p, t); err != nil {
			return err
		}
	}
	if t.Status == "open" {
		return c.JSON(viewTask(t)) // nothing to give back
	}
	n, err := a.tasks.ReleaseTask(ctx, db.ReleaseTaskParams{ID: t.ID, UserID: &p.ID, AnyAssignee: admin})
	if err != nil {
		return fmt.Errorf("unclaim task %s: %w", t.ID, err)
	}
	if n == 0 {
		if t, err = a.loadTask(ctx, t.ID); err != nil {
			return err
		}
		switch {
		case t.Status == "open": // given back meanwhile
			return c.JSON(viewTask(t))
		case t.Status != "claimed":
			return taskNotActive(t)
		}
		return claimedByOther(t)
	}
	return a.answerTask(c, t.ID)
}

// checkAssignee verifies that the user may hold the task: an active account of the task's role (and region,
// for city tasks).
func (a *app) checkAssignee(ctx context.Context, id string, t db.GetTaskDetailRow) error {
	if !validUUID(id) {
		return fieldInvalid("user_id", "请填写有效的用户编号")
	}
	u, err := a.tasks.GetUserByID(ctx, id)
	if errors.Is(err, pgx.ErrNoRows) {
		return fieldInvalid("user_id", "用户不存在")
	}
	if err != nil {
		return fmt.Errorf("read assignee: %w", err)
	}
	switch {
	case u.Disabled:
		return fieldInvalid("user_id", "该用户已停用")
	case u.Role != t.Role:
		return fieldInvalid("user_id", "该用户的角色不能处理此任务")
	case t.Role == roleCityReviewer && deref(u.Region) != t.Region:
		return fieldInvalid("user_id", "该用户不属于任务所在盟市")
	}
	return nil
}

// assignTask gives an open task (or one the caller holds; any active one for admins) to a colleague.
func (a *app) assignTask(c *fiber.Ctx) error {
	var req assignTaskRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ctx, p := c.UserContext(), user(c)
	t, err := a.loadTask(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	admin := p.Role == roleAdmin
	if !admin {
		if err := checkTaskScope(p, t); err != nil {
			return err
		}
	}
	if t.Status != "open" && t.Status != "claimed" {
		return taskNotActive(t)
	}
	assignee := trimmed(req.UserID)
	if err := a.checkAssignee(ctx, assignee, t); err != nil {
		return err
	}
	n, err := a.tasks.AssignTaskTo(ctx, db.AssignTaskToParams{ID: t.ID, AssigneeID: &assignee, CallerID: &p.ID, Override: admin})
	if err != nil {
		return fmt.Errorf("assign task %s: %w", t.ID, err)
	}
	if n == 0 {
		return a.explainNoChange(ctx, t.ID)
	}
	return a.answerTask(c, t.ID)
}

// validateCompletion checks the body of a decision before anything is touched.
func validateCompletion(req completeTaskRequest) error {
	f := fieldErrors{}
	switch req.Decision {
	case "approve", "reject", "return":
		if req.Decision != "approve" && trimmed(req.Reason) == "" {
			f.add("reason", "驳回或退回补正时必须填写原因")
		}
	default:
		f.add("decision", "decision 只能是 approve、reject 或 return")
	}
	if utf8.RuneCountInString(req.Reason) > maxReasonRunes {
		f.add("reason", fmt.Sprintf("原因不能超过%d个字符", maxReasonRunes))
	}
	for i, d := range req.Documents {
		if !skillcert.DocType(trimmed(d.DocType)).Valid() {
			f.add(fmt.Sprintf("documents[%d].doc_type", i), "未知的材料类型")
		}
		if d.Verdict != "ok" && d.Verdict != "bad" {
			f.add(fmt.Sprintf("documents[%d].verdict", i), "verdict 只能是 ok 或 bad")
		}
		if d.Verdict == "bad" && trimmed(d.Reason) == "" {
			f.add(fmt.Sprintf("documents[%d].reason", i), "材料不合格时请说明原因")
		}
	}
	return f.err()
}

// completeTask decides a review task. The caller takes the task first (a conditional UPDATE, so of two
// reviewers completing at once exactly one goes on; the other gets 409), then the workflow decides through
// the complete_task Update, whose validator checks the task is still current and separation of duties.
func (a *app) completeTask(c *fiber.Ctx) error {
	var req completeTaskRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	ctx, p := c.UserContext(), user(c)
	t, err := a.loadTask(ctx, c.Params("id"))
	if err != nil {
		return err
	}
	if err := checkTaskScope(p, t); err != nil {
		return err
	}
	// A repeat, with its Idempotency-Key, of a decision whose answer was lost (the gateway died, the
	// stored answer is gone) goes to the workflow again: the Update ID derived from the key gets the first
	// outcome, where the projection alone would say 409 "already completed".
	repeat := t.Status == "completed" && deref(t.AssigneeID) == p.ID && hasIdempotencyKey(ctx)
	if t.Status != "open" && t.Status != "claimed" && !repeat {
		return taskNotActive(t)
	}
	if t.Type == workflows.TaskIncident {
		if repeat {
			return taskNotActive(t)
		}
		return a.resolveIncident(c, t, req)
	}
	if !slices.Contains(reviewTaskTypes, t.Type) {
		return fieldInvalid("type", "该类任务不能在此完成：成绩录入请使用成绩接口，综合评审请使用评审接口")
	}
	if err := validateCompletion(req); err != nil {
		return err
	}
	took := t.Status == "open"
	if t.Status == "claimed" && deref(t.AssigneeID) != p.ID {
		return claimedByOther(t)
	}
	if !repeat {
		n, err := a.tasks.ClaimOpenTask(ctx, db.ClaimOpenTaskParams{ID: t.ID, UserID: &p.ID})
		if err != nil {
			return fmt.Errorf("take task %s: %w", t.ID, err)
		}
		if n == 0 {
			return a.explainNoChange(ctx, t.ID)
		}
	}
	docs := make([]workflows.DocumentVerdict, len(req.Documents))
	for i, d := range req.Documents {
		docs[i] = workflows.DocumentVerdict{DocType: skillcert.DocType(trimmed(d.DocType)), Verdict: d.Verdict, Reason: trimmed(d.Reason)}
	}
	var res workflows.Result
	err = a.update(ctx, t.ApplicationID, workflows.UpdateCompleteTask, workflows.CompleteTaskRequest{
		TaskID: t.ID, Decision: req.Decision, Reason: trimmed(req.Reason), Documents: docs, Actor: p.actor(),
	}, &res)
	if err != nil {
		if took { // give back what this request took, unless the workflow closed the task meanwhile
			if _, rerr := a.tasks.ReleaseTask(detached(c), db.ReleaseTaskParams{ID: t.ID, UserID: &p.ID}); rerr != nil {
				a.log.Warn("release task after a refused decision", "task_id", t.ID, "error", rerr)
			}
		}
		return err
	}
	return c.JSON(completeTaskResponse{ApplicationID: t.ApplicationID, TaskID: t.ID, Status: string(res.Status),
		StatusLabel: res.Status.Label()})
}

// taskActionRoutes are claim, unclaim, assign and complete.
func (a *app) taskActionRoutes() []route {
	taskErrors := []int{404, 409}
	return []route{
		{Method: "POST", Path: "/api/v1/tasks/:id/claim", Roles: rolesTaskWorkers, Handler: a.claimTask, Tag: "tasks",
			Summary: "Claim a task of your role (and region)", Response: taskView{}, Errors: taskErrors},
		{Method: "POST", Path: "/api/v1/tasks/:id/unclaim", Roles: append(slices.Clone(rolesTaskWorkers), roleAdmin),
			Handler: a.unclaimTask, Tag: "tasks", Summary: "Give a claimed task back to the inbox (admins: any task)",
			Response: taskView{}, Errors: taskErrors},
		{Method: "POST", Path: "/api/v1/tasks/:id/assign", Roles: []string{roleCityReviewer, roleProvincialReviewer, roleAdmin},
			Handler: a.assignTask, Tag: "tasks", Summary: "Give a task to a colleague of its role (and region)",
			Request: assignTaskRequest{}, Response: taskView{}, Errors: []int{404, 409, 422}},
		{Method: "POST", Path: "/api/v1/tasks/:id/complete", Roles: []string{roleCityReviewer, roleProvincialReviewer, roleAdmin},
			Handler: a.completeTask, Tag: "tasks",
			Summary: "Decide a review task (approve, reject or return for correction) or, as an admin, an incident (retry or abandon)",
			Request: completeTaskRequest{}, Response: completeTaskResponse{}, Errors: []int{404, 409, 422, 503}},
	}
}
