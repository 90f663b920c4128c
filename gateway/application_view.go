package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"skillcert/api"
	"skillcert/schema/db"
	"skillcert/workflows"
)

// renderApplication reads the application's projection and renders it.
func (a *app) renderApplication(ctx context.Context, id string) (applicationView, error) {
	row, err := a.q.GetApplication(ctx, id)
	if errors.Is(err, pgx.ErrNoRows) {
		return applicationView{}, fmt.Errorf("application %s not projected: %w", id, err)
	}
	if err != nil {
		return applicationView{}, fmt.Errorf("read application %s: %w", id, err)
	}
	return a.viewApplication(ctx, row)
}

// viewApplication renders a projection row with its audit trail.
func (a *app) viewApplication(ctx context.Context, row db.Application) (applicationView, error) {
	var view workflows.View
	if len(row.View) > 0 {
		if err := json.Unmarshal(row.View, &view); err != nil {
			return applicationView{}, fmt.Errorf("decode view of application %s: %w", row.ID, err)
		}
	}
	v := applicationView{
		ID: row.ID, Status: string(row.Status), StatusLabel: row.Status.Label(), BatchID: row.BatchID,
		OccupationCode: row.OccupationCode, OccupationName: view.OccupationName, Level: row.Level,
		Pathway: row.Pathway, Region: row.Region, Employer: row.Employer, Checklist: []api.ChecklistItem{},
		Deadlines: api.Deadlines(view.Deadlines), CertificateNumber: view.CertificateNumber,
		Payment: (*api.Payment)(view.Payment), Exam: (*api.Exam)(view.Exam), Panel: (*api.Panel)(view.Panel), Reasons: view.Reasons, CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt,
		History: []historyEntry{},
	}
	// The workflow's view types convert field for field (the compiler checks that they have not drifted).
	for _, it := range view.Checklist {
		v.Checklist = append(v.Checklist, api.ChecklistItem(it))
	}
	if v.CertificateNumber == "" && row.CertificateNumber != nil {
		v.CertificateNumber = *row.CertificateNumber
	}
	if s := view.Scores; s.Theory != nil || s.Skill != nil || s.Comprehensive != nil {
		v.Scores = (*api.Scores)(&s)
	}
	events, err := a.q.ListAuditEvents(ctx, row.ID)
	if err != nil {
		return applicationView{}, fmt.Errorf("read history of application %s: %w", row.ID, err)
	}
	for _, e := range events {
		v.History = append(v.History, historyEntry{At: e.At, ActorRole: e.ActorRole, Action: e.Action,
			Reason: deref(e.Reason), FromStatus: deref(e.FromStatus), ToStatus: deref(e.ToStatus)})
	}
	return v, nil
}
