-- The occupations table: the catalogue of occupations and their levels.

-- name: InsertOccupationIfMissing :exec
-- Seeding never overwrites what an admin changed.
INSERT INTO occupations (code, name, levels, conditions) VALUES (@code, @name, @levels, @conditions)
ON CONFLICT (code) DO NOTHING;

-- name: ListOccupations :many
SELECT code, name, levels, conditions FROM occupations WHERE active ORDER BY code;

-- name: GetOccupation :one
SELECT code, name, levels, conditions, active FROM occupations WHERE code = @code;
