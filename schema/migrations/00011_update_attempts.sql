-- +goose Up
-- Workflow Update IDs derive from the request (or its Idempotency-Key), so a retried request gets the
-- first outcome. An outcome that is a transient failure (5xx) must not be the answer forever: each one
-- bumps the generation of its base ID, and the next attempt uses a new ID.
CREATE TABLE update_attempts (
    base_id    text PRIMARY KEY,
    generation int         NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE update_attempts;
