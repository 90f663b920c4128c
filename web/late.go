package web

import (
	"net/http"
	"slices"
	"sort"
	"time"

	"github.com/gofiber/fiber/v2"
)

// lateItem is a case in scoring with its skill-score due date (10 working days after the exam). Overdue
// says the date has passed; Escalated that the workflow has recorded the escalation to the provincial
// reviewers (its audit action skill_scores_overdue), which it does when the date passes.
type lateItem struct {
	App       application
	DueAt     *time.Time
	Overdue   bool
	Escalated bool
}

// lateItems orders the cases waiting for skill scores at now: the overdue ones first, then by due date.
func lateItems(apps []application, now time.Time) []lateItem {
	items := make([]lateItem, 0, len(apps))
	for _, a := range apps {
		due := a.Deadlines.SkillScoresDueAt
		escalated := slices.ContainsFunc(a.History, func(e event) bool { return e.Action == "skill_scores_overdue" })
		items = append(items, lateItem{App: a, DueAt: due, Overdue: escalated || (due != nil && now.After(*due)), Escalated: escalated})
	}
	sort.SliceStable(items, func(i, j int) bool {
		if items[i].Overdue != items[j].Overdue {
			return items[i].Overdue
		}
		return items[i].DueAt != nil && (items[j].DueAt == nil || items[i].DueAt.Before(*items[j].DueAt))
	})
	return items
}

// latePage lists the cases waiting for skill scores, the overdue (escalated) ones first.
func (u *ui) latePage(c *fiber.Ctx) error {
	p := u.newPage(c, "技能成绩逾期督办")
	p.Staff = true
	var ans struct {
		Items []found `json:"items"`
	}
	if err := u.API.Call(c.UserContext(), token(c), http.MethodGet, "/api/v1/admin/applications?status=scoring&page_size=100", nil, &ans); err != nil {
		p.Error = asAPIError(err)
	}
	var apps []application
	for _, f := range ans.Items {
		if a, err := u.loadApplicationID(c, f.ID); err == nil {
			apps = append(apps, a)
		}
	}
	p.Data = lateItems(apps, time.Now())
	return u.render(c, http.StatusOK, "late", p)
}
