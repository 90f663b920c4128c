-- +goose Up
-- Keyset paging (after=, API.md "Additions"): a later page starts in an index at the last row seen, so it
-- costs what the first page costs. The inbox (tasks_city_inbox, tasks_open_by_age), the exam sessions
-- (exam_sessions_region, exam_sessions_starts) and the recent audit (audit_events_recent) already have
-- their order indexed; the admin search had an index for it only with a status filter (applications_status,
-- applications_search), so without one, or with the region alone, every page sorted the whole scope.
CREATE INDEX applications_recent ON applications (created_at DESC, id);
CREATE INDEX applications_region_recent ON applications (region, created_at DESC, id);

-- +goose Down
DROP INDEX applications_region_recent;
DROP INDEX applications_recent;
