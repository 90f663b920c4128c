-- +goose NO TRANSACTION
-- +goose Up
-- Each task carries its application's applicant (InsertTask and InsertIncidentTask copy it from the
-- applications row in the same statement), so that the inbox's name search can test a task against the
-- matching accounts from an index entry, without its application or its account (ListInboxTasks). An
-- application's applicant never changes, so the copy never goes stale.
--
-- Lock-light, one statement at a time (no transaction around them; each is safe to run again): adding a
-- nullable column without a default changes only the catalogue (a moment's ACCESS EXCLUSIVE lock); the
-- backfill takes row locks only (readers go on; a projection write to a task waits for it: 7.6 s for
-- 200,000 tasks with a cold cache on the shared machine); the index build holds a SHARE lock (writes to tasks
-- wait, reads go on; 0.14 s at 200,000 open tasks) and the drop of the one it replaces a moment's ACCESS
-- EXCLUSIVE lock. Not CONCURRENTLY: that waits for every other transaction, among them a second process
-- waiting for schema.Migrate's advisory lock, which this session holds: it never ends.
ALTER TABLE tasks ADD COLUMN IF NOT EXISTS applicant_id uuid;

UPDATE tasks t SET applicant_id = a.applicant_id
FROM applications a
WHERE a.id = t.application_id AND t.applicant_id IS NULL;

-- tasks_city_inbox (00004) with the applicant: a city reviewer's search walks its region's inbox from index
-- entries alone (22,000 entries tested against a hashed set in about 1 ms).
CREATE INDEX IF NOT EXISTS tasks_city_inbox_applicant ON tasks (region, created_at, id)
    INCLUDE (applicant_id) WHERE status IN ('open', 'claimed') AND role = 'city_reviewer';

DROP INDEX IF EXISTS tasks_city_inbox;

-- name_search_bound (00052) is now how many accounts may contain an inbox search's q for the search to start
-- from those accounts (about 5 µs each at 1 M: their applications and tasks looked up), at least 1000 and
-- sqrt(2 × accounts): more go to the walk against the set (about 1 µs per account to read the set, and an
-- index entry per task walked).
CREATE OR REPLACE FUNCTION name_search_bound() RETURNS int
    LANGUAGE sql STABLE PARALLEL SAFE
RETURN greatest(1000, (SELECT sqrt(2 * greatest(c.reltuples, 0))::int FROM pg_class c WHERE c.oid = to_regclass('users')));

-- name_set_bound is how many accounts may contain an inbox search's q for the search to walk the inbox
-- testing each task's applicant against the set of those accounts (hashed), rather than reading each task's
-- account: the set costs about 1 µs per account, the walk about 3 µs per task and finds 51 matches within
-- about 51 × accounts / M tasks when the matches are spread evenly, so the two meet near sqrt(150 × accounts);
-- twice that, because matches cluster (a name common in one region is rare in another, and the walk then
-- reads far more tasks) while the set's cost does not depend on where the matches are.
CREATE FUNCTION name_set_bound() RETURNS int
    LANGUAGE sql STABLE PARALLEL SAFE
RETURN greatest(1000, (SELECT 2 * sqrt(150 * greatest(c.reltuples, 0))::int FROM pg_class c WHERE c.oid = to_regclass('users')));

-- +goose Down
DROP FUNCTION IF EXISTS name_set_bound();
CREATE OR REPLACE FUNCTION name_search_bound() RETURNS int
    LANGUAGE sql STABLE PARALLEL SAFE
RETURN greatest(1000, (SELECT sqrt(150 * greatest(c.reltuples, 0))::int FROM pg_class c WHERE c.oid = to_regclass('users')));
CREATE INDEX IF NOT EXISTS tasks_city_inbox ON tasks (region, created_at, id)
    WHERE status IN ('open', 'claimed') AND role = 'city_reviewer';
DROP INDEX IF EXISTS tasks_city_inbox_applicant;
ALTER TABLE tasks DROP COLUMN IF EXISTS applicant_id;
