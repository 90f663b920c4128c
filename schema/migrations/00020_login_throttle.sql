-- +goose Up
-- Failed logins, shared by every gateway and kept across restarts. key is an HMAC of what is counted
-- (an account name with a client IP, or a client IP alone), so the table holds no phone numbers or
-- addresses in clear. Rows older than the throttling window are swept.
CREATE TABLE login_failures (
    key       text        NOT NULL,
    failed_at timestamptz NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (key, failed_at);
CREATE INDEX login_failures_at ON login_failures (failed_at);

-- +goose Down
DROP TABLE login_failures;
