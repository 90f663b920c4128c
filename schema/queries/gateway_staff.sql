-- Queries of the gateway's staff routes: task actions, exam sessions and seats, score imports, admin search,
-- statistics, roster export and the audit view.

-- name: GetTaskDetail :one
SELECT t.id, t.application_id, t.type, t.status, t.role, t.region, t.assignee_id, t.created_at, t.due_at,
       a.occupation_code, a.level, a.status AS application_status
FROM tasks t
JOIN applications a ON a.id = t.application_id
WHERE t.id = @id;

-- name: ClaimOpenTask :execrows
-- Takes the task for user_id when it is open (or already theirs). Two racing claims: the second waits for the
-- first to commit, re-reads the row and matches nothing.
UPDATE tasks SET status = 'claimed', assignee_id = @user_id
WHERE id = @id AND (status = 'open' OR (status = 'claimed' AND assignee_id = @user_id));

-- name: ReleaseTask :execrows
-- Gives a claimed task back to the inbox: the assignee may, and anyone when any_assignee is set (admins).
UPDATE tasks SET status = 'open', assignee_id = NULL
WHERE id = @id AND status = 'claimed' AND (assignee_id = @user_id OR @any_assignee::boolean);

-- name: AssignTaskTo :execrows
-- Gives the task to assignee_id: an open task, one the caller holds, or any active one when override is set.
UPDATE tasks SET status = 'claimed', assignee_id = @assignee_id
WHERE id = @id
  AND (status = 'open' OR (status = 'claimed' AND (assignee_id = @caller_id OR @override::boolean)));

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
-- roster is not submitted and was due before that day.
SELECT s.id, s.batch_id, s.region, s.occupation_code, s.level, s.starts_at, s.venue, s.capacity, s.roster_due_on,
       s.roster_due_estimated, s.roster_submitted_at, s.roster_submitted_by, s.created_by, s.created_at,
       (SELECT count(*) FROM exam_seats es WHERE es.session_id = s.id)::int AS seated
FROM exam_sessions s
WHERE (sqlc.narg(scope_region)::text IS NULL OR s.region = sqlc.narg(scope_region)::text)
  AND (sqlc.narg(region)::text IS NULL OR s.region = sqlc.narg(region)::text)
  AND (sqlc.narg(batch_id)::text IS NULL OR s.batch_id = sqlc.narg(batch_id)::text)
  AND (sqlc.narg(occupation_code)::text IS NULL OR s.occupation_code = sqlc.narg(occupation_code)::text)
  AND (sqlc.narg(level)::int IS NULL OR s.level = sqlc.narg(level)::int)
  AND (sqlc.narg(overdue_on)::date IS NULL
       OR (s.roster_submitted_at IS NULL AND s.roster_due_on < sqlc.narg(overdue_on)::date))
  AND (sqlc.narg(after_at)::timestamptz IS NULL
       OR (s.starts_at, s.id) > (sqlc.narg(after_at)::timestamptz, sqlc.narg(after_id)::uuid))
ORDER BY s.starts_at, s.id
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: SubmitRoster :execrows
-- Marks the session's 考务手册 submitted; a repeat keeps the first submission.
UPDATE exam_sessions
SET roster_submitted_at = COALESCE(roster_submitted_at, now()),
    roster_submitted_by = COALESCE(roster_submitted_by, @user_id)
WHERE id = @id;

-- name: ListTakenSeats :many
SELECT seat FROM exam_seats WHERE session_id = @session_id ORDER BY seat;

-- name: ListSeatCandidates :many
-- Paid applications of the session's batch, region, occupation and level that hold no seat yet, earliest
-- payment first.
SELECT a.id
FROM applications a
WHERE a.batch_id = @batch_id AND a.region = @region AND a.occupation_code = @occupation_code AND a.level = @level
  AND a.status = 'exam_scheduled' AND a.exam_session_id IS NULL
  AND NOT EXISTS (SELECT 1 FROM exam_seats es WHERE es.application_id = a.id)
ORDER BY (SELECT min(p.paid_at) FROM payments p WHERE p.application_id = a.id AND p.outcome = 'applied') NULLS LAST,
         a.created_at, a.id
LIMIT sqlc.arg(lim);

-- name: InsertExamSeat :exec
INSERT INTO exam_seats (session_id, seat, application_id, assigned_by) VALUES (@session_id, @seat, @application_id, @assigned_by);

-- name: ListUnannouncedSeats :many
-- Seats of the session that the application's workflow has not recorded yet (its projection shows no seat or
-- another one), for applications still waiting for the exam.
SELECT es.application_id, es.seat
FROM exam_seats es
JOIN applications a ON a.id = es.application_id
WHERE es.session_id = @session_id AND a.status = 'exam_scheduled'
  AND (a.exam_session_id IS DISTINCT FROM es.session_id OR a.seat IS DISTINCT FROM es.seat)
ORDER BY es.seat;

-- name: ReleaseStaleSeats :exec
-- Frees the seats of the session that were reserved but never announced to an application that has since
-- left exam_scheduled (withdrawn, revoked): nobody will sit there.
DELETE FROM exam_seats es
USING applications a
WHERE es.session_id = @session_id AND a.id = es.application_id AND a.status <> 'exam_scheduled'
  AND a.exam_session_id IS DISTINCT FROM es.session_id;

