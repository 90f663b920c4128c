-- The revoked_tokens table: tokens ended by logging out.

-- name: RevokeToken :exec
INSERT INTO revoked_tokens (jti, expires_at) VALUES (@jti, @expires_at) ON CONFLICT (jti) DO NOTHING;

-- name: DeleteExpiredRevokedTokens :exec
DELETE FROM revoked_tokens WHERE expires_at < @before;
