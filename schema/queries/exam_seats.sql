-- The exam_seats table: seats of applications in exam sessions, and the roster export.

-- name: ListTakenSeats :many
SELECT seat FROM exam_seats WHERE session_id = @session_id ORDER BY seat;

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
