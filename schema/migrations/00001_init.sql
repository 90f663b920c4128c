-- +goose Up
-- Reference data.
CREATE TABLE regions (
    name       text PRIMARY KEY,
    sort_order int  NOT NULL
);

CREATE TABLE occupations (
    code       text PRIMARY KEY,
    name       text    NOT NULL,
    levels     int[]   NOT NULL,
    conditions text    NOT NULL DEFAULT 'template2018',
    active     boolean NOT NULL DEFAULT true
);

CREATE TABLE batches (
    id                     text PRIMARY KEY,
    name                   text        NOT NULL,
    registration_opens_at  timestamptz NOT NULL,
    registration_closes_at timestamptz NOT NULL,
    payment_opens_at       timestamptz NOT NULL,
    payment_closes_at      timestamptz NOT NULL,
    exam_starts_at         timestamptz NOT NULL,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    CHECK (registration_opens_at < registration_closes_at),
    CHECK (payment_opens_at < payment_closes_at),
    CHECK (exam_starts_at > payment_closes_at)
);

-- Accounts: applicants log in by phone, staff by username. The ID number is kept encrypted and found by its keyed hash.
CREATE TABLE users (
    id               uuid PRIMARY KEY,
    role             text        NOT NULL CHECK (role IN ('applicant','city_reviewer','provincial_reviewer','committee_member','supervisor','admin')),
    username         text UNIQUE,
    phone            text UNIQUE,
    name             text        NOT NULL,
    id_number_hash   text UNIQUE,
    id_number_enc    bytea,
    id_number_masked text,
    password_hash    text        NOT NULL,
    region           text REFERENCES regions (name),
    employer         text,
    disabled         boolean     NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((role = 'applicant') = (phone IS NOT NULL)),
    CHECK ((role = 'applicant') <> (username IS NOT NULL)),
    CHECK (role <> 'city_reviewer' OR region IS NOT NULL)
);

-- Projection of ApplicationWorkflow. Written only by the worker's activities; seq orders the writes.
CREATE TABLE applications (
    id                 uuid PRIMARY KEY,
    applicant_id       uuid        NOT NULL REFERENCES users (id),
    batch_id           text        NOT NULL REFERENCES batches (id),
    region             text        NOT NULL REFERENCES regions (name),
    employer           text        NOT NULL,
    occupation_code    text        NOT NULL REFERENCES occupations (code),
    level              int         NOT NULL CHECK (level BETWEEN 1 AND 5),
    pathway            text        NOT NULL,
    status             text        NOT NULL,
    seq                bigint      NOT NULL,
    view               jsonb       NOT NULL,
    payment_due_at     timestamptz,
    correction_due_at  timestamptz,
    exam_session_id    uuid,
    seat               int,
    certificate_number text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);
-- One active application per person, batch, occupation and level.
CREATE UNIQUE INDEX applications_one_active ON applications (applicant_id, batch_id, occupation_code, level)
    WHERE status NOT IN ('rejected','expired','withdrawn','abandoned','revoked','failed');
CREATE INDEX applications_applicant ON applications (applicant_id, created_at DESC);
CREATE INDEX applications_search ON applications (region, status, created_at DESC, id);
CREATE INDEX applications_status ON applications (status, created_at DESC, id);
CREATE INDEX applications_batch_status ON applications (batch_id, status);

-- Human tasks (inboxes). Opened and closed by the workflow through activities; claimed in the gateway.
CREATE TABLE tasks (
    id             uuid PRIMARY KEY,
    application_id uuid        NOT NULL REFERENCES applications (id),
    type           text        NOT NULL,
    status         text        NOT NULL CHECK (status IN ('open','claimed','completed','cancelled')),
    role           text        NOT NULL,
    region         text        NOT NULL,
    assignee_id    uuid REFERENCES users (id),
    seq            bigint      NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    due_at         timestamptz,
    completed_at   timestamptz,
    completed_by   uuid
);
CREATE INDEX tasks_inbox ON tasks (role, region, created_at, id) WHERE status IN ('open','claimed');
CREATE INDEX tasks_inbox_all ON tasks (role, created_at, id) WHERE status IN ('open','claimed');
CREATE INDEX tasks_application ON tasks (application_id, status);

