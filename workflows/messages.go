package workflows

import (
	"time"

	"skillcert"
)

// TaskQueue is the task queue the worker polls for application workflows and their activities.
const TaskQueue = "skillcert-applications"

// WorkflowID is the ID of the workflow of one application. Application IDs are random UUIDs, so the
// workflow ID carries no personal data.
func WorkflowID(applicationID string) string { return "application-" + applicationID }

// Names of the workflow's Updates (human decisions and other writes that need an answer).
const (
	UpdateCreated            = "created"              // with UpdateWithStart: returns once the draft is projected
	UpdateAttachDocument     = "attach_document"      // an uploaded document is complete: inspect and attach it
	UpdateSubmit             = "submit"               // the applicant submits (or resubmits after correction)
	UpdateWithdraw           = "withdraw"             // the applicant withdraws
	UpdateCompleteTask       = "complete_task"        // a reviewer decides a review task
	UpdateCreatePaymentOrder = "create_payment_order" // the applicant asks to pay
	UpdateConfirmPayment     = "confirm_payment"      // the payment platform's signed callback
	UpdateAssignExam         = "assign_exam"          // a provincial reviewer seats the applicant in an exam session
	UpdateRecordAttendance   = "record_attendance"    // a city reviewer records presence or absence
	UpdateEnterScore         = "enter_score"          // a score operator enters or confirms a score
	UpdateEvaluate           = "evaluate"             // a committee member scores the 综合评审
	UpdateRevoke             = "revoke"               // fraud found: cancel qualification, scores, certificate
)

// SignalBatchChanged tells a running application that its batch's windows changed; its timers are re-armed.
const SignalBatchChanged = "batch_windows_changed"

// QueryState returns the workflow's State (for admins and tests; hot paths read the projection).
const QueryState = "state"

// Search attributes kept current by the workflow. They never carry personal data.
const (
	SearchStatus     = "SkillcertStatus"
	SearchRegion     = "SkillcertRegion"
	SearchBatch      = "SkillcertBatch"
	SearchOccupation = "SkillcertOccupation"
	SearchLevel      = "SkillcertLevel"
)

// Actor is who does something to an application, as authenticated by the gateway.
type Actor struct {
	UserID   string         `json:"user_id,omitempty"`
	Role     skillcert.Role `json:"role"`
	Region   string         `json:"region,omitempty"`
	Employer string         `json:"employer,omitempty"`
}

// BatchWindows are the dates of a batch that the workflow's timers follow.
type BatchWindows struct {
	BatchID              string    `json:"batch_id"`
	RegistrationClosesAt time.Time `json:"registration_closes_at"`
	PaymentOpensAt       time.Time `json:"payment_opens_at"`
	PaymentClosesAt      time.Time `json:"payment_closes_at"`
	ExamStartsAt         time.Time `json:"exam_starts_at"`
}

// Policy holds the configurable rules the notice leaves open.
type Policy struct {
	CorrectionWorkdays    int           `json:"correction_workdays"`     // 退回补正 deadline, working days
	ScoreDueWorkdays      int           `json:"score_due_workdays"`      // skill scores due after the exam
	PanelSize             int           `json:"panel_size"`              // committee members whose mean decides
	PaymentReminderBefore time.Duration `json:"payment_reminder_before"` // reminder ahead of the payment and the correction deadlines
	SiteCode              string        `json:"site_code"`               // 6-digit site code in certificate numbers
}

// DefaultPolicy is the policy used when the deployment configures none.
func DefaultPolicy() Policy {
	return Policy{CorrectionWorkdays: 5, ScoreDueWorkdays: 10, PanelSize: 3, PaymentReminderBefore: 24 * time.Hour, SiteCode: "000001"}
}

// ApplicationInput starts ApplicationWorkflow. It is validated by the gateway and checked again by the workflow.
type ApplicationInput struct {
	ApplicationID       string                         `json:"application_id"`
	ApplicantID         string                         `json:"applicant_id"`
	Batch               BatchWindows                   `json:"batch"`
	Region              string                         `json:"region"`
	Employer            string                         `json:"employer"`
	EmployerType        skillcert.EmployerType         `json:"employer_type"`
	OccupationCode      string                         `json:"occupation_code"`
	OccupationName      string                         `json:"occupation_name"`
	Conditions          string                         `json:"conditions"`        // the occupation's rule set
	OccupationLevels    []skillcert.Level              `json:"occupation_levels"` // levels the occupation offers
	Level               skillcert.Level                `json:"level"`
	Pathway             skillcert.Pathway              `json:"pathway"`
	Education           skillcert.Education            `json:"education"`
	OccupationStartedOn skillcert.Date                 `json:"occupation_started_on"`
	PreviousCertificate *skillcert.PreviousCertificate `json:"previous_certificate,omitempty"`
	Title               *skillcert.Title               `json:"title,omitempty"`
	Veteran             *skillcert.Veteran             `json:"veteran,omitempty"`
	Checklist           []skillcert.DocRule            `json:"checklist"`
	FeeFen              int64                          `json:"fee_fen"`
	Policy              Policy                         `json:"policy"`
	Actor               Actor                          `json:"actor"`
}

