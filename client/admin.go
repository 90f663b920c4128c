package client

import (
	"context"
	"net/http"
	"strings"

	"skillcert/api"
)

// Revoke revokes an application's certificate for fraud (admin).
func (c *Client) Revoke(ctx context.Context, applicationID, reason string) (api.RevokeResponse, error) {
	var out api.RevokeResponse
	return out, c.Do(ctx, http.MethodPost, p("/api/v1/admin/applications/", applicationID, "/revoke"), api.RevokeRequest{Reason: reason}, &out)
}

// WorkflowHistory reads an application's decoded workflow history (authorised admins).
func (c *Client) WorkflowHistory(ctx context.Context, applicationID string) (api.WorkflowHistory, error) {
	var out api.WorkflowHistory
	return out, c.Do(ctx, http.MethodGet, p("/api/v1/admin/applications/", applicationID, "/history"), nil, &out)
}

// Statistics counts applications grouped by the given columns (region, level, status, ...).
func (c *Client) Statistics(ctx context.Context, groupBy ...string) (api.Stats, error) {
	var out api.Stats
	return out, c.Do(ctx, http.MethodGet, "/api/v1/admin/stats"+query(Paging{}, "group_by", strings.Join(groupBy, ",")), nil, &out)
}

// VerifyAudit checks the audit trail's hash chain (admin, supervisor).
func (c *Client) VerifyAudit(ctx context.Context) (api.AuditVerification, error) {
	var out api.AuditVerification
	return out, c.Do(ctx, http.MethodGet, "/api/v1/admin/audit/verify", nil, &out)
}

// CreateBatch creates a batch with every window (admin).
func (c *Client) CreateBatch(ctx context.Context, req api.BatchRequest) (api.Batch, error) {
	var out api.Batch
	return out, c.Do(ctx, http.MethodPost, "/api/v1/admin/batches", req, &out)
}

// PatchBatch changes a batch's windows; running applications follow (admin).
func (c *Client) PatchBatch(ctx context.Context, id string, req api.BatchRequest) (api.PatchedBatch, error) {
	var out api.PatchedBatch
	return out, c.Do(ctx, http.MethodPatch, p("/api/v1/admin/batches/", id), req, &out)
}
