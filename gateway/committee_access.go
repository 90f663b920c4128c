package gateway

import (
	"errors"
	"fmt"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"

	"skillcert"
	"skillcert/schema/db"
	"skillcert/workflows"
)

// Committee members (finding 8 of issue 11) read an application only while they may act on it: it has an
// open comprehensive_review task, the member's employer is not the applicant's (compared normalised,
// skillcert.SameEmployer), and the member has not scored it yet. They never see the full ID number: the
// forms they read show it masked, and the ID-card scans are not theirs to download.

// committeeMayRead is canSeeApplication for committee members.
func (a *app) committeeMayRead(c *fiber.Ctx, p *principal, row db.Application) (bool, error) {
	if skillcert.SameEmployer(p.Employer, row.Employer) {
		return false, nil
	}
	ctx := c.UserContext()
	open, err := a.q.HasOpenTaskOfType(ctx, db.HasOpenTaskOfTypeParams{ApplicationID: row.ID, Type: workflows.TaskComprehensiveReview})
	if err != nil || !open {
		return false, err
	}
	scored, err := a.q.CountEvaluationsBy(ctx, db.CountEvaluationsByParams{ApplicationID: row.ID, ActorID: &p.ID})
	if err != nil {
		return false, err
	}
	return scored == 0, nil
}

// loadEvaluationTarget reads the application a committee member scores: 404 unless it reached the
// comprehensive review, 403 when the member works for the applicant's employer (normalised). Whether the
// member already scored (409) or the panel is full (409) is the workflow's to say.
func (a *app) loadEvaluationTarget(c *fiber.Ctx) (db.Application, error) {
	id := c.Params("id")
	if !validUUID(id) {
		return db.Application{}, errNotFound("申报")
	}
	ctx := c.UserContext()
	row, err := a.q.GetApplication(ctx, id)
	if errors.Is(err, pgx.ErrNoRows) {
		return row, errNotFound("申报")
	}
	if err != nil {
		return row, fmt.Errorf("read application %s: %w", id, err)
	}
	reached, err := a.q.ApplicationHasTaskType(ctx, db.ApplicationHasTaskTypeParams{ApplicationID: row.ID, Type: workflows.TaskComprehensiveReview})
	if err != nil {
		return row, fmt.Errorf("check comprehensive review of %s: %w", id, err)
	}
	if !reached {
		return row, errNotFound("申报")
	}
	if skillcert.SameEmployer(user(c).Employer, row.Employer) {
		return row, errForbidden("评审委员不能评审本单位的申报人员（回避）")
	}
	return row, nil
}

// committeeHiddenDocTypes are the documents that show the full ID number: committee members do not get them.
var committeeHiddenDocTypes = map[string]bool{
	string(skillcert.DocIDCardFront): true,
	string(skillcert.DocIDCardBack):  true,
}

// hidesIDNumber reports whether the caller must not see full ID numbers (committee members).
func hidesIDNumber(c *fiber.Ctx) bool {
	p := user(c)
	return p != nil && p.Role == roleCommitteeMember
}

// committeeHiddenTasks returns the tasks of an inbox page that a committee member may not act on (a closed
// task, the member's own employer, or an application the member already scored); nil for other roles.
func (a *app) committeeHiddenTasks(c *fiber.Ctx, p *principal, rows []db.ListInboxTasksRow) (map[string]bool, error) {
	if p.Role != roleCommitteeMember || len(rows) == 0 {
		return nil, nil
	}
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		ids = append(ids, r.ApplicationID)
	}
	facts, err := a.tasks.CommitteeTaskFacts(c.UserContext(), db.CommitteeTaskFactsParams{ActorID: p.ID, Ids: ids})
	if err != nil {
		return nil, fmt.Errorf("committee inbox: %w", err)
	}
	may := map[string]bool{}
	for _, f := range facts {
		may[f.ID] = !f.Scored && !skillcert.SameEmployer(p.Employer, f.Employer)
	}
	hidden := map[string]bool{}
	for _, r := range rows {
		if !may[r.ApplicationID] || (r.Status != "open" && r.Status != "claimed") {
			hidden[r.ID] = true
		}
	}
	return hidden, nil
}
