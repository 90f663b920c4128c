-- The exam_sessions table: exam sittings and their rosters.

-- name: CreateExamSession :exec
INSERT INTO exam_sessions (id, batch_id, region, occupation_code, level, starts_at, venue, capacity, roster_due_on,
                           roster_due_estimated, created_by)
VALUES (@id, @batch_id, @region, @occupation_code, @level, @starts_at, @venue, @capacity, @roster_due_on,
        @roster_due_estimated, @created_by);

-- name: GetExamSession :one
SELECT s.id, s.batch_id, s.region, s.occupation_code, s.level, s.starts_at, s.venue, s.capacity, s.roster_due_on,
       s.roster_due_estimated, s.roster_submitted_at, s.roster_submitted_by, s.created_by, s.created_at,
       (SELECT count(*) FROM exam_seats es WHERE es.session_id = s.id)::int AS seated
FROM exam_sessions s
WHERE s.id = @id;

-- name: LockExamSession :one
SELECT id, batch_id, region, occupation_code, level, starts_at, venue, capacity
FROM exam_sessions WHERE id = @id FOR UPDATE;

-- name: ListExamSessions :many
-- Sessions within the scope region (NULL = all), filtered; overdue_on (a date) keeps only sessions whose
-- roster is not submitted and was due before that day. The page is chosen first, from an index where the
-- filters allow (the rows an OFFSET skips are not read from the table nor their seats counted), then its
-- sessions are read and their seats counted.
SELECT s.id, s.batch_id, s.region, s.occupation_code, s.level, s.starts_at, s.venue, s.capacity, s.roster_due_on,
       s.roster_due_estimated, s.roster_submitted_at, s.roster_submitted_by, s.created_by, s.created_at,
       (SELECT count(*) FROM exam_seats es WHERE es.session_id = s.id)::int AS seated
FROM (SELECT k.starts_at, k.id FROM exam_sessions k
      WHERE (sqlc.narg(scope_region)::text IS NULL OR k.region = sqlc.narg(scope_region)::text)
        AND (sqlc.narg(region)::text IS NULL OR k.region = sqlc.narg(region)::text)
        AND (sqlc.narg(batch_id)::text IS NULL OR k.batch_id = sqlc.narg(batch_id)::text)
        AND (sqlc.narg(occupation_code)::text IS NULL OR k.occupation_code = sqlc.narg(occupation_code)::text)
        AND (sqlc.narg(level)::int IS NULL OR k.level = sqlc.narg(level)::int)
        AND (sqlc.narg(overdue_on)::date IS NULL
             OR (k.roster_submitted_at IS NULL AND k.roster_due_on < sqlc.narg(overdue_on)::date))
        AND (sqlc.narg(after_at)::timestamptz IS NULL
             OR (k.starts_at, k.id) > (sqlc.narg(after_at)::timestamptz, sqlc.narg(after_id)::uuid))
      ORDER BY k.starts_at, k.id
      LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off)) p
JOIN exam_sessions s ON s.id = p.id
ORDER BY p.starts_at, p.id;

-- name: SubmitRoster :execrows
-- Marks the session's 考务手册 submitted; a repeat keeps the first submission.
UPDATE exam_sessions
SET roster_submitted_at = COALESCE(roster_submitted_at, now()),
    roster_submitted_by = COALESCE(roster_submitted_by, @user_id)
WHERE id = @id;
