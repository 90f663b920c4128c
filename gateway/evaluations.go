package gateway

import (
	"fmt"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"skillcert/workflows"
)

// 综合评审 (comprehensive review) of 技师 and 高级技师: comprehensive_review tasks show in every committee
// member's inbox; the first N distinct members who score form the panel and their mean decides. The workflow
// refuses a member from the applicant's employer (403) and a second score by the same member (409).

// evaluate records a committee member's 综合评审 score (evaluate Update).
func (a *app) evaluate(c *fiber.Ctx) error {
	var req evaluationRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	row, err := a.loadEvaluationTarget(c) // reached comprehensive review; recusal by normalised employer (403)
	if err != nil {
		return err
	}
	f := fieldErrors{}
	score := parseScoreValue(f, "score", req.Score)
	if utf8.RuneCountInString(req.Comment) > maxReasonRunes {
		f.add("comment", fmt.Sprintf("评审意见不能超过%d个字符", maxReasonRunes))
	}
	if err := f.err(); err != nil {
		return err
	}
	// The actor carries the member's employer as the users table holds it, for the conflict-of-interest rule.
	var res workflows.EvaluateResult
	if err := a.update(c.UserContext(), row.ID, workflows.UpdateEvaluate,
		workflows.EvaluateRequest{Score: score, Comment: trimmed(req.Comment), Actor: user(c).actor()}, &res); err != nil {
		return err
	}
	return c.JSON(evaluationResponse{ApplicationID: row.ID, PanelCount: res.PanelCount, PanelSize: res.PanelSize,
		Status: string(res.Status), StatusLabel: res.Status.Label()})
}

// evaluationRoutes are the committee's evaluations.
func (a *app) evaluationRoutes() []route {
	return []route{
		{Method: "POST", Path: "/api/v1/applications/:id/evaluations", Roles: []string{roleCommitteeMember},
			Handler: a.evaluate, Tag: "scores",
			Summary: "A committee member's 综合评审 score; the first N distinct members form the panel and their mean decides",
			Request: evaluationRequest{}, Response: evaluationResponse{}, Errors: []int{403, 404, 409, 422, 503}},
	}
}
