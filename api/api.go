// Package api holds the request and response types of the HTTP API (docs/API.md): one declaration of each
// JSON shape, which the gateway answers with (it aliases them), package client decodes into, the web UI
// reads, and the OpenAPI document names as components (#/components/schemas/<Type>). Every documented
// request body and answer is here, with the JSON names and omitempty choices the contract fixes. It depends
// only on the standard library and the domain package skillcert (for the few values the domain types:
// document types, scores), so any Go program can import it without the server's dependencies.
package api

import (
	"encoding/json"
	"time"
)

// ErrorBody is the body of every error answer.
type ErrorBody struct {
	Error Error `json:"error"`
}

// Error is the documented error object. Fields is always present (possibly empty), so clients can read
// error.fields.<name> without checking for null; Details carries machine-readable data (the existing
// application of a duplicate, a rule code).
type Error struct {
	Code      string            `json:"code"`
	Message   string            `json:"message"`
	Fields    map[string]string `json:"fields"`
	Details   map[string]any    `json:"details,omitempty"`
	RequestID string            `json:"request_id,omitempty"`
}

// Page is the answer of every list endpoint: the items, and where the next page starts when there is one
// (next_page in page mode, next_cursor, for ?after=, in both).
type Page[T any] struct {
	Items      []T     `json:"items"`
	NextPage   *int    `json:"next_page,omitempty"`
	NextCursor *string `json:"next_cursor,omitempty"`
}

// Task is one inbox entry (GET /api/v1/tasks).
type Task struct {
	ID                string     `json:"id"`
	Type              string     `json:"type"`
	ApplicationID     string     `json:"application_id"`
	Status            string     `json:"status"`
	AssigneeID        *string    `json:"assignee_id,omitempty"`
	Role              string     `json:"role"`
	Region            string     `json:"region"`
	CreatedAt         time.Time  `json:"created_at"`
	DueAt             *time.Time `json:"due_at,omitempty"`
	OccupationCode    string     `json:"occupation_code"`
	Level             int32      `json:"level"`
	ApplicationStatus string     `json:"application_status"`
}

// AdminApplication is one application in the admin search (GET /api/v1/admin/applications): no personal
// data beyond the masked name.
type AdminApplication struct {
	ID                  string    `json:"id"`
	Status              string    `json:"status"`
	StatusLabel         string    `json:"status_label"`
	BatchID             string    `json:"batch_id"`
	Region              string    `json:"region"`
	Employer            string    `json:"employer"`
	OccupationCode      string    `json:"occupation_code"`
	OccupationName      string    `json:"occupation_name"`
	Level               int32     `json:"level"`
	Pathway             string    `json:"pathway"`
	ApplicantNameMasked string    `json:"applicant_name_masked"`
	CertificateNumber   *string   `json:"certificate_number,omitempty"`
	ExamSessionID       *string   `json:"exam_session_id,omitempty"`
	Seat                *int32    `json:"seat,omitempty"`
	CreatedAt           time.Time `json:"created_at"`
	UpdatedAt           time.Time `json:"updated_at"`
	OpenIncident        bool      `json:"open_incident,omitempty"` // a side effect failed: see GET /api/v1/tasks?type=incident
}

// AuditEvent is one event of the audit trail (GET /api/v1/admin/audit).
type AuditEvent struct {
	ID            int64           `json:"id"`
	ApplicationID string          `json:"application_id"`
	Seq           int64           `json:"seq"`
	Action        string          `json:"action"`
	At            time.Time       `json:"at"`
	ActorID       *string         `json:"actor_id,omitempty"`
	ActorRole     string          `json:"actor_role"`
	FromStatus    *string         `json:"from_status,omitempty"`
	ToStatus      *string         `json:"to_status,omitempty"`
	Reason        *string         `json:"reason,omitempty"`
	Details       json.RawMessage `json:"details,omitempty"`
}

// ExamSession is an exam session with its seating and roster state (GET /api/v1/exam-sessions).
type ExamSession struct {
	ID                 string     `json:"id"`
	BatchID            string     `json:"batch_id"`
	Region             string     `json:"region"`
	OccupationCode     string     `json:"occupation_code"`
	Level              int32      `json:"level"`
	StartsAt           time.Time  `json:"starts_at"`
	Venue              string     `json:"venue"`
	Capacity           int32      `json:"capacity"`
	Seated             int32      `json:"seated"`
	RosterDueOn        string     `json:"roster_due_on"`
	RosterDueEstimated bool       `json:"roster_due_estimated"`
	RosterDueNote      string     `json:"roster_due_note,omitempty"`
	RosterSubmittedAt  *time.Time `json:"roster_submitted_at,omitempty"`
	RosterOverdue      bool       `json:"roster_overdue"`
	CreatedAt          time.Time  `json:"created_at"`
}

// LoginRequest is the body of POST /api/v1/auth/login (login: the phone of an applicant, the username of
// staff).
type LoginRequest struct {
	Login    string `json:"login"`
	Password string `json:"password"`
}

// LoginResponse carries the bearer token.
type LoginResponse struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	Role      string    `json:"role"`
	Region    *string   `json:"region"`
	UserID    string    `json:"user_id"`
	Name      string    `json:"name"`
}
