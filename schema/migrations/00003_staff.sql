-- +goose Up
-- Staff work of the gateway: exam seats, roster submission, score imports, and the indexes of the admin views.

-- The roster (考务手册) due date is counted on the State Council calendar; when the exam's year is not yet
-- published it is counted on weekdays only and marked estimated. The city reviewer who submitted it is kept.
ALTER TABLE exam_sessions
    ADD COLUMN roster_due_estimated boolean NOT NULL DEFAULT false,
    ADD COLUMN roster_submitted_by  uuid;
CREATE INDEX exam_sessions_region ON exam_sessions (region, starts_at, id);
CREATE INDEX exam_sessions_starts ON exam_sessions (starts_at, id);

-- Seats of an exam session, numbered 1..capacity. The gateway assigns them in one transaction per session
-- (the session row is locked), then tells each application's workflow; an application holds at most one seat.
CREATE TABLE exam_seats (
    session_id     uuid        NOT NULL REFERENCES exam_sessions (id),
    seat           int         NOT NULL CHECK (seat > 0),
    application_id uuid        NOT NULL UNIQUE REFERENCES applications (id),
    assigned_by    uuid        NOT NULL,
    assigned_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, seat)
);

-- Applications waiting for a seat, by the key a session matches on.
CREATE INDEX applications_exam_candidates ON applications (batch_id, region, occupation_code, level, created_at)
    WHERE status = 'exam_scheduled';

-- Score files imported by provincial reviewers: who, what (checksum) and the outcome of every row.
CREATE TABLE score_imports (
    id          uuid PRIMARY KEY,
    imported_by uuid        NOT NULL REFERENCES users (id),
    filename    text        NOT NULL,
    format      text        NOT NULL CHECK (format IN ('csv', 'xlsx')),
    sha256      text        NOT NULL,
    row_count   int         NOT NULL,
    applied     int         NOT NULL,
    results     jsonb       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- The audit view lists the newest events first when no application is named.
CREATE INDEX audit_events_recent ON audit_events (at DESC, id DESC);

-- +goose Down
DROP INDEX audit_events_recent;
DROP TABLE score_imports;
DROP INDEX applications_exam_candidates;
DROP TABLE exam_seats;
DROP INDEX exam_sessions_starts;
DROP INDEX exam_sessions_region;
ALTER TABLE exam_sessions DROP COLUMN roster_submitted_by, DROP COLUMN roster_due_estimated;
