-- The login_failures table: failed logins, for throttling.

-- name: RecentLoginFailures :many
-- The failures of the given keys since the start of the window, newest first.
SELECT key, failed_at FROM login_failures
WHERE key = ANY(@keys::text[]) AND failed_at > @since
ORDER BY failed_at DESC;

-- name: RecordLoginFailure :exec
INSERT INTO login_failures (key, failed_at) SELECT unnest(@keys::text[]), @failed_at::timestamptz;

-- name: ClearLoginFailures :exec
DELETE FROM login_failures WHERE key = @key;

-- name: DeleteOldLoginFailures :exec
DELETE FROM login_failures WHERE failed_at < @before;
