package activities

import "skillcert/contract"

// The activities' inputs and failure types are those of package contract, which the workflow uses
// without linking this package.
type (
	TaskSpec         = contract.TaskSpec
	ApplicationRow   = contract.ApplicationRow
	Notification     = contract.Notification
	TransitionRecord = contract.TransitionRecord
	IssueInput       = contract.IssueInput
	RevokeInput      = contract.RevokeInput
	InspectInput     = contract.InspectInput
	OrderInput       = contract.OrderInput
	PaymentInput     = contract.PaymentInput
	NotifyInput      = contract.NotifyInput
)

// Error types of non-retryable activity failures, read by the workflow.
const (
	ErrDuplicate = contract.ErrDuplicate
	ErrInvalid   = contract.ErrInvalid
)
