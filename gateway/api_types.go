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
)
