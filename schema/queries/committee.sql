-- Committee members' access (issue 11, finding 8).

-- name: HasOpenTaskOfType :one
-- Whether the application has an open (or claimed) task of the type.
SELECT EXISTS (SELECT 1 FROM tasks WHERE application_id = @application_id AND type = @type
               AND status IN ('open', 'claimed'));
