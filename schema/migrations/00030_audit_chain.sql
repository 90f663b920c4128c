-- +goose Up
-- Tamper-evident audit trail: one hash chain over every audit event (skillcert.AuditHash is the same
-- computation in Go; the verifier and `make audit-verify` recompute it).
--
-- One global chain, not one per application: deleting every event of a case, or the newest events, must be
-- detected too, and a global position (chain_seq, 1, 2, 3, … without gaps) names the first bad event. The
-- insert trigger appends under a transaction-level advisory lock, so concurrent projection writes of different
-- cases are serialized only for the moment between their audit insert and their commit (RecordTransition
-- writes the audit event last). The chain is computed in the database, so every writer of audit_events is
-- chained, whatever code path it takes.
LOCK TABLE audit_events IN EXCLUSIVE MODE;

ALTER TABLE audit_events
    ADD COLUMN subject   text NOT NULL DEFAULT 'application' CHECK (subject IN ('application', 'account')),
    ADD COLUMN chain_seq bigint,
    ADD COLUMN prev_hash text,
    ADD COLUMN hash      text;
COMMENT ON COLUMN audit_events.subject IS 'application: application_id names an application; account: it names a user account';

-- The position and hash of the newest event: deleting events from the end of the chain is detected too.
CREATE TABLE audit_chain_head (
    id        int    PRIMARY KEY CHECK (id = 1),
    last_seq  bigint NOT NULL,
    last_hash text   NOT NULL
);

-- audit_field encodes one value of the canonical content: byte length, ':' and the value, or '~' for NULL.
-- +goose StatementBegin
CREATE FUNCTION audit_field(v text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN v IS NULL THEN '~' ELSE octet_length(convert_to(v, 'UTF8'))::text || ':' || v END
$$;
-- +goose StatementEnd

-- audit_hash is the hex SHA-256 of an event's canonical content (skillcert.AuditCanonical).
-- +goose StatementBegin
CREATE FUNCTION audit_hash(e audit_events) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT encode(sha256(convert_to(
        'skillcert-audit-v1' || audit_field(e.chain_seq::text) || audit_field(e.prev_hash) || audit_field(e.subject)
        || audit_field(e.application_id::text) || audit_field(e.seq::text) || audit_field(e.action)
        || audit_field(((extract(epoch FROM e.at) * 1000000)::bigint)::text) || audit_field(e.actor_id::text)
        || audit_field(e.actor_role) || audit_field(e.from_status) || audit_field(e.to_status)
        || audit_field(e.reason) || audit_field(e.details::text), 'UTF8')), 'hex')
$$;
-- +goose StatementEnd

-- Chain the events written so far, in the order they were written.
ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change;
-- +goose StatementBegin
DO $$
DECLARE
    r audit_events;
    n bigint := 0;
    h text := '0000000000000000000000000000000000000000000000000000000000000000';
BEGIN
    FOR r IN SELECT * FROM audit_events ORDER BY id LOOP
        n := n + 1;
        r.chain_seq := n;
        r.prev_hash := h;
        h := audit_hash(r);
        -- id becomes the chain position too (ascending, so no id is taken twice on the way).
        UPDATE audit_events SET id = n, chain_seq = n, prev_hash = r.prev_hash, hash = h WHERE id = r.id;
    END LOOP;
    INSERT INTO audit_chain_head (id, last_seq, last_hash) VALUES (1, n, h);
END;
$$;
-- +goose StatementEnd
ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_change;

ALTER TABLE audit_events
    ALTER COLUMN chain_seq SET NOT NULL,
    ALTER COLUMN prev_hash SET NOT NULL,
    ALTER COLUMN hash SET NOT NULL,
    ADD CONSTRAINT audit_events_chain_seq UNIQUE (chain_seq);

-- Every insert is appended to the chain, and its id is its chain position. Appends are serialized by a
-- transaction-level advisory lock. The position and hash to continue from are the head's, or those of a row
-- that an earlier row of the same statement appended (the head moves once per statement, see below). A repeat
-- of an event already written (same application, seq and action: a retried activity) is skipped here, before
-- it takes a position, as ON CONFLICT DO NOTHING would.
-- +goose StatementBegin
CREATE FUNCTION audit_events_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_seq  bigint;
    last_hash text;
BEGIN
    PERFORM pg_advisory_xact_lock(7711030);
    IF EXISTS (SELECT 1 FROM audit_events
               WHERE application_id = NEW.application_id AND seq = NEW.seq AND action = NEW.action) THEN
        RETURN NULL;
    END IF;
    SELECT h.last_seq, h.last_hash INTO STRICT last_seq, last_hash FROM audit_chain_head h WHERE h.id = 1;
    SELECT e.chain_seq, e.hash INTO last_seq, last_hash FROM audit_events e
    WHERE e.chain_seq > last_seq ORDER BY e.chain_seq DESC LIMIT 1;
    IF NOT FOUND THEN -- nothing appended yet by this statement: continue from the head
        SELECT h.last_seq, h.last_hash INTO STRICT last_seq, last_hash FROM audit_chain_head h WHERE h.id = 1;
    END IF;
    NEW.chain_seq := last_seq + 1;
    NEW.id := NEW.chain_seq; -- gap-free, so a deleted row's id is the one missing
    NEW.prev_hash := last_hash;
    NEW.hash := audit_hash(NEW);
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_chain();

-- The head moves once per INSERT statement, to its newest row (one update per statement rather than per row:
-- the versions of the head row that one transaction leaves cannot be pruned before it ends, and reading
-- through one per row made a bulk insert quadratic).
-- +goose StatementBegin
CREATE FUNCTION audit_chain_advance() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE audit_chain_head h SET last_seq = n.chain_seq, last_hash = n.hash
    FROM (SELECT chain_seq, hash FROM new_rows ORDER BY chain_seq DESC LIMIT 1) n
    WHERE h.id = 1;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_chain_advance AFTER INSERT ON audit_events
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_advance();

-- The chain head is changed by the trigger only.
-- +goose StatementBegin
CREATE FUNCTION audit_chain_head_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' OR pg_trigger_depth() < 2 THEN
        RAISE EXCEPTION 'audit_chain_head is written by the audit_events trigger only';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_chain_head_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_chain_head
    FOR EACH ROW EXECUTE FUNCTION audit_chain_head_guard();

-- +goose Down
DROP TRIGGER audit_chain_head_guard ON audit_chain_head;
DROP FUNCTION audit_chain_head_guard();
DROP TRIGGER audit_chain_advance ON audit_events;
DROP FUNCTION audit_chain_advance();
DROP TRIGGER audit_events_chain ON audit_events;
DROP FUNCTION audit_events_chain();
DROP FUNCTION audit_hash(audit_events);
DROP FUNCTION audit_field(text);
DROP TABLE audit_chain_head;
ALTER TABLE audit_events DROP COLUMN hash, DROP COLUMN prev_hash, DROP COLUMN chain_seq, DROP COLUMN subject;
