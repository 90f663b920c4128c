-- The audit_chain_head table: the end of the audit hash chain.

-- name: GetAuditChainHead :one
SELECT last_seq, last_hash FROM audit_chain_head WHERE id = 1;
