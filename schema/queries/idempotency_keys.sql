-- The idempotency_keys table: the answers of requests sent with an Idempotency-Key.

-- name: ReserveIdempotencyKey :one
-- Claims the key for this request; status 0 marks a request still running. No row: the key was taken.
INSERT INTO idempotency_keys (user_id, key, request, status, body) VALUES (@user_id, @key, @request, 0, '')
ON CONFLICT (user_id, key) DO NOTHING
RETURNING user_id;

-- name: GetIdempotencyKey :one
SELECT * FROM idempotency_keys WHERE user_id = @user_id AND key = @key;

-- name: FinishIdempotencyKey :exec
UPDATE idempotency_keys SET status = @status, body = @body WHERE user_id = @user_id AND key = @key;

-- name: ReleaseIdempotencyKey :exec
DELETE FROM idempotency_keys WHERE user_id = @user_id AND key = @key AND status = 0;

-- name: DeleteOldIdempotencyKeys :exec
DELETE FROM idempotency_keys WHERE created_at < @created_at;

-- name: TakeOverIdempotencyKey :one
-- A reservation left by a request that never finished (the gateway stopped) is taken over by a repeat of
-- the same request after a grace period; the workflow's Update ID, derived from the key, keeps the repeat
-- from acting twice.
UPDATE idempotency_keys SET created_at = now()
WHERE user_id = @user_id AND key = @key AND request = @request AND status = 0 AND created_at < @stale_before
RETURNING user_id;
