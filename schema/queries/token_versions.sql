-- The token_versions table: a version per account that refuses every token issued before it.

-- name: RevokeAccountTokens :exec
-- Raises the account's token version (migration 00021), which refuses every token issued before.
INSERT INTO token_versions (user_id, version) VALUES (@user_id, 1)
ON CONFLICT (user_id) DO UPDATE SET version = token_versions.version + 1;

-- name: GetTokenVersion :one
SELECT COALESCE((SELECT version FROM token_versions WHERE user_id = @user_id), 0)::bigint AS version;
