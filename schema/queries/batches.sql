-- The batches table: registration, payment and exam windows.

-- name: GetBatchWindows :one
SELECT registration_closes_at, payment_opens_at, payment_closes_at, exam_starts_at FROM batches WHERE id = @id;

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
