package skillcert

import "fmt"

// Status is where an application stands in its lifecycle (DOMAIN.md, "Case lifecycle").
type Status string

// The statuses of an application, as in API.md.
const (
	StatusDraft               Status = "draft"
	StatusPreliminaryReview   Status = "preliminary_review"
	StatusCorrectionNeeded    Status = "correction_needed"
	StatusReReview            Status = "re_review"
	StatusAwaitingPayment     Status = "awaiting_payment"
	StatusExamScheduled       Status = "exam_scheduled"
	StatusScoring             Status = "scoring"
	StatusComprehensiveReview Status = "comprehensive_review"
	StatusCertified           Status = "certified"
	StatusFailed              Status = "failed"
	StatusRejected            Status = "rejected"
	StatusExpired             Status = "expired"
	StatusWithdrawn           Status = "withdrawn"
	StatusAbandoned           Status = "abandoned"
	StatusRevoked             Status = "revoked"
)

// AllStatuses lists every status in lifecycle order.
var AllStatuses = []Status{
	StatusDraft, StatusPreliminaryReview, StatusCorrectionNeeded, StatusReReview, StatusAwaitingPayment,
	StatusExamScheduled, StatusScoring, StatusComprehensiveReview, StatusCertified, StatusFailed,
	StatusRejected, StatusExpired, StatusWithdrawn, StatusAbandoned, StatusRevoked,
}

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool {
	for _, v := range AllStatuses {
		if v == s {
			return true
		}
	}
	return false
}

// Final reports whether nothing but revocation can follow s. Certified is final, yet may still be revoked.
func (s Status) Final() bool {
	switch s {
	case StatusCertified, StatusFailed, StatusRejected, StatusExpired, StatusWithdrawn, StatusAbandoned, StatusRevoked:
		return true
	}
	return false
}

// String returns the status code.
func (s Status) String() string { return string(s) }

// Label is the Chinese name of s, for applicants.
func (s Status) Label() string {
	return statusLabels[s]
}

var statusLabels = map[Status]string{
	StatusDraft: "草稿", StatusPreliminaryReview: "资格初审中", StatusCorrectionNeeded: "退回补正",
	StatusReReview: "资格复审中", StatusAwaitingPayment: "待缴费", StatusExamScheduled: "待考试",
	StatusScoring: "成绩评定中", StatusComprehensiveReview: "综合评审中", StatusCertified: "已发证",
	StatusFailed: "未通过", StatusRejected: "审核未通过", StatusExpired: "逾期未缴费", StatusWithdrawn: "已撤回",
	StatusAbandoned: "视为自动放弃", StatusRevoked: "已取消资格",
}

// Event is something that moves an application from one status to another.
type Event string

// The events of the lifecycle.
const (
	EventSubmit              Event = "submit"                  // applicant submits the draft
	EventPreliminaryApprove  Event = "preliminary_approve"     // 初审 passed
	EventPreliminaryReject   Event = "preliminary_reject"      // 初审 refused
	EventPreliminaryReturn   Event = "preliminary_return"      // 初审 returned for correction
	EventReReviewApprove     Event = "re_review_approve"       // 复审 passed
	EventReReviewReject      Event = "re_review_reject"        // 复审 refused
	EventReReviewReturn      Event = "re_review_return"        // 复审 returned for correction
	EventResubmitPreliminary Event = "resubmit_to_preliminary" // corrected, back to the 初审 reviewer
	EventResubmitReReview    Event = "resubmit_to_re_review"   // corrected, back to the 复审 reviewer
	EventCorrectionDeadline  Event = "correction_deadline"     // correction not made in time
	EventPaymentConfirmed    Event = "payment_confirmed"       // the payment platform confirmed the fee
	EventPaymentDeadline     Event = "payment_deadline"        // the payment window closed unpaid
	EventAttended            Event = "attended"                // present at the exam
	EventNoShow              Event = "no_show"                 // absent: 视为自动放弃
	EventScoresPassed        Event = "scores_passed"           // theory and skill passed, no committee needed
	EventScoresPassedToPanel Event = "scores_passed_to_panel"  // theory and skill passed, 技师/高级技师
	EventScoresFailed        Event = "scores_failed"           // theory or skill below 60
	EventComprehensivePassed Event = "comprehensive_passed"    // committee mean ≥ 60
	EventComprehensiveFailed Event = "comprehensive_failed"    // committee mean < 60
	EventWithdraw            Event = "withdraw"                // applicant withdraws
	EventRevoke              Event = "revoke"                  // fraud found
)

type move struct {
	from  Status
	event Event
}

// transitions is the one table of legal moves; the workflow and the tests both use it.
var transitions = map[move]Status{
	{StatusDraft, EventSubmit}:                            StatusPreliminaryReview,
	{StatusPreliminaryReview, EventPreliminaryApprove}:    StatusReReview,
	{StatusPreliminaryReview, EventPreliminaryReject}:     StatusRejected,
	{StatusPreliminaryReview, EventPreliminaryReturn}:     StatusCorrectionNeeded,
	{StatusReReview, EventReReviewApprove}:                StatusAwaitingPayment,
	{StatusReReview, EventReReviewReject}:                 StatusRejected,
	{StatusReReview, EventReReviewReturn}:                 StatusCorrectionNeeded,
	{StatusCorrectionNeeded, EventResubmitPreliminary}:    StatusPreliminaryReview,
	{StatusCorrectionNeeded, EventResubmitReReview}:       StatusReReview,
	{StatusCorrectionNeeded, EventCorrectionDeadline}:     StatusAbandoned,
	{StatusAwaitingPayment, EventPaymentConfirmed}:        StatusExamScheduled,
	{StatusAwaitingPayment, EventPaymentDeadline}:         StatusExpired,
	{StatusExamScheduled, EventAttended}:                  StatusScoring,
	{StatusExamScheduled, EventNoShow}:                    StatusAbandoned,
	{StatusScoring, EventScoresPassed}:                    StatusCertified,
	{StatusScoring, EventScoresPassedToPanel}:             StatusComprehensiveReview,
	{StatusScoring, EventScoresFailed}:                    StatusFailed,
	{StatusComprehensiveReview, EventComprehensivePassed}: StatusCertified,
	{StatusComprehensiveReview, EventComprehensiveFailed}: StatusFailed,
}

// Transition returns the status that event leads to from from, or an EINVALID error naming both when the
// move is not legal. Withdrawal is legal from every non-final status; revocation from every status but
// revoked itself (DOMAIN.md: "any state, even certified").
func Transition(from Status, event Event) (Status, error) {
	switch event {
	case EventWithdraw:
		if from.Valid() && !from.Final() {
			return StatusWithdrawn, nil
		}
	case EventRevoke:
		if from.Valid() && from != StatusRevoked {
			return StatusRevoked, nil
		}
	default:
		if to, ok := transitions[move{from, event}]; ok {
			return to, nil
		}
	}
	return "", &Error{Code: EINVALID, Message: fmt.Sprintf("当前状态「%s」(%s) 不允许操作 %s", from.Label(), from, event),
		Extra: map[string]any{"status": string(from), "event": string(event)}}
}
