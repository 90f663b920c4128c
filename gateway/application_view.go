package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"skillcert/schema/db"
	"skillcert/workflows"
)

// applicationView is an application as API.md shows it, rendered from the projection row, its view JSON
// and the audit trail.
type applicationView struct {
	ID                string                    `json:"id"`
	Status            string                    `json:"status"`
	StatusLabel       string                    `json:"status_label"`
	BatchID           string                    `json:"batch_id"`
	OccupationCode    string                    `json:"occupation_code"`
	OccupationName    string                    `json:"occupation_name"`
	Level             int32                     `json:"level"`
	Pathway           string                    `json:"pathway"`
	Region            string                    `json:"region"`
	Employer          string                    `json:"employer"`
	Checklist         []workflows.ChecklistItem `json:"checklist"`
	Deadlines         workflows.Deadlines       `json:"deadlines"`
	Scores            *workflows.ScoresView     `json:"scores,omitempty"`
	CertificateNumber string                    `json:"certificate_number,omitempty"`
	Payment           *workflows.PaymentView    `json:"payment,omitempty"`
	Exam              *workflows.ExamView       `json:"exam,omitempty"`
	Panel             *workflows.PanelView      `json:"panel,omitempty"`
	Reasons           []string                  `json:"reasons,omitempty"`
	History           []historyEntry            `json:"history"`
	CreatedAt         time.Time                 `json:"created_at"`
	UpdatedAt         time.Time                 `json:"updated_at"`
}

// historyEntry is one line of an application's audit trail.
type historyEntry struct {
	At         time.Time `json:"at"`
	ActorRole  string    `json:"actor_role"`
	Action     string    `json:"action"`
	Reason     string    `json:"reason,omitempty"`
	FromStatus string    `json:"from_status,omitempty"`
	ToStatus   string    `json:"to_status,omitempty"`
}

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
		Pathway: row.Pathway, Region: row.Region, Employer: row.Employer, Checklist: view.Checklist,
		Deadlines: view.Deadlines, CertificateNumber: view.CertificateNumber, Payment: view.Payment,
		Exam: view.Exam, Panel: view.Panel, Reasons: view.Reasons, CreatedAt: row.CreatedAt, UpdatedAt: row.UpdatedAt,
		History: []historyEntry{},
	}
	if v.Checklist == nil {
		v.Checklist = []workflows.ChecklistItem{}
	}
	if v.CertificateNumber == "" && row.CertificateNumber != nil {
		v.CertificateNumber = *row.CertificateNumber
	}
	if s := view.Scores; s.Theory != nil || s.Skill != nil || s.Comprehensive != nil {
		v.Scores = &s
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
