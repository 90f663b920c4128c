-- The notifications table: the outbox of messages to applicants and staff.

-- name: InsertNotification :exec
INSERT INTO notifications (dedupe_key, application_id, recipient_role, recipient_id, kind, message, created_at)
VALUES (@dedupe_key, @application_id, @recipient_role, @recipient_id, @kind, @message, @at)
ON CONFLICT (dedupe_key) DO NOTHING;

-- name: LeaseNotifications :many
-- Leases up to @max due rows for @worker until @until; rows leased by another sender are skipped.
UPDATE notifications n SET leased_by = @worker::text, leased_until = @until::timestamptz
FROM (
    SELECT id FROM notifications
    WHERE sent_at IS NULL AND dead_at IS NULL AND next_attempt_at <= @now::timestamptz
      AND (leased_until IS NULL OR leased_until < @now::timestamptz)
    ORDER BY next_attempt_at, id
    LIMIT @max::int
    FOR UPDATE SKIP LOCKED
) due
WHERE n.id = due.id
RETURNING n.id, n.dedupe_key, n.recipient_id, n.kind, n.message, n.attempts;

-- name: MarkNotificationSent :execrows
UPDATE notifications SET sent_at = @now::timestamptz, leased_by = NULL, leased_until = NULL, last_error = NULL
WHERE id = @id AND leased_by = @worker::text AND sent_at IS NULL;

-- name: MarkNotificationFailed :execrows
-- Counts a failed attempt; the row is retried at @next, or dead-lettered when it was the last attempt.
UPDATE notifications SET attempts = attempts + 1, last_error = @error::text, next_attempt_at = @next::timestamptz,
    leased_by = NULL, leased_until = NULL,
    dead_at = CASE WHEN attempts + 1 >= @max_attempts::int OR @dead::boolean THEN @now::timestamptz END
WHERE id = @id AND leased_by = @worker::text AND sent_at IS NULL;

-- name: ListNotificationsOfRecipient :many
SELECT id, kind, message, created_at, sent_at FROM notifications
WHERE recipient_id = @recipient_id ORDER BY id DESC LIMIT 50;
