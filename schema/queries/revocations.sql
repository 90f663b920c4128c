-- name: LockApplicationForRevocation :one
SELECT id, applicant_id, status, seq, certificate_number FROM applications WHERE id = @id FOR UPDATE;

-- name: MarkApplicationRevoked :exec
-- A certified application whose workflow has completed is revoked here: status, sequence number and the
-- reason in the stored view (the applicant's page lists it).
UPDATE applications
SET status = 'revoked', seq = @seq, updated_at = @at,
    view = jsonb_set(view, '{reasons}', COALESCE(view -> 'reasons', '[]'::jsonb) || to_jsonb(@reason::text))
WHERE id = @id;
