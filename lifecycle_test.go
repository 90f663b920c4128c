package skillcert

import (
	"strings"
	"testing"
)

var allEvents = []Event{
	EventSubmit, EventPreliminaryApprove, EventPreliminaryReject, EventPreliminaryReturn, EventReReviewApprove,
	EventReReviewReject, EventReReviewReturn, EventResubmitPreliminary, EventResubmitReReview,
	EventCorrectionDeadline, EventPaymentConfirmed, EventPaymentDeadline, EventAttended, EventNoShow,
	EventScoresPassed, EventScoresPassedToPanel, EventScoresFailed, EventComprehensivePassed,
	EventComprehensiveFailed, EventWithdraw, EventRevoke,
}

type legalMove struct {
	from  Status
	event Event
	to    Status
}

// legalMoves is DOMAIN.md's "Case lifecycle" diagram, written out independently of lifecycle.go.
func legalMoves() []legalMove {
	moves := []legalMove{
		{StatusDraft, EventSubmit, StatusPreliminaryReview},
		{StatusPreliminaryReview, EventPreliminaryApprove, StatusReReview},
		{StatusPreliminaryReview, EventPreliminaryReject, StatusRejected},
		{StatusPreliminaryReview, EventPreliminaryReturn, StatusCorrectionNeeded},
		{StatusReReview, EventReReviewApprove, StatusAwaitingPayment},
		{StatusReReview, EventReReviewReject, StatusRejected},
		{StatusReReview, EventReReviewReturn, StatusCorrectionNeeded},
		{StatusCorrectionNeeded, EventResubmitPreliminary, StatusPreliminaryReview},
		{StatusCorrectionNeeded, EventResubmitReReview, StatusReReview},
		{StatusCorrectionNeeded, EventCorrectionDeadline, StatusAbandoned},
		{StatusAwaitingPayment, EventPaymentConfirmed, StatusExamScheduled},
		{StatusAwaitingPayment, EventPaymentDeadline, StatusExpired},
		{StatusExamScheduled, EventAttended, StatusScoring},
		{StatusExamScheduled, EventNoShow, StatusAbandoned},
		{StatusScoring, EventScoresPassed, StatusCertified},
		{StatusScoring, EventScoresPassedToPanel, StatusComprehensiveReview},
		{StatusScoring, EventScoresFailed, StatusFailed},
		{StatusComprehensiveReview, EventComprehensivePassed, StatusCertified},
		{StatusComprehensiveReview, EventComprehensiveFailed, StatusFailed},
	}
	// "withdraw ▶ withdrawn (any non-final state)"
	for _, s := range []Status{StatusDraft, StatusPreliminaryReview, StatusCorrectionNeeded, StatusReReview,
		StatusAwaitingPayment, StatusExamScheduled, StatusScoring, StatusComprehensiveReview} {
		moves = append(moves, legalMove{s, EventWithdraw, StatusWithdrawn})
	}
	// "any state, even certified ──fraud found──▶ revoked"
	for _, s := range AllStatuses {
		if s != StatusRevoked {
			moves = append(moves, legalMove{s, EventRevoke, StatusRevoked})
		}
	}
	return moves
}

func TestDomainLegalTransitions(t *testing.T) {
	for _, m := range legalMoves() {
		got, err := Transition(m.from, m.event)
		if err != nil || got != m.to {
			t.Errorf("Transition(%s, %s) = %q, %v; want %s", m.from, m.event, got, err, m.to)
		}
	}
}

// Every (status, event) pair not in the diagram is refused with EINVALID naming both.
func TestDomainIllegalTransitions(t *testing.T) {
	legal := map[[2]string]bool{}
	for _, m := range legalMoves() {
		legal[[2]string{string(m.from), string(m.event)}] = true
	}
	refused := 0
	for _, s := range append(AllStatuses, "", "archived") {
		for _, ev := range append(allEvents, "", "approve") {
			if legal[[2]string{string(s), string(ev)}] {
				continue
			}
			refused++
			got, err := Transition(s, ev)
			e, ok := err.(*Error)
			if !ok || e.Code != EINVALID || got != "" {
				t.Errorf("Transition(%q, %q) = %q, %v; want EINVALID", s, ev, got, err)
				continue
			}
			if e.Extra["status"] != string(s) || e.Extra["event"] != string(ev) || !strings.Contains(e.Message, string(ev)) {
				t.Errorf("Transition(%q, %q) error does not name both: %+v", s, ev, e)
			}
		}
	}
	if refused < 300 {
		t.Errorf("only %d illegal pairs checked", refused)
	}
}

func TestNamedIllegalTransitions(t *testing.T) {
	tests := []struct {
		name  string
		from  Status
		event Event
	}{
		{"a draft cannot be paid", StatusDraft, EventPaymentConfirmed},
		{"a draft skips no review", StatusDraft, EventPreliminaryApprove},
		{"初审 cannot approve the 复审", StatusPreliminaryReview, EventReReviewApprove},
		{"a certified case cannot be withdrawn", StatusCertified, EventWithdraw},
		{"a revoked case cannot be revoked again", StatusRevoked, EventRevoke},
		{"an expired case cannot be paid", StatusExpired, EventPaymentConfirmed},
		{"a rejected case cannot be resubmitted", StatusRejected, EventResubmitPreliminary},
		{"a withdrawn case cannot be withdrawn again", StatusWithdrawn, EventWithdraw},
		{"no comprehensive review before scoring", StatusExamScheduled, EventComprehensivePassed},
		{"no attendance before payment", StatusAwaitingPayment, EventAttended},
		{"no payment deadline after payment", StatusExamScheduled, EventPaymentDeadline},
		{"a failed case cannot pass", StatusFailed, EventScoresPassed},
	}
	for _, tt := range tests {
		if _, err := Transition(tt.from, tt.event); ErrorCode(err) != EINVALID {
			t.Errorf("%s: Transition(%s, %s) error = %v", tt.name, tt.from, tt.event, err)
		}
	}
}

func TestStatusFinalAndLabels(t *testing.T) {
	final := map[Status]bool{StatusCertified: true, StatusFailed: true, StatusRejected: true, StatusExpired: true,
		StatusWithdrawn: true, StatusAbandoned: true, StatusRevoked: true}
	if len(AllStatuses) != 15 {
		t.Errorf("%d statuses, API.md lists 15", len(AllStatuses))
	}
	for _, s := range AllStatuses {
		if s.Final() != final[s] {
			t.Errorf("%s.Final() = %v", s, s.Final())
		}
		if !s.Valid() || s.Label() == "" {
			t.Errorf("%s invalid or unlabelled", s)
		}
	}
	if Status("archived").Valid() {
		t.Error("unknown status valid")
	}
}
