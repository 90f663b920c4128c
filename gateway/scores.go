package gateway

import (
	"encoding/json"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"skillcert"
	"skillcert/workflows"
)

// Score entry is double entry: an operator's first entry waits for a second, different operator's
// matching entry; a mismatch discards both and reopens entry (the workflow decides, the gateway validates).

// parseScoreValue reads a JSON score, recording in f under field why it is not a number in 0–100 with at
// most one decimal.
func parseScoreValue(f fieldErrors, field string, v any) skillcert.Score {
	switch t := v.(type) {
	case nil:
		f.add(field, "请填写成绩")
	case json.Number:
		s, err := skillcert.ParseScoreText(t.String())
		if err != nil {
			f.add(field, scoreReason(err))
		}
		return s
	default:
		f.add(field, "成绩应为数字（0至100，最多一位小数）")
	}
	return 0
}

// scoreReason is the Chinese reason a score was refused.
func scoreReason(err error) string {
	if se, ok := err.(*skillcert.Error); ok {
		if r := se.Fields["score"]; r != "" {
			return r
		}
		return se.Message
	}
	return err.Error()
}

// scoreComponent reads a theory or skill component; the committee's comprehensive score has its own route.
func scoreComponent(f fieldErrors, field, v string) skillcert.Component {
	c := skillcert.Component(trimmed(v))
	switch c {
	case skillcert.ComponentTheory, skillcert.ComponentSkill:
		return c
	case skillcert.ComponentComprehensive:
		f.add(field, "综合评审成绩由评审委员通过评审接口录入")
	default:
		f.add(field, "component 只能是 theory（理论知识考试）或 skill（技能考核）")
	}
	return ""
}

// checkScoreRole refuses (403) entries the role may not make: theory scores are the provincial reviewers'.
func checkScoreRole(p *principal, c skillcert.Component) error {
	if c == skillcert.ComponentTheory && p.Role != roleProvincialReviewer {
		return errForbidden("理论知识考试成绩由就促会审核员录入")
	}
	return nil
}

// enterScore is one operator's entry of a theory or skill score (enter_score Update).
func (a *app) enterScore(c *fiber.Ctx) error {
	var req scoreRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	row, err := a.loadScopedApplication(c, c.Params("id"))
	if err != nil {
		return err
	}
	f := fieldErrors{}
	component := scoreComponent(f, "component", req.Component)
	score := parseScoreValue(f, "score", req.Score)
	if err := f.err(); err != nil {
		return err
	}
	p := user(c)
	if err := checkScoreRole(p, component); err != nil {
		return err
	}
	var res workflows.EnterScoreResult
	if err := a.update(c.UserContext(), row.ID, workflows.UpdateEnterScore,
		workflows.EnterScoreRequest{Component: component, Score: score, Actor: p.actor()}, &res); err != nil {
		return err
	}
	return c.JSON(scoreResponse{ApplicationID: row.ID, Component: string(res.Component), State: res.State,
		Status: string(res.Status), StatusLabel: res.Status.Label()})
}

// scoreRoutes are single score entry and the provincial reviewers' file import.
func (a *app) scoreRoutes() []route {
	return []route{
		{Method: "POST", Path: "/api/v1/applications/:id/scores", Roles: []string{roleCityReviewer, roleProvincialReviewer},
			Handler: a.enterScore, Tag: "scores",
			Summary: "Enter a theory (provincial) or skill (the region's city reviewers or provincial) score; a second operator confirms",
			Request: scoreRequest{}, Response: scoreResponse{}, Errors: []int{404, 409, 422, 503}},
		{Method: "POST", Path: "/api/v1/scores/import", Roles: []string{roleProvincialReviewer}, Handler: a.importScores,
			Tag: "scores", Summary: "Import scores from CSV or XLSX (application_id, component, score); nothing is applied when a row is bad",
			Response: importResponse{}, Errors: []int{400, 413, 415, 422, 503}, BodyLimit: maxImportBytes, Idempotent: true},
	}
}

// describeScoreState is the Chinese wording of an entry's outcome, for import reports.
func describeScoreState(state string) string {
	switch state {
	case workflows.ScoreAwaitingConfirmation:
		return "已录入，待另一名操作员复核"
	case workflows.ScoreConfirmed:
		return "已确认"
	case workflows.ScoreMismatch:
		return "两次录入不一致，已重新开放录入"
	}
	return fmt.Sprintf("未知状态 %s", state)
}
