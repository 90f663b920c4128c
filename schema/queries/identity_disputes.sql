-- The identity_disputes table: reports that an account was registered with someone else's ID number.

-- name: CreateIdentityDispute :one
INSERT INTO identity_disputes (id, account_id, reporter_name, reporter_phone, reporter_password_hash, statement)
VALUES (@id, @account_id, @reporter_name, @reporter_phone, @reporter_password_hash, @statement)
ON CONFLICT (account_id, reporter_phone) WHERE status = 'open' DO NOTHING
RETURNING id;

-- name: FindOpenIdentityDispute :one
SELECT id FROM identity_disputes WHERE account_id = @account_id AND reporter_phone = @reporter_phone AND status = 'open';

-- name: ListIdentityDisputes :many
SELECT d.id, d.account_id, d.reporter_name, d.reporter_phone, d.statement, d.status, d.identity_check,
       d.resolution_reason, d.resolved_by, d.resolved_at, d.created_at, u.name AS account_name,
       u.phone AS account_phone, u.id_number_masked
FROM identity_disputes d JOIN users u ON u.id = d.account_id
WHERE (sqlc.narg(status)::text IS NULL OR d.status = sqlc.narg(status)::text)
  AND (sqlc.narg(after_at)::timestamptz IS NULL
       OR (d.created_at, d.id) > (sqlc.narg(after_at)::timestamptz, sqlc.narg(after_id)::uuid))
ORDER BY d.created_at, d.id
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: LockIdentityDispute :one
SELECT d.*, u.name AS previous_name FROM identity_disputes d JOIN users u ON u.id = d.account_id
WHERE d.id = @id FOR UPDATE OF d;

-- name: ResolveIdentityDispute :exec
UPDATE identity_disputes SET status = @status, identity_check = @identity_check, resolution_reason = @reason,
    resolved_by = @resolved_by, resolved_at = @at
WHERE id = @id AND status = 'open';

-- name: RejectOtherIdentityDisputes :exec
-- Once the account is reassigned, the other open reports about it are closed.
UPDATE identity_disputes SET status = 'rejected', resolution_reason = @reason, resolved_by = @resolved_by, resolved_at = @at
WHERE account_id = @account_id AND status = 'open' AND id <> @id;
