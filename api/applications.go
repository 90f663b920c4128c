package api

import (
	"time"

	"skillcert"
)

// CreateApplicationRequest is the body of POST /api/v1/applications (申报): level 1–5, pathway, education
// and employer_type take the values of API.md; dates are YYYY-MM-DD. The pathway decides which of
// previous_certificate, title and veteran it needs.
type CreateApplicationRequest struct {
	BatchID             string               `json:"batch_id"`
	Region              string               `json:"region"`
	Employer            string               `json:"employer"`
	EmployerType        string               `json:"employer_type"`
	OccupationCode      string               `json:"occupation_code"`
	Level               int                  `json:"level"`
	Pathway             string               `json:"pathway"`
	Education           string               `json:"education"`
	OccupationStartedOn string               `json:"occupation_started_on"`
	PreviousCertificate *PreviousCertificate `json:"previous_certificate,omitempty"`
	Title               *Title               `json:"title,omitempty"`
	Veteran             *Veteran             `json:"veteran,omitempty"`
}

// PreviousCertificate is the certificate a promotion (晋级) builds on.
type PreviousCertificate struct {
	Number         string `json:"number"`
	Level          int    `json:"level"`
	OccupationCode string `json:"occupation_code"`
	IssuedOn       string `json:"issued_on"`
}

// Title is the professional title of the 贯通 pathway: field, grade (assistant … senior) and when obtained.
type Title struct {
	Field      string `json:"field"`
	Grade      string `json:"grade"`
	ObtainedOn string `json:"obtained_on"`
}

// Veteran is the 退役军人 pathway's data: the level of the wage treatment and since when.
type Veteran struct {
	TreatmentLevel int `json:"treatment_level"`
	SinceYear      int `json:"since_year"`
}

// ReasonRequest is a body that only gives a reason (withdraw, unclaim, incident actions).
type ReasonRequest struct {
	Reason string `json:"reason,omitempty"`
}

// Application is an application as its applicant and authorised staff see it (GET
// /api/v1/applications/{id}, and the answer of create and submit).
type Application struct {
	ID                string          `json:"id"`
	Status            string          `json:"status"`
	StatusLabel       string          `json:"status_label"`
	BatchID           string          `json:"batch_id"`
	OccupationCode    string          `json:"occupation_code"`
	OccupationName    string          `json:"occupation_name"`
	Level             int32           `json:"level"`
	Pathway           string          `json:"pathway"`
	Region            string          `json:"region"`
	Employer          string          `json:"employer"`
	Checklist         []ChecklistItem `json:"checklist"`
	Deadlines         Deadlines       `json:"deadlines"`
	Scores            *Scores         `json:"scores,omitempty"`
	CertificateNumber string          `json:"certificate_number,omitempty"`
	Payment           *Payment        `json:"payment,omitempty"`
	Exam              *Exam           `json:"exam,omitempty"`
	Panel             *Panel          `json:"panel,omitempty"`
	Reasons           []string        `json:"reasons,omitempty"`
	History           []HistoryEntry  `json:"history"`
	CreatedAt         time.Time       `json:"created_at"`
	UpdatedAt         time.Time       `json:"updated_at"`
}

// ChecklistItem is one required or optional document of an application and where it stands (status
// missing, uploaded, accepted, ok or bad; reason when bad).
type ChecklistItem struct {
	DocType    skillcert.DocType `json:"doc_type"`
	Label      string            `json:"label"`
	Required   bool              `json:"required"`
	Status     string            `json:"status"`
	Reason     string            `json:"reason,omitempty"`
	DocumentID string            `json:"document_id,omitempty"`
}

// Deadlines are the running application's due dates.
type Deadlines struct {
	CorrectionDueAt  *time.Time `json:"correction_due_at,omitempty"`
	PaymentDueAt     *time.Time `json:"payment_due_at,omitempty"`
	SkillScoresDueAt *time.Time `json:"skill_scores_due_at,omitempty"`
}

// Scores holds the confirmed scores (0–100, one decimal).
type Scores struct {
	Theory        *skillcert.Score `json:"theory,omitempty"`
	Skill         *skillcert.Score `json:"skill,omitempty"`
	Comprehensive *skillcert.Score `json:"comprehensive,omitempty"`
}