CREATE TABLE documents (
    id             uuid PRIMARY KEY,
    application_id uuid        NOT NULL REFERENCES applications (id),
    doc_type       text        NOT NULL,
    object_key     text        NOT NULL UNIQUE,
    filename       text        NOT NULL,
    declared_type  text        NOT NULL,
    declared_size  bigint      NOT NULL,
    status         text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','accepted','rejected','superseded')),
    kind           text,
    size           bigint,
    sha256         text,
    text_chars     int,
    reason         text,
    created_by     uuid        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    inspected_at   timestamptz
);
CREATE INDEX documents_application ON documents (application_id, doc_type);

-- Audit trail: append-only.
CREATE TABLE audit_events (
    id             bigserial PRIMARY KEY,
    application_id uuid        NOT NULL,
    seq            bigint      NOT NULL,
    action         text        NOT NULL,
    at             timestamptz NOT NULL,
    actor_id       uuid,
    actor_role     text        NOT NULL,
    from_status    text,
    to_status      text,
    reason         text,
    details        jsonb,
    UNIQUE (application_id, seq, action)
);
-- +goose StatementBegin
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

CREATE TABLE payment_orders (
    id             uuid PRIMARY KEY,
    application_id uuid        NOT NULL REFERENCES applications (id),
    amount_fen     bigint      NOT NULL CHECK (amount_fen > 0),
    due_at         timestamptz NOT NULL,
    status         text        NOT NULL DEFAULT 'open' CHECK (status IN ('open','paid','cancelled')),
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX payment_orders_application ON payment_orders (application_id);

-- Every payment the platform reported, applied or owed back.
CREATE TABLE payments (
    transaction_id text PRIMARY KEY,
    order_id       uuid        NOT NULL,
    application_id uuid        NOT NULL,
    amount_fen     bigint      NOT NULL,
    paid_at        timestamptz NOT NULL,
    outcome        text        NOT NULL CHECK (outcome IN ('applied','refund_due')),
    reason         text,
    received_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE exam_sessions (
    id                  uuid PRIMARY KEY,
    batch_id            text        NOT NULL REFERENCES batches (id),
    region              text        NOT NULL REFERENCES regions (name),
    occupation_code     text        NOT NULL REFERENCES occupations (code),
    level               int         NOT NULL,
    starts_at           timestamptz NOT NULL,
    venue               text        NOT NULL,
    capacity            int         NOT NULL CHECK (capacity > 0),
    roster_due_on       date,
    roster_submitted_at timestamptz,
    created_by          uuid        NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now()
);

-- Certificate registry (public verification).
CREATE TABLE certificates (
    number          text PRIMARY KEY,
    application_id  uuid        NOT NULL UNIQUE,
    applicant_id    uuid        NOT NULL,
    name_masked     text        NOT NULL,
    occupation_code text        NOT NULL,
    occupation_name text        NOT NULL,
    level           int         NOT NULL,
    issued_on       date        NOT NULL,
    status          text        NOT NULL DEFAULT 'valid' CHECK (status IN ('valid','revoked')),
    revoked_at      timestamptz,
    revoked_reason  text
);

CREATE TABLE certificate_serials (
    site_code text NOT NULL,
    year      int  NOT NULL,
    level     int  NOT NULL,
    last      int  NOT NULL,
    PRIMARY KEY (site_code, year, level)
);

-- Outbox of notifications to applicants and staff (reminders, escalations).
CREATE TABLE notifications (
    id             bigserial PRIMARY KEY,
    dedupe_key     text        NOT NULL UNIQUE,
    application_id uuid,
    recipient_role text        NOT NULL,
    recipient_id   uuid,
    kind           text        NOT NULL,
    message        text        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    sent_at        timestamptz
);

-- Idempotency-Key replay store for creating POSTs.
CREATE TABLE idempotency_keys (
    user_id    uuid        NOT NULL,
    key        text        NOT NULL,
    request    text        NOT NULL,
    status     int         NOT NULL,
    body       bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);

-- +goose Down
DROP TABLE idempotency_keys, notifications, certificate_serials, certificates, exam_sessions, payments, payment_orders,
    audit_events, documents, tasks, applications, users, batches, occupations, regions;
DROP FUNCTION audit_events_append_only();
