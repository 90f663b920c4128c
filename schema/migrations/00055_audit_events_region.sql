-- +goose Up
-- The region of each audit event's application, kept on the event, so that a supervisor's newest events of
-- their region are read from one index in order (audit_events_region_recent) instead of checking every
-- event's application until a page is full: at a million applications a region's page 100 checked about
-- 25,000 events, and even its first page built a hash of the region's applications.
--
-- An application's region never changes (no query updates it), so the region at insert time is the region
-- the list used to look up. The insert trigger sets it from applications, overriding whatever a writer
-- sends; events of accounts, and of an application with no row yet, get NULL, as the old lookup found no
-- row for them either. The column is derived data and not part of the hash chain (skillcert.AuditCanonical).
LOCK TABLE audit_events IN EXCLUSIVE MODE;

ALTER TABLE audit_events ADD COLUMN region text;
COMMENT ON COLUMN audit_events.region IS 'region of the application (NULL for account events); set by the insert trigger';

ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change;
UPDATE audit_events e SET region = a.region
FROM applications a
WHERE a.id = e.application_id AND e.subject = 'application';
ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_change;

-- +goose StatementBegin
CREATE FUNCTION audit_events_region() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.region := NULL;
    IF NEW.subject = 'application' THEN
        SELECT a.region INTO NEW.region FROM applications a WHERE a.id = NEW.application_id;
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd
-- Fires after audit_events_chain (triggers of one event fire in name order), which skips repeats.
CREATE TRIGGER audit_events_region BEFORE INSERT ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_region();

CREATE INDEX audit_events_region_recent ON audit_events (region, at DESC, id DESC) WHERE region IS NOT NULL;

-- +goose Down
DROP INDEX audit_events_region_recent;
DROP TRIGGER audit_events_region ON audit_events;
DROP FUNCTION audit_events_region();
ALTER TABLE audit_events DROP COLUMN region;
