-- The users table: accounts of applicants and staff.

-- name: GetApplicantName :one
SELECT name FROM users WHERE id = @id;

-- name: CreateUser :exec
INSERT INTO users (id, role, username, phone, name, id_number_hash, id_number_enc, id_number_masked,
                   password_hash, region, employer)
VALUES (@id, @role, @username, @phone, @name, @id_number_hash, @id_number_enc, @id_number_masked, @password_hash, @region, @employer);

-- name: GetUserByID :one
SELECT * FROM users WHERE id = @id;

-- name: GetUserByLogin :one
-- Applicants log in with their phone, staff with their username.
SELECT * FROM users WHERE phone = sqlc.arg(login)::text OR username = sqlc.arg(login)::text LIMIT 1;

-- name: FindUserConflict :one
-- Which of phone, username or ID-number hash is already taken (for a friendly 409 before the insert).
SELECT
    EXISTS (SELECT 1 FROM users u WHERE u.phone = sqlc.narg(phone)::text)             AS phone_taken,
    EXISTS (SELECT 1 FROM users u WHERE u.username = sqlc.narg(username)::text)       AS username_taken,
    EXISTS (SELECT 1 FROM users u WHERE u.id_number_hash = sqlc.narg(id_hash)::text)  AS id_taken;

-- name: SetUserPassword :exec
UPDATE users SET password_hash = @password_hash WHERE id = @id;

-- name: ListStaffUsers :many
SELECT id, role, username, name, region, employer, disabled, created_at FROM users
WHERE role <> 'applicant' ORDER BY created_at, id;

-- name: FindAccountByIDHash :one
SELECT id, role, phone, name FROM users WHERE id_number_hash = @id_number_hash;

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

-- name: GetNotificationAddress :one
SELECT email, phone FROM users WHERE id = @id AND NOT disabled;

-- name: SetUserEmail :execrows
UPDATE users SET email = sqlc.narg(email) WHERE id = @id;

-- name: GetUserEmail :one
SELECT email FROM users WHERE id = @id;

-- name: GetSessionUser :one
-- The account a token names, its current token version (0 before any password change) and whether the
-- token itself was revoked by logging out.
SELECT sqlc.embed(u),
       COALESCE((SELECT v.version FROM token_versions v WHERE v.user_id = u.id), 0)::bigint AS token_version,
       EXISTS (SELECT 1 FROM revoked_tokens r WHERE r.jti = @jti::text)                   AS revoked
FROM users u WHERE u.id = @user_id;

-- name: SetPasswordRevokingTokens :one
-- Sets the password and raises the token version in one statement, so no token issued before survives.
WITH pw AS (UPDATE users SET password_hash = @password_hash WHERE id = @user_id RETURNING id)
INSERT INTO token_versions (user_id, version) SELECT id, 1 FROM pw
ON CONFLICT (user_id) DO UPDATE SET version = token_versions.version + 1
RETURNING version;

-- name: UpgradePasswordHash :exec
-- Replaces a hash by an equivalent one with current parameters, unless the password changed meanwhile.
UPDATE users SET password_hash = @new WHERE id = @user_id AND password_hash = @old;
