package skillcert

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
)

// TaskStatus is where a task stands.
type TaskStatus string

// Task statuses: open and claimed tasks are in the inboxes; completed and cancelled ones are history.
const (
	TaskOpen      TaskStatus = "open"
	TaskClaimed   TaskStatus = "claimed"
	TaskCompleted TaskStatus = "completed"
	TaskCancelled TaskStatus = "cancelled"
)

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

// Verdict is a reviewer's verdict on one document.
type Verdict string

// Verdicts.
const (
	VerdictOK  Verdict = "ok"
	VerdictBad Verdict = "bad"
)
