package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"skillcert"
	"skillcert/api"
)

// examRoutes are the exam staff's pages (sessions, seating, attendance, double score entry) and the
// committee's evaluation form.
func (u *ui) examRoutes(r fiber.Router) {
	r.Get("/staff/exams", u.requireStaff, u.examsPage)
	r.Post("/staff/exams", u.requireStaff, u.createExam)
	r.Post("/staff/exams/:id/assign", u.requireStaff, u.assignSeats)
	r.Post("/staff/exams/:id/attendance", u.requireStaff, u.attendance)
	r.Get("/staff/scores", u.requireStaff, u.scoresPage)
	r.Post("/staff/scores", u.requireStaff, u.enterScore)
	r.Get("/staff/late", u.requireStaff, u.latePage)
	r.Get("/staff/import", u.requireStaff, u.importPage)
	r.Post("/staff/import", u.requireStaff, u.importScores)
	r.Get("/staff/evaluate/:app", u.requireStaff, u.evaluatePage)
	r.Post("/staff/evaluate/:app", u.requireStaff, u.evaluate)
}

// examSession is a session of GET /api/v1/exam-sessions.
type examSession = api.ExamSession

// examFields are the create form's fields, as the API names them.
var examFields = []string{"batch_id", "region", "occupation_code", "level", "starts_at", "venue", "capacity"}

func (u *ui) examsPage(c *fiber.Ctx) error {
	return u.showExams(c, u.newPage(c, "考务：考场安排"), http.StatusOK)
}

func (u *ui) showExams(c *fiber.Ctx, p page, status int) error {
	p.Staff = true
	var ans struct {
		Items []examSession `json:"items"`
	}
	if err := u.API.Call(c.UserContext(), token(c), http.MethodGet, "/api/v1/exam-sessions", nil, &ans); err != nil && p.Error == nil {
		p.Error = asAPIError(err)
	}
	d := &applyData{}
	for path, out := range map[string]any{"/api/v1/batches": &d.Batches, "/api/v1/occupations": &d.Occupations, "/api/v1/regions": &d.Regions} {
		_ = u.API.Call(c.UserContext(), token(c), http.MethodGet, path, nil, out)
	}
	p.Data = map[string]any{"Sessions": ans.Items, "Ref": d}
	return u.render(c, status, "exams", p)
}

// createExam creates a session through the API; the time is typed in Beijing time.
func (u *ui) createExam(c *fiber.Ctx) error {
	p := u.newPage(c, "考务：考场安排")
	p.Form = formValues(c, examFields...)
	starts := p.Form["starts_at"]
	if t, err := time.ParseInLocation("2006-01-02T15:04", starts, skillcert.ChinaZone); err == nil {
		starts = t.Format(time.RFC3339)
	}
	level, _ := strconv.Atoi(p.Form["level"])
	capacity, _ := strconv.Atoi(p.Form["capacity"])
	body := map[string]any{"batch_id": p.Form["batch_id"], "region": p.Form["region"], "occupation_code": p.Form["occupation_code"],
		"level": level, "starts_at": starts, "venue": p.Form["venue"], "capacity": capacity}
	if err := u.API.Call(c.UserContext(), token(c), http.MethodPost, "/api/v1/exam-sessions", body, nil); err != nil {
		p.Error = asAPIError(err)
		return u.showExams(c, p, p.Error.Status)
	}
	p.Form = map[string]string{}
	p.Flash = "考场已创建。"
	return u.showExams(c, p, http.StatusOK)
}

// assignSeats seats the paid applications of the session through the API.
func (u *ui) assignSeats(c *fiber.Ctx) error {
	p := u.newPage(c, "考务：考场安排")
	var ans struct {
		Assigned int `json:"assigned"`
		Skipped  []struct {
			Reason string `json:"reason"`
		} `json:"skipped"`
	}
	if err := u.API.Call(c.UserContext(), token(c), http.MethodPost, "/api/v1/exam-sessions/"+url.PathEscape(c.Params("id"))+"/assign", nil, &ans); err != nil {
		p.Error = asAPIError(err)
		return u.showExams(c, p, p.Error.Status)
	}
	p.Flash = fmt.Sprintf("已安排 %d 人的座位，准考证已生成。", ans.Assigned)
	if len(ans.Skipped) > 0 {
		p.Flash += fmt.Sprintf("另有 %d 人未能安排（%s）。", len(ans.Skipped), ans.Skipped[0].Reason)
	}
	return u.showExams(c, p, http.StatusOK)
}

