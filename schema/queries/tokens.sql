-- name: GetSessionUser :one
-- The account a token names, its current token version (0 before any password change) and whether the
-- token itself was revoked by logging out.
SELECT sqlc.embed(u),
       COALESCE((SELECT v.version FROM token_versions v WHERE v.user_id = u.id), 0)::bigint AS token_version,
       EXISTS (SELECT 1 FROM revoked_tokens r WHERE r.jti = @jti::text)                   AS revoked
FROM users u WHERE u.id = @user_id;

-- name: GetTokenVersion :one
SELECT COALESCE((SELECT version FROM token_versions WHERE user_id = @user_id), 0)::bigint AS version;

-- name: RevokeToken :exec
INSERT INTO revoked_tokens (jti, expires_at) VALUES (@jti, @expires_at) ON CONFLICT (jti) DO NOTHING;

-- name: SetPasswordRevokingTokens :one
-- Sets the password and raises the token version in one statement, so no token issued before survives.
WITH pw AS (UPDATE users SET password_hash = @password_hash WHERE id = @user_id RETURNING id)
INSERT INTO token_versions (user_id, version) SELECT id, 1 FROM pw
ON CONFLICT (user_id) DO UPDATE SET version = token_versions.version + 1
RETURNING version;

-- name: DeleteExpiredRevokedTokens :exec
DELETE FROM revoked_tokens WHERE expires_at < @before;

-- name: UpgradePasswordHash :exec
-- Replaces a hash by an equivalent one with current parameters, unless the password changed meanwhile.
UPDATE users SET password_hash = @new WHERE id = @user_id AND password_hash = @old;
