-- name: GetPaymentByTransaction :one
SELECT * FROM payments WHERE transaction_id = @transaction_id;
