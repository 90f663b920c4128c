-- The regions table.

-- name: UpsertRegion :exec
INSERT INTO regions (name, sort_order) VALUES (@name, @sort_order)
ON CONFLICT (name) DO UPDATE SET sort_order = EXCLUDED.sort_order;

-- name: ListRegions :many
SELECT name FROM regions ORDER BY sort_order, name;

-- name: RegionExists :one
SELECT EXISTS (SELECT 1 FROM regions WHERE name = @name);
