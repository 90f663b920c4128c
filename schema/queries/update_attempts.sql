-- The update_attempts table: generations of derived Update IDs.

-- name: GetUpdateGeneration :one
SELECT generation FROM update_attempts WHERE base_id = @base_id;

-- name: BumpUpdateGeneration :exec
-- After a transient failure of one generation, the next attempt uses @generation (one more).
INSERT INTO update_attempts (base_id, generation) VALUES (@base_id, @generation)
ON CONFLICT (base_id) DO UPDATE SET generation = GREATEST(update_attempts.generation, EXCLUDED.generation), updated_at = now();