-- name: DeleteExamSeat :exec
DELETE FROM exam_seats WHERE session_id = @session_id AND application_id = @application_id;

-- name: GetSeatOfApplication :one
SELECT session_id, seat, application_id, assigned_by, assigned_at FROM exam_seats WHERE application_id = @application_id;

-- name: ListApplicationsByIDs :many
SELECT id, region, status, level, view FROM applications WHERE id = ANY (@ids::uuid[]);

-- name: InsertScoreImport :exec
INSERT INTO score_imports (id, imported_by, filename, format, sha256, row_count, applied, results)
VALUES (@id, @imported_by, @filename, @format, @sha256, @row_count, @applied, @results);

-- name: SearchApplications :many
-- The admin search: filters, the scope region (NULL = all), and q as an application ID prefix, an exact phone
-- number, or a masked-name pattern (LIKE, '_' for each masked character). No full-text search on personal data.
-- Newest first, ties by ID in the order of the indexes (created_at DESC, id); after_at/after_id (keyset paging)
-- start after that application.
SELECT a.id, a.status, a.batch_id, a.region, a.employer, a.occupation_code, o.name AS occupation_name, a.level,
       a.pathway, a.certificate_number, a.exam_session_id, a.seat, a.created_at, a.updated_at, u.name AS applicant_name
FROM applications a
JOIN users u ON u.id = a.applicant_id
JOIN occupations o ON o.code = a.occupation_code
WHERE (sqlc.narg(scope_region)::text IS NULL OR a.region = sqlc.narg(scope_region)::text)
  AND (sqlc.narg(status)::text IS NULL OR a.status = sqlc.narg(status)::text)
  AND (sqlc.narg(region)::text IS NULL OR a.region = sqlc.narg(region)::text)
  AND (sqlc.narg(occupation_code)::text IS NULL OR a.occupation_code = sqlc.narg(occupation_code)::text)
  AND (sqlc.narg(level)::int IS NULL OR a.level = sqlc.narg(level)::int)
  AND (sqlc.narg(batch_id)::text IS NULL OR a.batch_id = sqlc.narg(batch_id)::text)
  AND (NOT sqlc.arg(has_q)::boolean
       OR (sqlc.narg(id_prefix)::text IS NOT NULL AND a.id::text LIKE sqlc.narg(id_prefix)::text || '%')
       OR (sqlc.narg(phone)::text IS NOT NULL AND u.phone = sqlc.narg(phone)::text)
       OR (sqlc.narg(name_pattern)::text IS NOT NULL AND u.name LIKE sqlc.narg(name_pattern)::text))
  AND (sqlc.narg(after_at)::timestamptz IS NULL
       OR (a.created_at <= sqlc.narg(after_at)::timestamptz
           AND (a.created_at < sqlc.narg(after_at)::timestamptz OR a.id > sqlc.narg(after_id)::uuid)))
ORDER BY a.created_at DESC, a.id
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: ListRosterRows :many
-- Seated applications (not withdrawn or revoked) of a session or region, in seat order.
SELECT s.id AS session_id, s.region, s.venue, s.starts_at, es.seat, a.id AS application_id, a.occupation_code,
       o.name AS occupation_name, a.level, a.status, u.name AS applicant_name, u.id_number_masked
FROM exam_seats es
JOIN exam_sessions s ON s.id = es.session_id
JOIN applications a ON a.id = es.application_id
JOIN occupations o ON o.code = a.occupation_code
JOIN users u ON u.id = a.applicant_id
WHERE (sqlc.narg(session_id)::uuid IS NULL OR s.id = sqlc.narg(session_id)::uuid)
  AND (sqlc.narg(region)::text IS NULL OR s.region = sqlc.narg(region)::text)
  AND a.status NOT IN ('withdrawn', 'revoked')
ORDER BY s.starts_at, s.id, es.seat;

-- name: ListApplicationAudit :many
-- The full audit trail of one application, oldest first.
SELECT e.id, e.application_id, e.seq, e.action, e.at, e.actor_id, e.actor_role, e.from_status, e.to_status,
       e.reason, e.details
FROM audit_events e
WHERE e.application_id = @application_id
  AND (sqlc.narg(after_at)::timestamptz IS NULL
       OR (e.at, e.seq, e.id) > (sqlc.narg(after_at)::timestamptz, sqlc.narg(after_seq)::bigint, sqlc.narg(after_id)::bigint))
ORDER BY e.at, e.seq, e.id
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: ListRecentAudit :many
-- The newest audit events within the scope region (NULL = all).
SELECT e.id, e.application_id, e.seq, e.action, e.at, e.actor_id, e.actor_role, e.from_status, e.to_status,
       e.reason, e.details
FROM audit_events e
WHERE (sqlc.narg(scope_region)::text IS NULL
       OR EXISTS (SELECT 1 FROM applications a WHERE a.id = e.application_id AND a.region = sqlc.narg(scope_region)::text))
  AND (sqlc.narg(after_at)::timestamptz IS NULL
       OR (e.at, e.id) < (sqlc.narg(after_at)::timestamptz, sqlc.narg(after_id)::bigint))
ORDER BY e.at DESC, e.id DESC
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);
