// Package contract is the vocabulary between ApplicationWorkflow and its activities: the activity names,
// their inputs and results (the transition record with its projection row, task specs and notifications,
// certificate, payment and inspection messages) and the failure types activities raise. It depends on the
// domain only, so that package workflows links neither the database nor storage: workflows names
// activities by these names, and package activities implements them with the same types.
package contract

import (
	"time"

	"skillcert"
)

// Activity names: the methods of activities.Activities, as the worker registers them.
const (
	RecordTransition   = "RecordTransition"
	InspectDocument    = "InspectDocument"
	IssueCertificate   = "IssueCertificate"
	RevokeCertificate  = "RevokeCertificate"
	CreatePaymentOrder = "CreatePaymentOrder"
	RecordPayment      = "RecordPayment"
	Notify             = "Notify"
	RecordIncident     = "RecordIncident"    // an incident's admin task
	LoadBatchWindows   = "LoadBatchWindows"  // a batch's stored windows, before a payment deadline acts
	RevokeApplication  = "RevokeApplication" // a certified case whose workflow completed (RevocationWorkflow)
)

// Error types of non-retryable activity failures, read by the workflow.
const (
	ErrDuplicate = "duplicate" // another active application exists; details: its ID
	ErrInvalid   = "invalid"   // the input can never succeed
	// ErrPermanent is a failure no retry can fix: a Postgres error of SQLSTATE class 22 (data exception)
	// or 23 (integrity constraint violation), or a domain error (the worker classifies every activity error).
	ErrPermanent = "permanent"
)

// TaskSpec is an open human task as the workflow sees it.
type TaskSpec struct {
	ID         string             `json:"id"`
	Type       skillcert.TaskType `json:"type"`
	Role       skillcert.Role     `json:"role"`
	Region     string             `json:"region"`
	AssigneeID string             `json:"assignee_id,omitempty"`
	DueAt      *time.Time         `json:"due_at,omitempty"`
}

// ApplicationRow is the projection row of an application after a transition.
type ApplicationRow struct {
	ApplicantID       string            `json:"applicant_id"`
	BatchID           string            `json:"batch_id"`
	Region            string            `json:"region"`
	Employer          string            `json:"employer"`
	OccupationCode    string            `json:"occupation_code"`
	Level             skillcert.Level   `json:"level"`
	Pathway           skillcert.Pathway `json:"pathway"`
	Status            skillcert.Status  `json:"status"`
	View              any               `json:"view"` // the workflow's View; stored as JSON
	PaymentDueAt      *time.Time        `json:"payment_due_at,omitempty"`
	CorrectionDueAt   *time.Time        `json:"correction_due_at,omitempty"`
	ExamSessionID     string            `json:"exam_session_id,omitempty"`
	Seat              int               `json:"seat,omitempty"`
	CertificateNumber string            `json:"certificate_number,omitempty"`
}

// Notification is a message for the outbox.
type Notification struct {
	Kind          string         `json:"kind"`
	RecipientRole skillcert.Role `json:"recipient_role"`
	RecipientID   string         `json:"recipient_id,omitempty"`
	Message       string         `json:"message"`
}

// TransitionRecord is everything one step of the workflow writes (RecordTransition): the projection row,
// the open tasks, the audit event and notifications. Seq orders the writes of one application.
type TransitionRecord struct {
	ApplicationID   string           `json:"application_id"`
	Seq             int64            `json:"seq"`
	At              time.Time        `json:"at"`
	Action          string           `json:"action"`
	FromStatus      skillcert.Status `json:"from_status,omitempty"`
	ToStatus        skillcert.Status `json:"to_status"`
	ActorID         string           `json:"actor_id,omitempty"`
	ActorRole       skillcert.Role   `json:"actor_role"`
	Reason          string           `json:"reason,omitempty"`
	Details         any              `json:"details,omitempty"` // stored as JSON
	Row             ApplicationRow   `json:"row"`
	Tasks           []TaskSpec       `json:"tasks"`
	CompletedTaskID string           `json:"completed_task_id,omitempty"`
	Notifications   []Notification   `json:"notifications,omitempty"`
}

