package gateway

import (
	"context"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"skillcert/schema/db"
	"skillcert/workflows"
)

// Incidents are admin tasks (type "incident") that the workflow opens when a side effect failed past its
// retry limit. An admin completes one with {decision: "retry"|"abandon", reason}.

// resolveIncident sends the admin's decision on an incident task to the application's workflow.
func (a *app) resolveIncident(c *fiber.Ctx, t db.GetTaskDetailRow, req completeTaskRequest) error {
	f := fieldErrors{}
	switch req.Decision {
	case workflows.IncidentRetry, workflows.IncidentAbandon:
	default:
		f.add("decision", "decision 只能是 retry 或 abandon")
	}
	reason := trimmed(req.Reason)
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		f.add("reason", "请填写处理原因")
	case n > maxReasonRunes:
		f.add("reason", fmt.Sprintf("原因不能超过%d个字符", maxReasonRunes))
	}
	if len(req.Documents) > 0 {
		f.add("documents", "处理事件时不能提交材料意见")
	}
	if err := f.err(); err != nil {
		return err
	}
	var res workflows.Result
	if err := a.update(c.UserContext(), t.ApplicationID, workflows.UpdateResolveIncident, workflows.ResolveIncidentRequest{
		TaskID: t.ID, Decision: req.Decision, Reason: reason, Actor: user(c).actor(),
	}, &res); err != nil {
		return err
	}
	return c.JSON(completeTaskResponse{ApplicationID: t.ApplicationID, TaskID: t.ID, Status: string(res.Status),
		StatusLabel: res.Status.Label()})
}

// markIncidents flags the search results that have an open incident.
func (a *app) markIncidents(ctx context.Context, items []adminApplicationView) error {
	if len(items) == 0 {
		return nil
	}
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	open, err := a.q.ApplicationsWithOpenIncident(ctx, ids)
	if err != nil {
		return fmt.Errorf("read incidents: %w", err)
	}
	for i := range items {
		items[i].OpenIncident = slices.Contains(open, items[i].ID)
	}
	return nil
}
