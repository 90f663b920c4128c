-- The score_imports table: imported score files.

-- name: InsertScoreImport :exec
INSERT INTO score_imports (id, imported_by, filename, format, sha256, row_count, applied, results)
VALUES (@id, @imported_by, @filename, @format, @sha256, @row_count, @applied, @results);