// Payment is the application's payment order and whether it was paid.
type Payment struct {
	OrderID       string     `json:"order_id"`
	AmountFen     int64      `json:"amount_fen"`
	DueAt         time.Time  `json:"due_at"`
	PaidAt        *time.Time `json:"paid_at,omitempty"`
	TransactionID string     `json:"transaction_id,omitempty"`
}

// Exam is the applicant's seat in an exam session.
type Exam struct {
	SessionID string    `json:"session_id"`
	Seat      int       `json:"seat"`
	Venue     string    `json:"venue"`
	StartsAt  time.Time `json:"starts_at"`
	Attended  *bool     `json:"attended,omitempty"`
}

// Panel is how far the committee panel of a 技师/高级技师 application is.
type Panel struct {
	Count int `json:"count"`
	Size  int `json:"size"`
}

// HistoryEntry is one line of an application's audit trail as the applicant sees it.
type HistoryEntry struct {
	At         time.Time `json:"at"`
	ActorRole  string    `json:"actor_role"`
	Action     string    `json:"action"`
	Reason     string    `json:"reason,omitempty"`
	FromStatus string    `json:"from_status,omitempty"`
	ToStatus   string    `json:"to_status,omitempty"`
}

// StatusResponse names an application's status after a command (exam attendance, revoke).
type StatusResponse struct {
	ApplicationID string `json:"application_id"`
	Status        string `json:"status"`
	StatusLabel   string `json:"status_label"`
}

// UploadRequest is the body of POST /api/v1/applications/{id}/documents: what the applicant will upload.
type UploadRequest struct {
	DocType     string `json:"doc_type"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

// Upload is a presigned upload: for method POST a multipart/form-data body with every entry of fields
// and then the file in a part named file; for PUT the bytes as the body with headers.
type Upload struct {
	URL       string            `json:"upload_url"`
	Method    string            `json:"method"`
	Fields    map[string]string `json:"fields"`
	Headers   map[string]string `json:"headers"`
	ExpiresAt time.Time         `json:"expires_at"`
}

// UploadGrant answers POST /api/v1/applications/{id}/documents: the new document and its upload.
type UploadGrant struct {
	DocumentID string `json:"document_id"`
	Upload
}

// DocumentAccepted answers POST .../documents/{document_id}/complete: the checked document.
type DocumentAccepted struct {
	Status            string `json:"status"` // "accepted"
	DocumentID        string `json:"document_id"`
	DocType           string `json:"doc_type"`
	Kind              string `json:"kind,omitempty"`
	Size              int64  `json:"size"`
	SHA256            string `json:"sha256,omitempty"`
	TextChars         int    `json:"text_chars,omitempty"`
	ApplicationStatus string `json:"application_status"`
}

// Eligibility answers the eligibility pre-check: whether the declared data would be eligible, and the
// checklist of documents it needs.
type Eligibility struct {
	Eligible  bool                `json:"eligible"`
	Checklist []skillcert.DocRule `json:"checklist"`
}

// PaymentOrder answers POST /api/v1/applications/{id}/payment.
type PaymentOrder struct {
	OrderID   string    `json:"order_id"`
	AmountFen int64     `json:"amount_fen"`
	PayURL    string    `json:"pay_url"`
	DueAt     time.Time `json:"due_at"`
}

// PaymentCallback is the payment platform's signed notification (POST /api/v1/payments/callback); paid_at
// is RFC 3339.
type PaymentCallback struct {
	OrderID       string `json:"order_id"`
	ApplicationID string `json:"application_id"`
	AmountFen     int64  `json:"amount_fen"`
	PaidAt        string `json:"paid_at"`
	TransactionID string `json:"transaction_id"`
}

// PaymentCallbackResponse answers the callback: status applied, or duplicate for a repeat.
type PaymentCallbackResponse struct {
	Status            string `json:"status"`
	ApplicationID     string `json:"application_id"`
	ApplicationStatus string `json:"application_status"`
}
