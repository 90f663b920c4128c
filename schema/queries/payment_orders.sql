-- The payment_orders table: what an applicant is asked to pay.

-- name: InsertPaymentOrder :exec
INSERT INTO payment_orders (id, application_id, amount_fen, due_at, created_at)
VALUES (@id, @application_id, @amount_fen, @due_at, @at)
ON CONFLICT (id) DO UPDATE SET due_at = EXCLUDED.due_at;

-- name: MarkOrderPaid :exec
UPDATE payment_orders SET status = 'paid' WHERE id = @id;

-- name: GetPaymentOrder :one
SELECT * FROM payment_orders WHERE id = @id;
