-- +goose Up
-- Incidents: a side effect of an application's workflow that failed past its retry limit. Each one is also
-- an admin task (tasks.type = 'incident'); this table keeps what failed, for the admin who decides.
CREATE TABLE incidents (
    task_id        uuid PRIMARY KEY REFERENCES tasks (id),
    application_id uuid        NOT NULL REFERENCES applications (id),
    action         text        NOT NULL,
    error          text        NOT NULL,
    seq            bigint      NOT NULL,
    created_at     timestamptz NOT NULL
);
CREATE INDEX incidents_application ON incidents (application_id);

-- +goose Down
DROP TABLE incidents;
