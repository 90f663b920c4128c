package web

import (
	"net/http"
	"sort"
	"time"

	"github.com/gofiber/fiber/v2"
)

// lateItem is a case in scoring with its skill-score due date (10 working days after the exam; the
// workflow escalates to the provincial reviewers when it passes).
type lateItem struct {
	App     application
	DueAt   *time.Time
	Overdue bool
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
	now := time.Now()
	var items []lateItem
	for _, f := range ans.Items {
		a, err := u.loadApplicationID(c, f.ID)
		if err != nil {
			continue
		}
		due := a.Deadlines.SkillScoresDueAt
		items = append(items, lateItem{App: a, DueAt: due, Overdue: due != nil && now.After(*due)})
	}
	sort.SliceStable(items, func(i, j int) bool {
		if items[i].Overdue != items[j].Overdue {
			return items[i].Overdue
		}
		return items[i].DueAt != nil && (items[j].DueAt == nil || items[i].DueAt.Before(*items[j].DueAt))
	})
	p.Data = items
	return u.render(c, http.StatusOK, "late", p)
}
