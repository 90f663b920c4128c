package skillcert

import (
	"slices"
	"strings"
)

// The vocabulary of people and tasks (DOMAIN.md, "Actors and roles"; API.md, "Human tasks"). The values
// are the strings of the API, the projection and the workflow's messages.

// Role is what a user may do.
type Role string

// Roles of users; RoleSystem acts for timers and the payment platform.
const (
	RoleApplicant          Role = "applicant"
	RoleCityReviewer       Role = "city_reviewer"
	RoleProvincialReviewer Role = "provincial_reviewer"
	RoleCommitteeMember    Role = "committee_member"
	RoleSupervisor         Role = "supervisor"
	RoleAdmin              Role = "admin"
	RoleSystem             Role = "system"
)

// roleLabels are the roles' Chinese names, as users read them.
var roleLabels = map[Role]string{
	RoleApplicant: "申报人", RoleCityReviewer: "盟市初审员", RoleProvincialReviewer: "就促会复审员",
	RoleCommitteeMember: "评审委员", RoleSupervisor: "监管员", RoleAdmin: "系统管理员", RoleSystem: "系统",
}

// Label is the role's Chinese name (the value itself for an unknown role).
func (r Role) Label() string {
	if l, ok := roleLabels[r]; ok {
		return l
	}
	return string(r)
}

// StaffRoles are the roles an admin may give to a staff account.
var StaffRoles = []Role{RoleCityReviewer, RoleProvincialReviewer, RoleCommitteeMember, RoleSupervisor, RoleAdmin}

// TaskType is the kind of a human task in an inbox.
type TaskType string

// Task types.
const (
	TaskPreliminaryReview   TaskType = "preliminary_review"
	TaskReReview            TaskType = "re_review"
	TaskCorrectionReview    TaskType = "correction_review"
	TaskScoreEntry          TaskType = "score_entry"
	TaskScoreConfirmation   TaskType = "score_confirmation"
	TaskComprehensiveReview TaskType = "comprehensive_review"
	// TaskIncident is the admins' task of a case whose projection write failed past its retry limit.
	TaskIncident TaskType = "incident"
)

// TaskTypes are all task types.
var TaskTypes = []TaskType{TaskPreliminaryReview, TaskReReview, TaskCorrectionReview, TaskScoreEntry,
	TaskScoreConfirmation, TaskComprehensiveReview, TaskIncident}

// ReviewTaskTypes are the task types decided with a Decision (complete_task); score entry, the
// comprehensive review and incidents have their own actions.
var ReviewTaskTypes = []TaskType{TaskPreliminaryReview, TaskReReview, TaskCorrectionReview}

// TaskStatus is where a task stands.
type TaskStatus string

// Task statuses: open and claimed tasks are in the inboxes; completed and cancelled ones are history.
const (
	TaskOpen      TaskStatus = "open"
	TaskClaimed   TaskStatus = "claimed"
	TaskCompleted TaskStatus = "completed"
	TaskCancelled TaskStatus = "cancelled"
)

// TaskStatuses are all task statuses, in the order of a task's life.
var TaskStatuses = []TaskStatus{TaskOpen, TaskClaimed, TaskCompleted, TaskCancelled}

// Active reports whether a task with status s still waits for someone (open or claimed).
func (s TaskStatus) Active() bool { return s == TaskOpen || s == TaskClaimed }

// Valid reports whether s is one of the task statuses.
func (s TaskStatus) Valid() bool { return s.Active() || s == TaskCompleted || s == TaskCancelled }

// Decision is a reviewer's decision on a review task.
type Decision string

// Decisions.
const (
	DecisionApprove Decision = "approve"
	DecisionReject  Decision = "reject"
	DecisionReturn  Decision = "return" // 退回补正: back to the applicant for correction
)

// Decisions are all decisions.
var Decisions = []Decision{DecisionApprove, DecisionReject, DecisionReturn}

// Verdict is a reviewer's verdict on one document.
type Verdict string

// Verdicts.
const (
	VerdictOK  Verdict = "ok"
	VerdictBad Verdict = "bad"
)

// Verdicts are all verdicts.
var Verdicts = []Verdict{VerdictOK, VerdictBad}

// Parsing of input: each function returns s as the type, or an EINVALID *Error naming field with the
// Chinese reason (these are the messages of the API's 422 answers).

// ParseStaffRole returns s as one of StaffRoles.
func ParseStaffRole(field, s string) (Role, error) {
	return parse(field, s, StaffRoles, "角色应为 %s 之一")
}

// ParseTaskStatus returns s as a task status.
func ParseTaskStatus(field, s string) (TaskStatus, error) {
	return parse(field, s, TaskStatuses, "状态应为 %s")
}

// ParseDecision returns s as a Decision.
func ParseDecision(field, s string) (Decision, error) {
	return parse(field, s, Decisions, field+" 只能是 %s")
}

// ParseVerdict returns s as a Verdict.
func ParseVerdict(field, s string) (Verdict, error) {
	return parse(field, s, Verdicts, "verdict 只能是 %s")
}

// parse finds s among values; the refusal lists them in reason (a format with one %s).
func parse[T ~string](field, s string, values []T, reason string) (T, error) {
	if slices.Contains(values, T(s)) {
		return T(s), nil
	}
	return "", FieldError(EINVALID, field, strings.Replace(reason, "%s", alternatives(values), 1))
}

// alternatives lists values as Chinese prose: "a、b 或 c".
func alternatives[T ~string](values []T) string {
	var b strings.Builder
	for i, v := range values {
		switch {
		case i == 0:
		case i == len(values)-1:
			b.WriteString(" 或 ")
		default:
			b.WriteString("、")
		}
		b.WriteString(string(v))
	}
	return b.String()
}
