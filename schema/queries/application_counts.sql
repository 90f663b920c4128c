-- The statistics counters (migration 00050): applications per region, level, status, batch and occupation
-- (application_counts), and per region, level and status (application_status_counts).

-- name: AddApplicationCount :exec
-- Adds delta to the detailed group of the application with the given status (its other columns never
-- change). Every writer changes this counter before the summary one (AddApplicationStatusCount), as
-- rebuild_application_counts locks the tables, so that no two transactions wait for each other.
INSERT INTO application_counts (region, level, status, batch_id, occupation_code, count)
SELECT a.region, a.level, @status::text, a.batch_id, a.occupation_code, @delta::bigint
FROM applications a
WHERE a.id = @application_id
ON CONFLICT (region, level, status, batch_id, occupation_code)
    DO UPDATE SET count = application_counts.count + EXCLUDED.count;

-- name: AddApplicationStatusCount :exec
-- Adds delta to the summary group (region, level, status) of the application with the given status.
INSERT INTO application_status_counts (region, level, status, count)
SELECT a.region, a.level, @status::text, @delta::bigint
FROM applications a
WHERE a.id = @application_id
ON CONFLICT (region, level, status) DO UPDATE SET count = application_status_counts.count + EXCLUDED.count;

-- name: RebuildApplicationCounts :exec
-- Recounts every group from the applications (see rebuild_application_counts).
SELECT rebuild_application_counts();

-- name: CountApplicationsGrouped :many
-- Counts of applications grouped by any of region, level, status, occupation and batch (a column not grouped
-- on is '' or 0), within the scope region and filters, summed from the counters: the summary ones unless
-- batch or occupation is grouped on or filtered.
SELECT (CASE WHEN sqlc.arg(by_region)::boolean THEN c.region ELSE '' END)::text              AS region,
       (CASE WHEN sqlc.arg(by_level)::boolean THEN c.level ELSE 0 END)::int                  AS level,
       (CASE WHEN sqlc.arg(by_status)::boolean THEN c.status ELSE '' END)::text              AS status,
       (CASE WHEN sqlc.arg(by_occupation)::boolean THEN c.occupation_code ELSE '' END)::text AS occupation_code,
       (CASE WHEN sqlc.arg(by_batch)::boolean THEN c.batch_id ELSE '' END)::text             AS batch_id,
       sum(c.count)::bigint                                                                  AS count
FROM (SELECT d.region, d.level, d.status, d.batch_id, d.occupation_code, d.count
      FROM application_counts d
      WHERE sqlc.arg(by_batch)::boolean OR sqlc.arg(by_occupation)::boolean
         OR sqlc.narg(batch_id)::text IS NOT NULL OR sqlc.narg(occupation_code)::text IS NOT NULL
      UNION ALL
      SELECT s.region, s.level, s.status, ''::text, ''::text, s.count
      FROM application_status_counts s
      WHERE NOT (sqlc.arg(by_batch)::boolean OR sqlc.arg(by_occupation)::boolean
                 OR sqlc.narg(batch_id)::text IS NOT NULL OR sqlc.narg(occupation_code)::text IS NOT NULL)) c
WHERE (sqlc.narg(scope_region)::text IS NULL OR c.region = sqlc.narg(scope_region)::text)
  AND (sqlc.narg(region)::text IS NULL OR c.region = sqlc.narg(region)::text)
  AND (sqlc.narg(batch_id)::text IS NULL OR c.batch_id = sqlc.narg(batch_id)::text)
  AND (sqlc.narg(status)::text IS NULL OR c.status = sqlc.narg(status)::text)
  AND (sqlc.narg(occupation_code)::text IS NULL OR c.occupation_code = sqlc.narg(occupation_code)::text)
  AND (sqlc.narg(level)::int IS NULL OR c.level = sqlc.narg(level)::int)
GROUP BY 1, 2, 3, 4, 5
HAVING sum(c.count) <> 0
ORDER BY 1, 2, 3, 4, 5;
