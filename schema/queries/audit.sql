-- Tamper-evident audit trail (migration 00030): reading the chain for verification and export, and the
-- account events of admin actions on user accounts.

-- name: GetAuditChainHead :one
SELECT last_seq, last_hash FROM audit_chain_head WHERE id = 1;

-- name: ListAuditChain :many
-- A batch of the chain after position after, in chain order, with each value as the hash covers it.
SELECT chain_seq, prev_hash, hash, subject, application_id::text AS application_id, seq, action,
       (extract(epoch FROM at) * 1000000)::bigint AS at_us, at, actor_id, actor_role, from_status,
       to_status, reason, COALESCE(details::text, '')::text AS details, (details IS NOT NULL)::boolean AS has_details
FROM audit_events
WHERE chain_seq > sqlc.arg(after)::bigint
ORDER BY chain_seq
LIMIT sqlc.arg(lim);

-- name: InsertAccountAuditEvent :exec
-- An admin action on a user account; application_id names the account (subject 'account').
INSERT INTO audit_events (subject, application_id, seq, action, at, actor_id, actor_role, reason, details)
VALUES ('account', @account_id, @seq, @action, @at, @actor_id, @actor_role, @reason, @details);

-- name: CountEvaluationsBy :one
-- Whether the committee member already scored the application (their evaluation_recorded event).
SELECT count(*) FROM audit_events
WHERE application_id = @application_id AND action = 'evaluation_recorded' AND actor_id = @actor_id;
