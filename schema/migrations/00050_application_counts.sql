-- +goose Up
-- The statistics (GET /api/v1/admin/stats) read counters instead of counting every application: one row per
-- (region, level, status, batch, occupation) with the number of applications in it, and the same summed
-- over batches and occupations in application_status_counts (the 附件2 summary, at most regions × levels ×
-- statuses rows, which the default grouping reads). RecordTransition and RevokeApplication change both in the
-- transaction that changes the application's status (AddApplicationCount, schema/queries/
-- application_counts.sql); rebuild_application_counts recounts them from the applications (reprojection,
-- bulk loads, and this migration). A group may stay at zero; the query leaves it out.
CREATE TABLE application_counts (
    region          text   NOT NULL,
    level           int    NOT NULL,
    status          text   NOT NULL,
    batch_id        text   NOT NULL,
    occupation_code text   NOT NULL,
    count           bigint NOT NULL,
    PRIMARY KEY (region, level, status, batch_id, occupation_code)
);

CREATE TABLE application_status_counts (
    region text   NOT NULL,
    level  int    NOT NULL,
    status text   NOT NULL,
    count  bigint NOT NULL,
    PRIMARY KEY (region, level, status)
);

-- Recounts every group from the applications. The EXCLUSIVE lock waits for the transactions that already
-- changed a counter and holds off the others until this commits; each statement of a PL/pgSQL function
-- takes a fresh snapshot (READ COMMITTED), so the recount sees every write committed before the lock, and a
-- write still open then adds its own change afterwards.
-- +goose StatementBegin
CREATE FUNCTION rebuild_application_counts() RETURNS void
    LANGUAGE plpgsql AS
$$
BEGIN
    LOCK TABLE application_counts, application_status_counts IN EXCLUSIVE MODE;
    DELETE FROM application_counts;
    DELETE FROM application_status_counts;
    INSERT INTO application_counts (region, level, status, batch_id, occupation_code, count)
    SELECT region, level, status, batch_id, occupation_code, count(*)
    FROM applications
    GROUP BY region, level, status, batch_id, occupation_code;
    INSERT INTO application_status_counts (region, level, status, count)
    SELECT region, level, status, sum(count)
    FROM application_counts
    GROUP BY region, level, status;
END
$$;
-- +goose StatementEnd

SELECT rebuild_application_counts();

-- +goose Down
DROP FUNCTION rebuild_application_counts();
DROP TABLE application_status_counts;
DROP TABLE application_counts;
