-- Committee members' access (issue 11, finding 8).

-- name: HasOpenTaskOfType :one
-- Whether the application has an open (or claimed) task of the type.
SELECT EXISTS (SELECT 1 FROM tasks WHERE application_id = @application_id AND type = @type
               AND status IN ('open', 'claimed'));

-- name: CommitteeTaskFacts :many
-- For the applications of a committee member's inbox page: the employer, and whether the member scored it.
SELECT a.id, a.employer,
       EXISTS (SELECT 1 FROM audit_events e WHERE e.application_id = a.id AND e.action = 'evaluation_recorded'
               AND e.actor_id = sqlc.arg(actor_id)::uuid) AS scored
FROM applications a
WHERE a.id = ANY (sqlc.arg(ids)::uuid[]);
