-- +goose Up
-- Indexes found by the load test (deploy/loadtest, issue 7) at 1,000,000 applications and 200,000 open tasks;
-- the plans before and after are in deploy/loadtest/results/latest.json.

-- The city reviewers' inbox (ListInboxTasks with role = ANY('{city_reviewer}') and the region) read every open
-- task of the role and sorted them: an index whose leading column is matched by = ANY(...) returns rows out of
-- order in Postgres 15, so tasks_inbox could not serve ORDER BY created_at. With the role in the predicate, the
-- region's open tasks come in inbox order and the first page reads 51 of them.
CREATE INDEX tasks_city_inbox ON tasks (region, created_at, id)
    WHERE status IN ('open', 'claimed') AND role = 'city_reviewer';

-- The same for inboxes without a region (provincial reviewers, committee members, admins): open tasks by age.
CREATE INDEX tasks_open_by_age ON tasks (created_at, id) WHERE status IN ('open', 'claimed');

-- The statistics (CountApplicationsGrouped) count every application: with these columns in one index the count
-- is an index-only scan of about 10 MB (B-tree deduplication) instead of a sequential scan of the table (1.1 GB at a million).
CREATE INDEX applications_stats ON applications (region, level, status, batch_id, occupation_code);

-- +goose Down
DROP INDEX applications_stats;
DROP INDEX tasks_open_by_age;
DROP INDEX tasks_city_inbox;
