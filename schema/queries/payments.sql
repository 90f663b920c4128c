-- The payments table: every payment the platform reports.

-- name: RecordPayment :exec
-- Every payment the platform reports is kept; a repeat of the same transaction changes nothing.
INSERT INTO payments (transaction_id, order_id, application_id, amount_fen, paid_at, outcome, reason)
VALUES (@transaction_id, @order_id, @application_id, @amount_fen, @paid_at, @outcome, @reason)
ON CONFLICT (transaction_id) DO NOTHING;

-- name: GetPaymentByTransaction :one
SELECT * FROM payments WHERE transaction_id = @transaction_id;
