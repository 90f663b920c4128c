package api

import "time"

// RegisterRequest is the body of POST /api/v1/auth/register (注册): the applicant's phone, password, name
// and 身份证号.
type RegisterRequest struct {
	Phone    string `json:"phone"`
	Password string `json:"password"`
	Name     string `json:"name"`
	IDNumber string `json:"id_number"`
}

// UserIDResponse names the account a request created (register, POST /api/v1/admin/users).
type UserIDResponse struct {
	UserID string `json:"user_id"`
}

// Me is the signed-in user (GET /api/v1/auth/me): applicants see their phone and masked ID number, staff
// their username and employer.
type Me struct {
	UserID         string  `json:"user_id"`
	Role           string  `json:"role"`
	Region         *string `json:"region"`
	Name           string  `json:"name"`
	Phone          *string `json:"phone,omitempty"`
	Username       *string `json:"username,omitempty"`
	Employer       *string `json:"employer,omitempty"`
	IDNumberMasked *string `json:"id_number_masked,omitempty"`
}

// CreateUserRequest is the body of POST /api/v1/admin/users: a staff account (region required for
// city_reviewer, optional for supervisor).
type CreateUserRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Region   string `json:"region"`
	Employer string `json:"employer"`
}

// StaffUser is one staff account (GET /api/v1/admin/users).
type StaffUser struct {
	UserID    string    `json:"user_id"`
	Username  *string   `json:"username"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	Region    *string   `json:"region"`
	Employer  *string   `json:"employer"`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
}

// ChangePasswordRequest is the body of a password change; it revokes all the user's tokens.
type ChangePasswordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// DisputeReportRequest reports that someone else registered the reporter's ID number (身份冒用): the
// reporter's own registration data and a statement.
type DisputeReportRequest struct {
	RegisterRequest
	Statement string `json:"statement"`
}

// DisputeReportResponse acknowledges an identity dispute report.
type DisputeReportResponse struct {
	ReportID string `json:"report_id"`
	Status   string `json:"status"`
}

// Dispute is an identity dispute as admins see it (GET /api/v1/admin/identity-disputes).
type Dispute struct {
	ID                    string     `json:"id"`
	Status                string     `json:"status"`
	AccountID             string     `json:"account_id"`
	AccountName           string     `json:"account_name"`
	AccountPhone          *string    `json:"account_phone,omitempty"`
	AccountIDNumberMasked *string    `json:"account_id_number_masked,omitempty"`
	ReporterName          string     `json:"reporter_name"`
	ReporterPhone         string     `json:"reporter_phone"`
	Statement             string     `json:"statement"`
	IdentityCheck         *string    `json:"identity_check,omitempty"`
	ResolutionReason      *string    `json:"resolution_reason,omitempty"`
	ResolvedBy            *string    `json:"resolved_by,omitempty"`
	ResolvedAt            *time.Time `json:"resolved_at,omitempty"`
	CreatedAt             time.Time  `json:"created_at"`
}

// DisputeResolveRequest resolves an identity dispute: decision reassign or reject.
type DisputeResolveRequest struct {
	Decision      string `json:"decision"`
	IdentityCheck string `json:"identity_check"`
	Reason        string `json:"reason"`
}

// Notification is one message to the signed-in user, with when it was delivered.
type Notification struct {
	ID        int64      `json:"id"`
	Kind      string     `json:"kind"`
	Message   string     `json:"message"`
	CreatedAt time.Time  `json:"created_at"`
	SentAt    *time.Time `json:"sent_at,omitempty"`
}

// NotificationSettings is where notifications go besides the inbox (null e-mail: none).
type NotificationSettings struct {
	Email *string `json:"email"`
}
