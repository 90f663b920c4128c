package api

import "skillcert"

// AssignTaskRequest is the body of POST /api/v1/tasks/{id}/assign.
type AssignTaskRequest struct {
	UserID string `json:"user_id"`
}

// DocumentVerdict is a reviewer's verdict on one document: ok, or bad with a reason.
type DocumentVerdict struct {
	DocType string `json:"doc_type"`
	Verdict string `json:"verdict"`
	Reason  string `json:"reason,omitempty"`
}

// CompleteTaskRequest is the body of POST /api/v1/tasks/{id}/complete: decision approve, reject or return
// (retry or abandon for an incident), with per-document verdicts for reviews.
type CompleteTaskRequest struct {
	Decision  string            `json:"decision"`
	Reason    string            `json:"reason"`
	Documents []DocumentVerdict `json:"documents,omitempty"`
}

// CompleteTaskResponse names the application's status after a completed task.
type CompleteTaskResponse struct {
	ApplicationID string `json:"application_id"`
	TaskID        string `json:"task_id"`
	Status        string `json:"status"`
	StatusLabel   string `json:"status_label"`
}

// CreateExamSessionRequest is the body of POST /api/v1/exam-sessions; starts_at is RFC 3339.
type CreateExamSessionRequest struct {
	BatchID        string `json:"batch_id"`
	Region         string `json:"region"`
	OccupationCode string `json:"occupation_code"`
	Level          int    `json:"level"`
	StartsAt       string `json:"starts_at"`
	Venue          string `json:"venue"`
	Capacity       int    `json:"capacity"`
}

// Seat is an application's seat in an exam session.
type Seat struct {
	ApplicationID string `json:"application_id"`
	Seat          int32  `json:"seat"`
}

// SkippedSeat is a paid application the seating left out, and why.
type SkippedSeat struct {
	ApplicationID string `json:"application_id"`
	Reason        string `json:"reason"`
}

// SeatAssignment answers POST /api/v1/exam-sessions/{id}/assign.
type SeatAssignment struct {
	SessionID string        `json:"session_id"`
	Assigned  int           `json:"assigned"`
	Seats     []Seat        `json:"seats"`
	Skipped   []SkippedSeat `json:"skipped"`
	Seated    int32         `json:"seated"`
	Capacity  int32         `json:"capacity"`
}

// AttendanceRequest is the body of POST /api/v1/exam-sessions/{id}/attendance (present is required).
type AttendanceRequest struct {
	ApplicationID string `json:"application_id"`
	Present       *bool  `json:"present"`
}

// ScoreRequest is the body of POST /api/v1/applications/{id}/scores: component theory or skill, and a
// score 0–100 with at most one decimal (a JSON number or string).
type ScoreRequest struct {
	Component string `json:"component"`
	Score     any    `json:"score"`
}

// ScoreResponse says where a score entry stands (state: waiting for the second entry, confirmed,
// mismatch) and the application's status.
type ScoreResponse struct {
	ApplicationID string `json:"application_id"`
	Component     string `json:"component"`
	State         string `json:"state"`
	Status        string `json:"status"`
	StatusLabel   string `json:"status_label"`
}

// ImportRowResult is the outcome of one row of a score import.
type ImportRowResult struct {
	Row           int              `json:"row"`
	ApplicationID string           `json:"application_id"`
	Component     string           `json:"component"`
	Score         *skillcert.Score `json:"score,omitempty"`
	Applied       bool             `json:"applied"`
	State         string           `json:"state,omitempty"`
	StateLabel    string           `json:"state_label,omitempty"`
	Status        string           `json:"status,omitempty"`
	ErrorCode     string           `json:"error_code,omitempty"`
	Error         string           `json:"error,omitempty"`
}

// ImportRowError is a row of a score import file that is invalid, with the reason per column.
type ImportRowError struct {
	Row           int               `json:"row"`
	ApplicationID string            `json:"application_id,omitempty"`
	Errors        map[string]string `json:"errors"`
}

// ImportResponse answers POST /api/v1/scores/import.
type ImportResponse struct {
	ImportID string            `json:"import_id"`
	Format   string            `json:"format"`
	Rows     int               `json:"rows"`
	Applied  int               `json:"applied"`
	Failed   int               `json:"failed"`
	Results  []ImportRowResult `json:"results"`
}

// EvaluationRequest is the body of POST /api/v1/applications/{id}/evaluations: a committee member's score
// (0–100, one decimal) and comment.
type EvaluationRequest struct {
	Score   any    `json:"score"`
	Comment string `json:"comment"`
}

// EvaluationResponse says how far the panel is after an evaluation.
type EvaluationResponse struct {
	ApplicationID string `json:"application_id"`
	PanelCount    int    `json:"panel_count"`
	PanelSize     int    `json:"panel_size"`
	Status        string `json:"status"`
	StatusLabel   string `json:"status_label"`
}
