package workflows

import (
	"time"

	"skillcert"
)

// View is the part of the projection that the gateway renders as is (applications.view, JSON). The
// workflow builds it; the RecordTransition activity stores it with the transition's sequence number.
type View struct {
	OccupationName    string          `json:"occupation_name"`
	Checklist         []ChecklistItem `json:"checklist"`
	Deadlines         Deadlines       `json:"deadlines"`
	Scores            ScoresView      `json:"scores"`
	CertificateNumber string          `json:"certificate_number,omitempty"`
	Payment           *PaymentView    `json:"payment,omitempty"`
	Exam              *ExamView       `json:"exam,omitempty"`
	Panel             *PanelView      `json:"panel,omitempty"`
	Declared          *Declared       `json:"declared,omitempty"`
	ReturnedBy        string          `json:"returned_by,omitempty"` // reviewer who asked for correction
	Reasons           []string        `json:"reasons,omitempty"`     // why it failed, was rejected or returned
}

// Checklist item statuses (skillcert.AttachOutcome decides them after an inspection).
const (
	DocMissing  = skillcert.DocStatusMissing  // nothing accepted yet
	DocAccepted = skillcert.DocStatusAccepted // inspected and accepted
	DocRejected = skillcert.DocStatusRejected // the last upload failed inspection
	DocBad      = skillcert.DocStatusBad      // a reviewer marked it bad; a new upload is needed
)

// ChecklistItem is one required or optional document and where it stands.
type ChecklistItem struct {
	DocType    skillcert.DocType `json:"doc_type"`
	Label      string            `json:"label"`
	Required   bool              `json:"required"`
	Status     string            `json:"status"`
	Reason     string            `json:"reason,omitempty"`
	DocumentID string            `json:"document_id,omitempty"`
}

// Deadlines of the application; nil when not running.
type Deadlines struct {
	CorrectionDueAt  *time.Time `json:"correction_due_at,omitempty"`
	PaymentDueAt     *time.Time `json:"payment_due_at,omitempty"`
	SkillScoresDueAt *time.Time `json:"skill_scores_due_at,omitempty"`
}

// ScoresView holds confirmed scores only.
type ScoresView struct {
	Theory        *skillcert.Score `json:"theory,omitempty"`
	Skill         *skillcert.Score `json:"skill,omitempty"`
	Comprehensive *skillcert.Score `json:"comprehensive,omitempty"`
}

// PaymentView is the payment order and whether it was paid.
type PaymentView struct {
	OrderID       string     `json:"order_id"`
	AmountFen     int64      `json:"amount_fen"`
	DueAt         time.Time  `json:"due_at"`
	PaidAt        *time.Time `json:"paid_at,omitempty"`
	TransactionID string     `json:"transaction_id,omitempty"`
}

// ExamView is the applicant's seat.
type ExamView struct {
	SessionID string    `json:"session_id"`
	Seat      int       `json:"seat"`
	Venue     string    `json:"venue"`
	StartsAt  time.Time `json:"starts_at"`
	Attended  *bool     `json:"attended,omitempty"`
}

// PanelView is how far the committee panel is.
type PanelView struct {
	Count int `json:"count"`
	Size  int `json:"size"`
}

// Declared holds what the applicant declared beyond the projection's columns (printed on the 申报表).
type Declared struct {
	EmployerType        skillcert.EmployerType         `json:"employer_type"`
	Education           skillcert.Education            `json:"education"`
	OccupationStartedOn skillcert.Date                 `json:"occupation_started_on"`
	PreviousCertificate *skillcert.PreviousCertificate `json:"previous_certificate,omitempty"`
	Title               *skillcert.Title               `json:"title,omitempty"`
	Veteran             *skillcert.Veteran             `json:"veteran,omitempty"`
}
