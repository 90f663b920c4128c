package client

import (
	"context"
	"net/http"
	"net/url"

	"skillcert/api"
)

// p joins path segments, escaping each argument: p("/api/v1/tasks/", id, "/claim").
func p(prefix string, parts ...string) string {
	out := prefix
	for i, s := range parts {
		if i%2 == 0 {
			out += url.PathEscape(s)
		} else {
			out += s
		}
	}
	return out
}

// Register creates an applicant account (POST /api/v1/auth/register).
func (c *Client) Register(ctx context.Context, req api.RegisterRequest) (api.UserIDResponse, error) {
	var out api.UserIDResponse
	return out, c.Do(ctx, http.MethodPost, "/api/v1/auth/register", req, &out)
}

// Logout revokes the client's token (POST /api/v1/auth/logout).
func (c *Client) Logout(ctx context.Context) error {
	return c.Do(ctx, http.MethodPost, "/api/v1/auth/logout", nil, nil)
}

// ChangePassword changes the signed-in user's password, which revokes all their tokens.
func (c *Client) ChangePassword(ctx context.Context, current, next string) error {
	return c.Do(ctx, http.MethodPost, "/api/v1/auth/password",
		api.ChangePasswordRequest{CurrentPassword: current, NewPassword: next}, nil)
}

// Me returns the signed-in user (GET /api/v1/auth/me).
func (c *Client) Me(ctx context.Context) (api.Me, error) {
	var out api.Me
	return out, c.Do(ctx, http.MethodGet, "/api/v1/auth/me", nil, &out)
}

// CreateUser creates a staff account (admin; POST /api/v1/admin/users).
func (c *Client) CreateUser(ctx context.Context, req api.CreateUserRequest) (api.UserIDResponse, error) {
	var out api.UserIDResponse
	return out, c.Do(ctx, http.MethodPost, "/api/v1/admin/users", req, &out)
}

// StaffUsers lists the staff accounts (admin; GET /api/v1/admin/users).
func (c *Client) StaffUsers(ctx context.Context) ([]api.StaffUser, error) {
	var out []api.StaffUser
	return out, c.Do(ctx, http.MethodGet, "/api/v1/admin/users", nil, &out)
}

// Notifications reads the signed-in user's latest notifications (GET /api/v1/notifications).
func (c *Client) Notifications(ctx context.Context) ([]api.Notification, error) {
	var out []api.Notification
	return out, c.Do(ctx, http.MethodGet, "/api/v1/notifications", nil, &out)
}

// ReportIdentityDispute reports that someone else registered the reporter's ID number.
func (c *Client) ReportIdentityDispute(ctx context.Context, req api.DisputeReportRequest) (api.DisputeReportResponse, error) {
	var out api.DisputeReportResponse
	return out, c.Do(ctx, http.MethodPost, "/api/v1/auth/register/report", req, &out)
}

// IdentityDisputes reads a page of identity disputes (admin).
func (c *Client) IdentityDisputes(ctx context.Context, status string, pg Paging) (api.Page[api.Dispute], error) {
	return list[api.Dispute](ctx, c, "/api/v1/admin/identity-disputes"+query(pg, "status", status))
}

// ResolveIdentityDispute decides an identity dispute (admin).
func (c *Client) ResolveIdentityDispute(ctx context.Context, id string, req api.DisputeResolveRequest) (api.DisputeReportResponse, error) {
	var out api.DisputeReportResponse
	return out, c.Do(ctx, http.MethodPost, p("/api/v1/admin/identity-disputes/", id, "/resolve"), req, &out)
}