// IssueInput asks for the certificate of a certified application (IssueCertificate).
type IssueInput struct {
	ApplicationID  string          `json:"application_id"`
	ApplicantID    string          `json:"applicant_id"`
	OccupationCode string          `json:"occupation_code"`
	OccupationName string          `json:"occupation_name"`
	Level          skillcert.Level `json:"level"`
	IssuedOn       skillcert.Date  `json:"issued_on"`
	SiteCode       string          `json:"site_code"`
}

// RevokeInput cancels the certificate of an application (RevokeCertificate).
type RevokeInput struct {
	ApplicationID string    `json:"application_id"`
	Reason        string    `json:"reason"`
	At            time.Time `json:"at"`
}

// InspectInput names an uploaded object and the rule it must meet (InspectDocument).
type InspectInput struct {
	ApplicationID string            `json:"application_id"`
	DocumentID    string            `json:"document_id"`
	Rule          skillcert.DocRule `json:"rule"`
}

// Inspection is the verdict of InspectDocument as the workflow reads it: the fields of inspect.Result it
// uses, under the same JSON names (a test in package activities keeps them so).
type Inspection struct {
	Kind      skillcert.FileKind `json:"kind,omitempty"`
	Size      int64              `json:"size"`
	SHA256    string             `json:"sha256"`
	TextChars int                `json:"text_chars,omitempty"`
	Accepted  bool               `json:"accepted"`
	Code      string             `json:"code,omitempty"`
	Reason    string             `json:"reason,omitempty"`
}

// OrderInput is a payment order to register (CreatePaymentOrder).
type OrderInput struct {
	OrderID       string    `json:"order_id"`
	ApplicationID string    `json:"application_id"`
	AmountFen     int64     `json:"amount_fen"`
	DueAt         time.Time `json:"due_at"`
	At            time.Time `json:"at"`
}

// PaymentInput is a payment reported by the platform (RecordPayment).
type PaymentInput struct {
	TransactionID string    `json:"transaction_id"`
	OrderID       string    `json:"order_id"`
	ApplicationID string    `json:"application_id"`
	AmountFen     int64     `json:"amount_fen"`
	PaidAt        time.Time `json:"paid_at"`
	Outcome       string    `json:"outcome"` // "applied" or "refund_due"
	Reason        string    `json:"reason,omitempty"`
}

// NotifyInput is a message for the outbox that is not tied to a transition (reminders, escalations).
type NotifyInput struct {
	DedupeKey     string       `json:"dedupe_key"`
	ApplicationID string       `json:"application_id"`
	Notification  Notification `json:"notification"`
	At            time.Time    `json:"at"`
}

// IncidentInput is an incident to record as an admin task (RecordIncident).
type IncidentInput struct {
	TaskID        string    `json:"task_id"`
	ApplicationID string    `json:"application_id"`
	Region        string    `json:"region"`
	Action        string    `json:"action"`
	Error         string    `json:"error"`
	Seq           int64     `json:"seq"`
	At            time.Time `json:"at"`
}

// BatchDates are the windows of a batch as stored (LoadBatchWindows).
type BatchDates struct {
	RegistrationClosesAt time.Time `json:"registration_closes_at"`
	PaymentOpensAt       time.Time `json:"payment_opens_at"`
	PaymentClosesAt      time.Time `json:"payment_closes_at"`
	ExamStartsAt         time.Time `json:"exam_starts_at"`
}

// RevocationInput revokes a certified application whose workflow has completed (RevokeApplication).
type RevocationInput struct {
	ApplicationID string         `json:"application_id"`
	Reason        string         `json:"reason"`
	ActorID       string         `json:"actor_id"`
	ActorRole     skillcert.Role `json:"actor_role"`
	At            time.Time      `json:"at"`
}

// RevocationResult is the application after revocation.
type RevocationResult struct {
	Status            skillcert.Status `json:"status"`
	Seq               int64            `json:"seq"`
	CertificateNumber string           `json:"certificate_number,omitempty"`
}
