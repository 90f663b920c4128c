-- The incidents table: failed side effects handed to an admin.

-- name: InsertIncident :exec
INSERT INTO incidents (task_id, application_id, action, error, seq, created_at)
VALUES (@task_id, @application_id, @action, @error, @seq, @at)
ON CONFLICT (task_id) DO NOTHING;

-- name: GetIncident :one
SELECT * FROM incidents WHERE task_id = @task_id;
