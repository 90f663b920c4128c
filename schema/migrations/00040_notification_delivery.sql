-- +goose Up
-- Delivery of the notification outbox (notify.Sender): a sender leases due rows (SKIP LOCKED, with an expiry
-- so a crashed sender's rows come back), sends each by e-mail or SMS, and marks it sent, or counts the
-- failure and retries later, until the row is dead-lettered after its last attempt.
ALTER TABLE notifications
    ADD COLUMN attempts        int         NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN leased_by       text,
    ADD COLUMN leased_until    timestamptz,
    ADD COLUMN last_error      text,
    ADD COLUMN dead_at         timestamptz;

CREATE INDEX notifications_due ON notifications (next_attempt_at, id) WHERE sent_at IS NULL AND dead_at IS NULL;
CREATE INDEX notifications_recipient ON notifications (recipient_id, id DESC);

-- The e-mail address a user receives notifications at (optional; without one, SMS to the phone).
ALTER TABLE users ADD COLUMN email text CHECK (email IS NULL OR length(email) BETWEEN 3 AND 254);

-- +goose Down
ALTER TABLE users DROP COLUMN email;
DROP INDEX notifications_recipient;
DROP INDEX notifications_due;
ALTER TABLE notifications
    DROP COLUMN dead_at, DROP COLUMN last_error, DROP COLUMN leased_until, DROP COLUMN leased_by,
    DROP COLUMN next_attempt_at, DROP COLUMN attempts;