// Result is what most updates return: the status after the update and the transition sequence number
// whose projection write has completed (the gateway then reads the projection).
type Result struct {
	Status skillcert.Status `json:"status"`
	Seq    int64            `json:"seq"`
}

// AttachDocumentRequest attaches an uploaded object to the application after inspecting it.
type AttachDocumentRequest struct {
	DocumentID string            `json:"document_id"`
	DocType    skillcert.DocType `json:"doc_type"`
	ObjectKey  string            `json:"object_key"`
	Actor      Actor             `json:"actor"`
}

// AttachDocumentResult is the inspection verdict.
type AttachDocumentResult struct {
	DocumentID string           `json:"document_id"`
	Accepted   bool             `json:"accepted"`
	Code       string           `json:"code,omitempty"`   // skillcert.EUNSUPPORTED or EINVALID when refused
	Reason     string           `json:"reason,omitempty"` // Chinese, when refused
	Kind       string           `json:"kind,omitempty"`
	Size       int64            `json:"size"`
	SHA256     string           `json:"sha256,omitempty"`
	TextChars  int              `json:"text_chars,omitempty"`
	Status     skillcert.Status `json:"status"`
}

// ActorRequest carries only the actor and a reason (submit, withdraw, create payment order, revoke).
type ActorRequest struct {
	Actor  Actor  `json:"actor"`
	Reason string `json:"reason,omitempty"`
}

// DocumentVerdict is a reviewer's verdict on one document.
type DocumentVerdict struct {
	DocType skillcert.DocType `json:"doc_type"`
	Verdict skillcert.Verdict `json:"verdict"`
	Reason  string            `json:"reason,omitempty"`
}

// CompleteTaskRequest decides a review task.
type CompleteTaskRequest struct {
	TaskID    string             `json:"task_id"`
	Decision  skillcert.Decision `json:"decision"`
	Reason    string             `json:"reason"`
	Documents []DocumentVerdict  `json:"documents,omitempty"`
	Actor     Actor              `json:"actor"`
}

// PaymentOrder is the open payment order of an application.
type PaymentOrder struct {
	OrderID   string    `json:"order_id"`
	AmountFen int64     `json:"amount_fen"`
	DueAt     time.Time `json:"due_at"`
}

// ConfirmPaymentRequest is the payment platform's callback, already authenticated by its signature.
type ConfirmPaymentRequest struct {
	OrderID       string    `json:"order_id"`
	TransactionID string    `json:"transaction_id"`
	AmountFen     int64     `json:"amount_fen"`
	PaidAt        time.Time `json:"paid_at"`
}

// ConfirmPaymentResult says whether the payment moved the application or was a repeat.
type ConfirmPaymentResult struct {
	Status    skillcert.Status `json:"status"`
	Duplicate bool             `json:"duplicate"`
}

// AssignExamRequest seats the applicant in an exam session.
type AssignExamRequest struct {
	SessionID string    `json:"session_id"`
	Seat      int       `json:"seat"`
	Venue     string    `json:"venue"`
	StartsAt  time.Time `json:"starts_at"`
	Actor     Actor     `json:"actor"`
}

// AttendanceRequest records presence at the exam.
type AttendanceRequest struct {
	Present bool  `json:"present"`
	Actor   Actor `json:"actor"`
}

// EnterScoreRequest is one operator's entry of a theory or skill score.
type EnterScoreRequest struct {
	Component skillcert.Component `json:"component"`
	Score     skillcert.Score     `json:"score"`
	Actor     Actor               `json:"actor"`
}

// Score entry outcomes.
const (
	ScoreAwaitingConfirmation = "awaiting_confirmation" // first entry recorded; a second operator must confirm
	ScoreConfirmed            = "confirmed"             // two operators agreed
	ScoreMismatch             = "mismatch"              // they disagreed: both entries discarded, entry reopened
)

// EnterScoreResult is the state of that component after the entry.
type EnterScoreResult struct {
	Component skillcert.Component `json:"component"`
	State     string              `json:"state"`
	Status    skillcert.Status    `json:"status"`
}

// EvaluateRequest is one committee member's 综合评审 score.
type EvaluateRequest struct {
	Score   skillcert.Score `json:"score"`
	Comment string          `json:"comment"`
	Actor   Actor           `json:"actor"`
}

// EvaluateResult tells how far the panel is.
type EvaluateResult struct {
	PanelCount int              `json:"panel_count"`
	PanelSize  int              `json:"panel_size"`
	Status     skillcert.Status `json:"status"`
}
