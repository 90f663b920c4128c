-- +goose Up
-- Each task carries its application's applicant (InsertTask and InsertIncidentTask copy it from the
-- applications row in the same statement), so that the inbox's name search can test a task against the
-- matching accounts without reading its application (ListInboxTasks). An application's applicant never
-- changes, so the copy never goes stale. Adding a nullable column without a default only changes the
-- catalogue (a moment's ACCESS EXCLUSIVE lock); the backfill takes row locks only: readers go on, and a
-- projection write to a task waits until it commits (under a second for 200,000 tasks, measured in
-- deploy/loadtest/PERFORMANCE.md).
ALTER TABLE tasks ADD COLUMN applicant_id uuid;

UPDATE tasks t SET applicant_id = a.applicant_id
FROM applications a
WHERE a.id = t.application_id AND t.applicant_id IS NULL;

-- name_set_bound is how many accounts may contain an inbox search's q for the search to walk the inbox
-- testing each task's applicant against the set of those accounts (hashed) rather than reading each task's
-- account: reading the set costs about one heap row per account, the walk then finds 51 matches within
-- about 51 × accounts / M tasks. Above it the set costs more than the walk saves. Four times
-- name_search_bound().
CREATE FUNCTION name_set_bound() RETURNS int
    LANGUAGE sql STABLE PARALLEL SAFE
RETURN 4 * name_search_bound();

-- +goose Down
DROP FUNCTION name_set_bound();
ALTER TABLE tasks DROP COLUMN applicant_id;
