-- +goose Up
-- A task written without its applicant (by a binary older than 00054 during a rolling deployment, or by any
-- insert that leaves the column out) gets it from its application, so the inbox's name search (ListInboxTasks,
-- which tests tasks.applicant_id) never misses it. InsertTask and InsertIncidentTask set it themselves; the
-- trigger then only checks it.
-- +goose StatementBegin
CREATE FUNCTION tasks_fill_applicant() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.applicant_id IS NULL THEN
        SELECT a.applicant_id INTO NEW.applicant_id FROM applications a WHERE a.id = NEW.application_id;
    END IF;
    RETURN NEW;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER tasks_fill_applicant BEFORE INSERT ON tasks
    FOR EACH ROW EXECUTE FUNCTION tasks_fill_applicant();

-- Tasks written between 00054's backfill and this trigger.
UPDATE tasks t SET applicant_id = a.applicant_id
FROM applications a
WHERE a.id = t.application_id AND t.applicant_id IS NULL;

-- +goose Down
DROP TRIGGER tasks_fill_applicant ON tasks;
DROP FUNCTION tasks_fill_applicant();
