-- name: CreateUser :exec
INSERT INTO users (id, role, username, phone, name, id_number_hash, id_number_enc, id_number_masked,
                   password_hash, region, employer)
VALUES (@id, @role, @username, @phone, @name, @id_number_hash, @id_number_enc, @id_number_masked, @password_hash, @region, @employer);

-- name: GetUserByID :one
SELECT * FROM users WHERE id = @id;

-- name: GetUserByLogin :one
-- Applicants log in with their phone, staff with their username.
SELECT * FROM users WHERE phone = sqlc.arg(login)::text OR username = sqlc.arg(login)::text LIMIT 1;

-- name: FindUserConflict :one
-- Which of phone, username or ID-number hash is already taken (for a friendly 409 before the insert).
SELECT
    EXISTS (SELECT 1 FROM users u WHERE u.phone = sqlc.narg(phone)::text)             AS phone_taken,
    EXISTS (SELECT 1 FROM users u WHERE u.username = sqlc.narg(username)::text)       AS username_taken,
    EXISTS (SELECT 1 FROM users u WHERE u.id_number_hash = sqlc.narg(id_hash)::text)  AS id_taken;

-- name: SetUserPassword :exec
UPDATE users SET password_hash = @password_hash WHERE id = @id;

-- name: ListStaffUsers :many
SELECT id, role, username, name, region, employer, disabled, created_at FROM users
WHERE role <> 'applicant' ORDER BY created_at, id;

-- name: UpsertRegion :exec
INSERT INTO regions (name, sort_order) VALUES (@name, @sort_order)
ON CONFLICT (name) DO UPDATE SET sort_order = EXCLUDED.sort_order;

-- name: ListRegions :many
SELECT name FROM regions ORDER BY sort_order, name;

-- name: RegionExists :one
SELECT EXISTS (SELECT 1 FROM regions WHERE name = @name);

-- name: InsertOccupationIfMissing :exec
-- Seeding never overwrites what an admin changed.
INSERT INTO occupations (code, name, levels, conditions) VALUES (@code, @name, @levels, @conditions)
ON CONFLICT (code) DO NOTHING;

-- name: ListOccupations :many
SELECT code, name, levels, conditions FROM occupations WHERE active ORDER BY code;

-- name: GetOccupation :one
SELECT code, name, levels, conditions, active FROM occupations WHERE code = @code;

-- name: CreateBatch :exec
INSERT INTO batches (id, name, registration_opens_at, registration_closes_at, payment_opens_at,
                     payment_closes_at, exam_starts_at)
VALUES (@id, @name, @registration_opens_at, @registration_closes_at, @payment_opens_at, @payment_closes_at, @exam_starts_at);

-- name: GetBatch :one
SELECT * FROM batches WHERE id = @id;

-- name: ListBatches :many
SELECT * FROM batches ORDER BY registration_opens_at DESC, id;

-- name: UpdateBatch :one
UPDATE batches SET name = @name, registration_opens_at = @registration_opens_at, registration_closes_at = @registration_closes_at,
                   payment_opens_at = @payment_opens_at, payment_closes_at = @payment_closes_at, exam_starts_at = @exam_starts_at, updated_at = now()
WHERE id = @id
RETURNING *;

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

-- name: ApplicationHasTaskType :one
SELECT EXISTS (SELECT 1 FROM tasks WHERE application_id = @application_id AND type = @type);

-- name: ListAuditEvents :many
SELECT at, actor_role, action, from_status, to_status, reason FROM audit_events
WHERE application_id = @application_id ORDER BY at, seq, id;

-- name: CreateDocument :exec
INSERT INTO documents (id, application_id, doc_type, object_key, filename, declared_type, declared_size, created_by)
VALUES (@id, @application_id, @doc_type, @object_key, @filename, @declared_type, @declared_size, @created_by);

-- name: GetDocument :one
SELECT * FROM documents WHERE id = @id AND application_id = @application_id;

-- name: GetPaymentOrder :one
SELECT * FROM payment_orders WHERE id = @id;

-- name: RecordPayment :exec
-- Every payment the platform reports is kept; a repeat of the same transaction changes nothing.
INSERT INTO payments (transaction_id, order_id, application_id, amount_fen, paid_at, outcome, reason)
VALUES (@transaction_id, @order_id, @application_id, @amount_fen, @paid_at, @outcome, @reason)
ON CONFLICT (transaction_id) DO NOTHING;

-- name: GetCertificate :one
SELECT * FROM certificates WHERE number = @number;

-- name: ListInboxTasks :many
-- The inbox: tasks of the admitted roles (NULL = all) within the scope region (NULL = all), filtered, oldest
-- first; after_at/after_id (keyset paging) start after that task.
SELECT t.id, t.application_id, t.type, t.status, t.role, t.region, t.assignee_id, t.created_at, t.due_at,
       a.occupation_code, a.level, a.status AS application_status
FROM tasks t
JOIN applications a ON a.id = t.application_id
WHERE (sqlc.narg(roles)::text[] IS NULL OR t.role = ANY (sqlc.narg(roles)::text[]))
  AND (sqlc.narg(scope_region)::text IS NULL OR t.region = sqlc.narg(scope_region)::text)
  AND (sqlc.narg(type)::text IS NULL OR t.type = sqlc.narg(type)::text)
  AND (CASE WHEN sqlc.narg(status)::text IS NULL THEN t.status IN ('open','claimed')
            ELSE t.status = sqlc.narg(status)::text END)
  AND (sqlc.narg(region)::text IS NULL OR t.region = sqlc.narg(region)::text)
  AND (sqlc.narg(application_id)::uuid IS NULL OR t.application_id = sqlc.narg(application_id)::uuid)
  AND (sqlc.narg(q)::text IS NULL
       OR a.id::text LIKE sqlc.narg(q)::text || '%'
       OR a.occupation_code = sqlc.narg(q)::text
       OR EXISTS (SELECT 1 FROM users u WHERE u.id = a.applicant_id AND u.name LIKE '%' || sqlc.narg(q)::text || '%'))
  AND (sqlc.narg(after_at)::timestamptz IS NULL
       OR (t.created_at, t.id) > (sqlc.narg(after_at)::timestamptz, sqlc.narg(after_id)::uuid))
ORDER BY t.created_at, t.id
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off);

-- name: ReserveIdempotencyKey :one
-- Claims the key for this request; status 0 marks a request still running. No row: the key was taken.
INSERT INTO idempotency_keys (user_id, key, request, status, body) VALUES (@user_id, @key, @request, 0, '')
ON CONFLICT (user_id, key) DO NOTHING
RETURNING user_id;

-- name: GetIdempotencyKey :one
SELECT * FROM idempotency_keys WHERE user_id = @user_id AND key = @key;

-- name: FinishIdempotencyKey :exec
UPDATE idempotency_keys SET status = @status, body = @body WHERE user_id = @user_id AND key = @key;

-- name: ReleaseIdempotencyKey :exec
DELETE FROM idempotency_keys WHERE user_id = @user_id AND key = @key AND status = 0;

-- name: DeleteOldIdempotencyKeys :exec
DELETE FROM idempotency_keys WHERE created_at < @created_at;

-- name: GetAcceptedDocument :one
-- The accepted document of a type (the newest, should several be accepted).
SELECT * FROM documents WHERE application_id = @application_id AND doc_type = @doc_type AND status = 'accepted'
ORDER BY inspected_at DESC NULLS LAST, created_at DESC LIMIT 1;
