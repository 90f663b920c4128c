-- +goose Up
-- Reports of a squatted ID number (issue 11, finding 15). Registration still answers 409 when the ID number
-- is taken; the person can then report it. The report keeps what the reporter would have registered with
-- (name, phone, the argon2id hash of the chosen password) but never the ID number itself: the account that
-- holds it is named by account_id. An admin checks the reporter's identity offline (in person, or a call-back
-- on the employer's number) and either reassigns the account to the reporter or rejects the report.
CREATE TABLE identity_disputes (
    id                     uuid PRIMARY KEY,
    account_id             uuid        NOT NULL REFERENCES users (id),
    reporter_name          text        NOT NULL,
    reporter_phone         text        NOT NULL,
    reporter_password_hash text        NOT NULL,
    statement              text        NOT NULL,
    status                 text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'reassigned', 'rejected')),
    identity_check         text,
    resolution_reason      text,
    resolved_by            uuid REFERENCES users (id),
    resolved_at            timestamptz,
    created_at             timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'open') = (resolved_at IS NULL))
);
-- One open report per account and reporter phone: repeats do not pile up.
CREATE UNIQUE INDEX identity_disputes_one_open ON identity_disputes (account_id, reporter_phone) WHERE status = 'open';
CREATE INDEX identity_disputes_status ON identity_disputes (status, created_at, id);

-- +goose Down
DROP TABLE identity_disputes;
