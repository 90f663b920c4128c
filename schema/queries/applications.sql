-- The applications table: the projection of each application workflow (written by RecordTransition and
-- RevokeApplication), and the gateway's reads of it.

-- name: InsertApplication :execrows
INSERT INTO applications (id, applicant_id, batch_id, region, employer, occupation_code, level, pathway, status, seq,
                          view, payment_due_at, correction_due_at, exam_session_id, seat, certificate_number,
                          created_at, updated_at)
VALUES (@id, @applicant_id, @batch_id, @region, @employer, @occupation_code, @level, @pathway, @status, @seq,
        @view, @payment_due_at, @correction_due_at, @exam_session_id, @seat, @certificate_number, @at, @at)
ON CONFLICT (id) DO NOTHING;

-- name: UpdateApplication :one
-- Writes a newer state of the application and returns the status it replaced (no row: not newer). The row
-- is locked first, so a concurrent write of the same application is waited for and its status is the one
-- replaced.
WITH old AS (SELECT o.id, o.status FROM applications o WHERE o.id = @id FOR UPDATE)
UPDATE applications a
SET status             = @status,
    seq                = @seq,
    view               = @view,
    payment_due_at     = @payment_due_at,
    correction_due_at  = @correction_due_at,
    exam_session_id    = @exam_session_id,
    seat               = @seat,
    certificate_number = @certificate_number,
    updated_at         = @at
FROM old
WHERE a.id = old.id
  AND a.seq < @seq
RETURNING old.status::text AS old_status;

-- name: FindActiveDuplicate :one
SELECT id FROM applications
WHERE applicant_id = @applicant_id AND batch_id = @batch_id AND occupation_code = @occupation_code AND level = @level
  AND application_holds_place(status)
  AND id <> @id
LIMIT 1;

-- name: GetApplicationSeq :one
-- The sequence number of the application's newest projected transition (part of derived Update IDs).
SELECT seq FROM applications WHERE id = @id;

-- name: CommitteeTaskFacts :many
-- For the applications of a committee member's inbox page: the employer, and whether the member scored it.
SELECT a.id, a.employer,
       EXISTS (SELECT 1 FROM audit_events e WHERE e.application_id = a.id AND e.action = 'evaluation_recorded'
               AND e.actor_id = sqlc.arg(actor_id)::uuid) AS scored
FROM applications a
WHERE a.id = ANY (sqlc.arg(ids)::uuid[]);

-- name: ListRunningApplicationsOfBatch :many
-- Applications whose workflow may still be running (not in a final status).
SELECT id FROM applications
WHERE batch_id = @batch_id AND NOT application_status_final(status)
ORDER BY id;

-- name: GetApplication :one
SELECT * FROM applications WHERE id = @id;

-- name: ListApplicationsOfApplicant :many
SELECT * FROM applications WHERE applicant_id = @applicant_id ORDER BY created_at DESC, id;

-- name: FindActiveApplication :one
-- The active application of this person for the same batch, occupation and level, if any.
SELECT id FROM applications
WHERE applicant_id = @applicant_id AND batch_id = @batch_id AND occupation_code = @occupation_code AND level = @level
  AND application_holds_place(status)
LIMIT 1;

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

-- name: ListApplicationsByIDs :many
SELECT id, region, status, level, view FROM applications WHERE id = ANY (@ids::uuid[]);

-- name: SearchApplications :many
-- The admin search: filters, the scope region (NULL = all), and q as an application ID prefix, an exact phone
-- number, or a masked-name pattern (LIKE, '_' for each masked character). No full-text search on personal data.
-- Newest first, ties by ID in the order of the indexes (created_at DESC, id); after_at/after_id (keyset paging)
-- start after that application. Without q the first half answers (the indexes give its order); with q the
-- second, whose matches come from the indexes of each kind of term (the ID range of the prefix, the phone,
-- the name) rather than from testing every application in order; the other half is planned away. The second
-- half picks its page from index entries (users_name_pattern_id, applications_applicant_search) and reads
-- the rows of that page only. A masked name showing one character or one pair first ('张*') is looked up by
-- that prefix (users_name_pattern_id, index entries only); any other ('张*伟', '*伟') by the characters it
-- shows (users_name_grams). The planner cannot choose between the two itself: it takes the LIKE and the
-- grams for independent and expects next to no match when both are there.
(SELECT a.id, a.status, a.batch_id, a.region, a.employer, a.occupation_code, o.name AS occupation_name, a.level,
       a.pathway, a.certificate_number, a.exam_session_id, a.seat, a.created_at, a.updated_at, u.name AS applicant_name
FROM applications a
JOIN users u ON u.id = a.applicant_id
JOIN occupations o ON o.code = a.occupation_code
WHERE NOT sqlc.arg(has_q)::boolean
  AND (sqlc.narg(scope_region)::text IS NULL OR a.region = sqlc.narg(scope_region)::text)
  AND (sqlc.narg(status)::text IS NULL OR a.status = sqlc.narg(status)::text)
  AND (sqlc.narg(region)::text IS NULL OR a.region = sqlc.narg(region)::text)
  AND (sqlc.narg(occupation_code)::text IS NULL OR a.occupation_code = sqlc.narg(occupation_code)::text)
  AND (sqlc.narg(level)::int IS NULL OR a.level = sqlc.narg(level)::int)
  AND (sqlc.narg(batch_id)::text IS NULL OR a.batch_id = sqlc.narg(batch_id)::text)
  AND (sqlc.narg(after_at)::timestamptz IS NULL
       OR (a.created_at <= sqlc.narg(after_at)::timestamptz
           AND (a.created_at < sqlc.narg(after_at)::timestamptz OR a.id > sqlc.narg(after_id)::uuid)))
ORDER BY a.created_at DESC, a.id
 LIMIT sqlc.arg(lim)::int + sqlc.arg(off)::int)
