-- name: GetBatchWindows :one
SELECT registration_closes_at, payment_opens_at, payment_closes_at, exam_starts_at FROM batches WHERE id = @id;
