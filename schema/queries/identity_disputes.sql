-- Reports of a squatted ID number (migration 00031).

-- name: FindAccountByIDHash :one
SELECT id, role, phone, name FROM users WHERE id_number_hash = @id_number_hash;

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

-- name: ReassignAccount :execrows
-- Hands the account to the reporter: their name, phone and password; the previous holder's sign-in ends.
UPDATE users SET name = @name, phone = @phone, password_hash = @password_hash
WHERE id = @id AND role = 'applicant';

-- name: PhoneTaken :one
SELECT EXISTS (SELECT 1 FROM users WHERE phone = @phone AND id <> @except_id);

-- name: LockAccountForAudit :one
-- Locks the account row and returns the sequence number of its next audit event.
SELECT (SELECT coalesce(max(e.seq), 0) + 1 FROM audit_events e WHERE e.application_id = u.id AND e.subject = 'account')::bigint AS next_seq
FROM users u WHERE u.id = @id FOR UPDATE;

-- name: RevokeAccountTokens :exec
-- Raises the account's token version (migration 00021), which refuses every token issued before.
INSERT INTO token_versions (user_id, version) VALUES (@user_id, 1)
ON CONFLICT (user_id) DO UPDATE SET version = token_versions.version + 1;
