-- name: GetApplicationSeq :one
-- The sequence number of the application's newest projected transition (part of derived Update IDs).
SELECT seq FROM applications WHERE id = @id;
