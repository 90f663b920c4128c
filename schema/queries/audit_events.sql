-- The audit_events table: the append-only, hash-chained audit trail (migration 00030) of applications and
-- accounts.

-- name: InsertAuditEvent :exec
INSERT INTO audit_events (application_id, seq, action, at, actor_id, actor_role, from_status, to_status, reason, details)
VALUES (@application_id, @seq, @action, @at, @actor_id, @actor_role, @from_status, @to_status, @reason, @details)
ON CONFLICT (application_id, seq, action) DO NOTHING;

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

-- name: ListAuditEvents :many
SELECT at, actor_role, action, from_status, to_status, reason FROM audit_events
WHERE application_id = @application_id ORDER BY at, seq, id;

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
-- The newest audit events within the scope region (NULL = all): the events of the region's applications
-- (e.region, migration 00055; account events have none). The page is chosen from the index alone (the
-- rows an OFFSET skips are never read from the table), then its events are read.
SELECT e.id, e.application_id, e.seq, e.action, e.at, e.actor_id, e.actor_role, e.from_status, e.to_status,
       e.reason, e.details
FROM (SELECT r.at, r.id FROM audit_events r
      WHERE (sqlc.narg(scope_region)::text IS NULL OR r.region = sqlc.narg(scope_region)::text)
        AND (sqlc.narg(after_at)::timestamptz IS NULL
             OR (r.at, r.id) < (sqlc.narg(after_at)::timestamptz, sqlc.narg(after_id)::bigint))
      ORDER BY r.at DESC, r.id DESC
      LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off)) p
JOIN audit_events e ON e.id = p.id
ORDER BY p.at DESC, p.id DESC;
