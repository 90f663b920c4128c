package api

import (
	"encoding/json"
	"time"

	"skillcert"
)

// RevokeRequest is the body of POST /api/v1/admin/applications/{id}/revoke.
type RevokeRequest struct {
	Reason string `json:"reason"`
}

// RevokeResponse names the revoked application's status and certificate.
type RevokeResponse struct {
	StatusResponse
	CertificateNumber string `json:"certificate_number,omitempty"`
}

// StatsRow is one group of GET /api/v1/admin/stats: the grouping values (others omitted) and the count.
type StatsRow struct {
	Region         string `json:"region,omitempty"`
	Level          int32  `json:"level,omitempty"`
	LevelName      string `json:"level_name,omitempty"`
	Status         string `json:"status,omitempty"`
	StatusLabel    string `json:"status_label,omitempty"`
	OccupationCode string `json:"occupation_code,omitempty"`
	BatchID        string `json:"batch_id,omitempty"`
	Count          int64  `json:"count"`
}

// Stats answers GET /api/v1/admin/stats; scope is the region the counts are limited to, if any.
type Stats struct {
	GroupBy []string   `json:"group_by"`
	Scope   string     `json:"scope,omitempty"`
	Rows    []StatsRow `json:"rows"`
	Total   int64      `json:"total"`
}

// WorkflowHistory answers GET /api/v1/admin/applications/{id}/history: the workflow's events, decoded.
type WorkflowHistory struct {
	ApplicationID string            `json:"application_id"`
	WorkflowID    string            `json:"workflow_id"`
	Events        []json.RawMessage `json:"events"`
	Truncated     bool              `json:"truncated,omitempty"`
}

// AuditVerification answers GET /api/v1/admin/audit/verify (first_bad_seq is null when ok).
type AuditVerification = skillcert.AuditVerification

// Occupation is one occupation with the levels it offers (GET /api/v1/occupations).
type Occupation struct {
	Code   string  `json:"code"`
	Name   string  `json:"name"`
	Levels []int32 `json:"levels"`
}

// Batch is a certification batch with its windows (GET /api/v1/batches).
type Batch struct {
	ID                   string    `json:"id"`
	Name                 string    `json:"name"`
	RegistrationOpensAt  time.Time `json:"registration_opens_at"`
	RegistrationClosesAt time.Time `json:"registration_closes_at"`
	PaymentOpensAt       time.Time `json:"payment_opens_at"`
	PaymentClosesAt      time.Time `json:"payment_closes_at"`
	ExamStartsAt         time.Time `json:"exam_starts_at"`
	RegistrationOpen     bool      `json:"registration_open"`
	CreatedAt            time.Time `json:"created_at"`
	UpdatedAt            time.Time `json:"updated_at"`
}

// BatchRequest is the body of POST /api/v1/admin/batches (every field) and PATCH
// /api/v1/admin/batches/{id} (the windows to change); times are RFC 3339.
type BatchRequest struct {
	ID                   *string `json:"id,omitempty"`
	Name                 *string `json:"name,omitempty"`
	RegistrationOpensAt  *string `json:"registration_opens_at,omitempty"`
	RegistrationClosesAt *string `json:"registration_closes_at,omitempty"`
	PaymentOpensAt       *string `json:"payment_opens_at,omitempty"`
	PaymentClosesAt      *string `json:"payment_closes_at,omitempty"`
	ExamStartsAt         *string `json:"exam_starts_at,omitempty"`
}

// PatchedBatch answers PATCH /api/v1/admin/batches/{id}: the batch and how many running applications
// were told of the change.
type PatchedBatch struct {
	Batch
	ApplicationsNotified int `json:"applications_notified"`
}

// Certificate is a certificate as the public registry shows it (GET /api/v1/certificates/{number});
// name_matches answers ?name= and is present only when a name was given.
type Certificate struct {
	Number         string     `json:"number"`
	Status         string     `json:"status"` // "valid" or "revoked"
	NameMasked     string     `json:"name_masked"`
	OccupationCode string     `json:"occupation_code"`
	OccupationName string     `json:"occupation_name"`
	Level          int32      `json:"level"`
	LevelName      string     `json:"level_name"`
	IssuedOn       string     `json:"issued_on"`
	Issuer         string     `json:"issuer"`
	RevokedAt      *time.Time `json:"revoked_at,omitempty"`
	NameMatches    *bool      `json:"name_matches,omitempty"`
}

// Health answers /healthz and /readyz: status ok, or unavailable.
type Health struct {
	Status string `json:"status"`
}