UNION ALL
(SELECT a.id, a.status, a.batch_id, a.region, a.employer, a.occupation_code, o.name AS occupation_name, a.level,
       a.pathway, a.certificate_number, a.exam_session_id, a.seat, pick.created_at, a.updated_at, u.name AS applicant_name
FROM (SELECT m.id, m.created_at
      FROM (SELECT x.id, x.created_at, x.region, x.status, x.level, x.occupation_code, x.batch_id
            FROM applications x
            WHERE sqlc.narg(id_prefix)::text IS NOT NULL
              AND x.id BETWEEN rpad(replace(sqlc.narg(id_prefix)::text, '-', ''), 32, '0')::uuid
                           AND rpad(replace(sqlc.narg(id_prefix)::text, '-', ''), 32, 'f')::uuid
              AND x.id::text LIKE sqlc.narg(id_prefix)::text || '%'
            UNION
            SELECT x.id, x.created_at, x.region, x.status, x.level, x.occupation_code, x.batch_id
            FROM users v JOIN applications x ON x.applicant_id = v.id
            WHERE sqlc.narg(phone)::text IS NOT NULL AND v.phone = sqlc.narg(phone)::text
            UNION
            SELECT x.id, x.created_at, x.region, x.status, x.level, x.occupation_code, x.batch_id
            FROM users v JOIN applications x ON x.applicant_id = v.id
            WHERE sqlc.narg(name_pattern)::text IS NOT NULL AND v.name LIKE sqlc.narg(name_pattern)::text
              AND ((sqlc.narg(name_pattern)::text ~ '^[^_]'
                    AND cardinality(name_pattern_grams(sqlc.narg(name_pattern)::text)) < 2)
                   OR name_grams(v.name) @> name_pattern_grams(sqlc.narg(name_pattern)::text))) m
      WHERE sqlc.arg(has_q)::boolean
        AND (sqlc.narg(scope_region)::text IS NULL OR m.region = sqlc.narg(scope_region)::text)
        AND (sqlc.narg(status)::text IS NULL OR m.status = sqlc.narg(status)::text)
        AND (sqlc.narg(region)::text IS NULL OR m.region = sqlc.narg(region)::text)
        AND (sqlc.narg(occupation_code)::text IS NULL OR m.occupation_code = sqlc.narg(occupation_code)::text)
        AND (sqlc.narg(level)::int IS NULL OR m.level = sqlc.narg(level)::int)
        AND (sqlc.narg(batch_id)::text IS NULL OR m.batch_id = sqlc.narg(batch_id)::text)
        AND (sqlc.narg(after_at)::timestamptz IS NULL
             OR (m.created_at <= sqlc.narg(after_at)::timestamptz
                 AND (m.created_at < sqlc.narg(after_at)::timestamptz OR m.id > sqlc.narg(after_id)::uuid)))
      ORDER BY m.created_at DESC, m.id
      LIMIT sqlc.arg(lim)::int + sqlc.arg(off)::int) pick
JOIN applications a ON a.id = pick.id
JOIN users u ON u.id = a.applicant_id
JOIN occupations o ON o.code = a.occupation_code
ORDER BY pick.created_at DESC, pick.id)
ORDER BY created_at DESC, id
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: LockApplicationForRevocation :one
SELECT id, applicant_id, status, seq, certificate_number FROM applications WHERE id = @id FOR UPDATE;

-- name: MarkApplicationRevoked :exec
-- A certified application whose workflow has completed is revoked here: status, sequence number and the
-- reason in the stored view (the applicant's page lists it).
UPDATE applications
SET status = 'revoked', seq = @seq, updated_at = @at,
    view = jsonb_set(view, '{reasons}', COALESCE(view -> 'reasons', '[]'::jsonb) || to_jsonb(@reason::text))
WHERE id = @id;
