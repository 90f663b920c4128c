-- name: TakeOverIdempotencyKey :one
-- A reservation left by a request that never finished (the gateway stopped) is taken over by a repeat of
-- the same request after a grace period; the workflow's Update ID, derived from the key, keeps the repeat
-- from acting twice.
UPDATE idempotency_keys SET created_at = now()
WHERE user_id = @user_id AND key = @key AND request = @request AND status = 0 AND created_at < @stale_before
RETURNING user_id;
