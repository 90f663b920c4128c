package gateway

import "skillcert/api"

// The gateway answers with the types of package api, which clients decode into; these are their short
// names here.
type (
	errorBody            = api.ErrorBody
	apiError             = api.Error
	page[T any]          = api.Page[T]
	taskView             = api.Task
	adminApplicationView = api.AdminApplication
	auditEventView       = api.AuditEvent
	examSessionView      = api.ExamSession
	loginRequest         = api.LoginRequest
	loginResponse        = api.LoginResponse

	registerRequest       = api.RegisterRequest
	userIDResponse        = api.UserIDResponse
	meResponse            = api.Me
	createUserRequest     = api.CreateUserRequest
	staffUser             = api.StaffUser
	changePasswordRequest = api.ChangePasswordRequest
	disputeReportRequest  = api.DisputeReportRequest
	disputeReportResponse = api.DisputeReportResponse
	disputeView           = api.Dispute
	disputeResolveRequest = api.DisputeResolveRequest
	notificationView      = api.Notification
	notificationSettings  = api.NotificationSettings

	createApplicationRequest = api.CreateApplicationRequest
	reasonRequest            = api.ReasonRequest
	applicationView          = api.Application
	historyEntry             = api.HistoryEntry
	statusResponse           = api.StatusResponse
	uploadRequest            = api.UploadRequest
	upload                   = api.Upload
	uploadResponse           = api.UploadGrant
	completeResponse         = api.DocumentAccepted
	eligibilityView          = api.Eligibility
	paymentOrderResponse     = api.PaymentOrder
	paymentCallback          = api.PaymentCallback
	paymentCallbackResponse  = api.PaymentCallbackResponse

	assignTaskRequest        = api.AssignTaskRequest
	completeTaskRequest      = api.CompleteTaskRequest
	completeTaskResponse     = api.CompleteTaskResponse
	createExamSessionRequest = api.CreateExamSessionRequest
	seatView                 = api.Seat
	skippedSeat              = api.SkippedSeat
	assignResponse           = api.SeatAssignment
	attendanceRequest        = api.AttendanceRequest
	scoreRequest             = api.ScoreRequest
	scoreResponse            = api.ScoreResponse
	importRowError           = api.ImportRowError
	importRowResult          = api.ImportRowResult
	importResponse           = api.ImportResponse
	evaluationRequest        = api.EvaluationRequest
	evaluationResponse       = api.EvaluationResponse

	revokeRequest      = api.RevokeRequest
	revokeResponse     = api.RevokeResponse
	statsRow           = api.StatsRow
	statsResponse      = api.Stats
	historyResponse    = api.WorkflowHistory
	occupationView     = api.Occupation
	batchView          = api.Batch
	batchRequest       = api.BatchRequest
	patchBatchResponse = api.PatchedBatch
	certificateView    = api.Certificate
	healthBody         = api.Health
	readyBody          = api.Health
)