// attendance records one candidate as present or absent through the API.
func (u *ui) attendance(c *fiber.Ctx) error {
	p := u.newPage(c, "考务：考场安排")
	p.Form = formValues(c, "application_id", "present")
	body := map[string]any{"application_id": p.Form["application_id"], "present": p.Form["present"] == "true"}
	if err := u.API.Call(c.UserContext(), token(c), http.MethodPost, "/api/v1/exam-sessions/"+url.PathEscape(c.Params("id"))+"/attendance", body, nil); err != nil {
		p.Error = asAPIError(err)
		return u.showExams(c, p, p.Error.Status)
	}
	p.Flash = "出勤已登记。"
	return u.showExams(c, p, http.StatusOK)
}

func (u *ui) scoresPage(c *fiber.Ctx) error {
	p := u.newPage(c, "成绩录入（双人录入）")
	p.Staff = true
	p.Form["application_id"] = c.Query("application_id")
	return u.render(c, http.StatusOK, "scores", p)
}

// scoreStates are the outcomes of an entry. The first operator's value is never shown to the second.
var scoreStates = map[string]string{
	"awaiting_confirmation": "已录入，待另一名操作员独立录入复核。",
	"confirmed":             "两次录入一致，成绩已确认。",
	"mismatch":              "两次录入不一致，两次录入均已作废，请重新录入。",
}

// enterScore sends one operator's entry through the API.
func (u *ui) enterScore(c *fiber.Ctx) error {
	p := u.newPage(c, "成绩录入（双人录入）")
	p.Staff = true
	p.Form = formValues(c, "application_id", "component")
	var score any = strings.TrimSpace(c.FormValue("score"))
	if n, err := strconv.ParseFloat(score.(string), 64); err == nil {
		score = json.Number(strconv.FormatFloat(n, 'f', -1, 64))
	}
	var ans struct {
		State string `json:"state"`
	}
	err := u.API.Call(c.UserContext(), token(c), http.MethodPost, "/api/v1/applications/"+url.PathEscape(p.Form["application_id"])+"/scores",
		map[string]any{"component": p.Form["component"], "score": score}, &ans)
	if err != nil {
		p.Error = asAPIError(err)
		return u.render(c, p.Error.Status, "scores", p)
	}
	p.Flash = orDefault(scoreStates[ans.State], "已录入。")
	p.Form = map[string]string{"application_id": p.Form["application_id"]}
	return u.render(c, http.StatusOK, "scores", p)
}

func (u *ui) evaluatePage(c *fiber.Ctx) error {
	p := u.newPage(c, "综合评审")
	return u.showEvaluate(c, p, http.StatusOK)
}

func (u *ui) showEvaluate(c *fiber.Ctx, p page, status int) error {
	p.Staff = true
	a, err := u.loadApplicationID(c, c.Params("app"))
	if err != nil {
		p.Error = asAPIError(err)
		return u.render(c, p.Error.Status, "error", p)
	}
	p.Data = a
	return u.render(c, status, "evaluate", p)
}

// evaluate sends a committee member's score and comment through the API (recusal and repeats are refused
// by the API and shown here).
func (u *ui) evaluate(c *fiber.Ctx) error {
	p := u.newPage(c, "综合评审")
	p.Form = formValues(c, "score", "comment")
	var score any = p.Form["score"]
	if n, err := strconv.ParseFloat(p.Form["score"], 64); err == nil {
		score = json.Number(strconv.FormatFloat(n, 'f', -1, 64))
	}
	err := u.API.Call(c.UserContext(), token(c), http.MethodPost, "/api/v1/applications/"+url.PathEscape(c.Params("app"))+"/evaluations",
		map[string]any{"score": score, "comment": p.Form["comment"]}, nil)
	if err != nil {
		p.Error = asAPIError(err)
		return u.showEvaluate(c, p, p.Error.Status)
	}
	p.Flash = "评审意见已提交。"
	return u.showEvaluate(c, p, http.StatusOK)
}
