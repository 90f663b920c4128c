-- name: InsertIncidentTask :exec
-- The admin task of an incident; a retry of the activity changes nothing.
INSERT INTO tasks (id, application_id, type, status, role, region, seq, created_at)
VALUES (@id, @application_id, 'incident', 'open', 'admin', @region, @seq, @at)
ON CONFLICT (id) DO NOTHING;

-- name: InsertIncident :exec
INSERT INTO incidents (task_id, application_id, action, error, seq, created_at)
VALUES (@task_id, @application_id, @action, @error, @seq, @at)
ON CONFLICT (task_id) DO NOTHING;

-- name: GetIncident :one
SELECT * FROM incidents WHERE task_id = @task_id;

-- name: ApplicationsWithOpenIncident :many
-- Which of the given applications have an open incident (admin search marks them).
SELECT DISTINCT application_id FROM tasks
WHERE type = 'incident' AND status IN ('open','claimed') AND application_id = ANY(@ids::uuid[]);
