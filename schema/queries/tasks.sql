-- The tasks table: the work items of staff (inbox, claims, incidents).

-- name: CompleteTask :exec
UPDATE tasks SET status = 'completed', completed_at = @at, completed_by = @completed_by
WHERE id = @id AND status IN ('open','claimed');

-- name: CancelOtherTasks :exec
UPDATE tasks SET status = 'cancelled', completed_at = @at
WHERE application_id = @application_id AND status IN ('open','claimed') AND NOT (id = ANY(@keep::uuid[]));

-- name: InsertTask :exec
-- applicant_id is the application's (read in the same statement).
INSERT INTO tasks (id, application_id, type, status, role, region, assignee_id, seq, created_at, due_at, applicant_id)
VALUES (@id, @application_id, @type, CASE WHEN sqlc.narg('assignee_id')::uuid IS NULL THEN 'open' ELSE 'claimed' END,
        @role, @region, sqlc.narg('assignee_id'), @seq, @at, @due_at,
        (SELECT applicant_id FROM applications WHERE id = @application_id))
ON CONFLICT (id) DO NOTHING;

-- name: HasOpenTaskOfType :one
-- Whether the application has an open (or claimed) task of the type.
SELECT EXISTS (SELECT 1 FROM tasks WHERE application_id = @application_id AND type = @type
               AND status IN ('open', 'claimed'));

-- name: ApplicationHasTaskType :one
SELECT EXISTS (SELECT 1 FROM tasks WHERE application_id = @application_id AND type = @type);

-- name: ListInboxTasks :many
-- The inbox: tasks of the admitted roles (NULL = all) within the scope region (NULL = all), filtered, oldest
-- first; after_at/after_id (keyset paging) start after that task. q matches an application ID prefix, an
-- occupation code, or a part of the applicant's name, all literally (LIKE's wildcards are escaped).
-- Exactly one of four parts answers, each with its own page (inbox is inlined into each):
--   - no q: the page's task IDs come from the inbox index alone (an OFFSET over index entries is cheap, one
--     over joined rows is not), and only those tasks are joined with their applications;
--   - q that can only be part of a name (it is not a run of ID characters nor an occupation code) and that
--     fewer than name_bound names contain (NULL: name_search_bound(), sqrt(150 × accounts); 0 forces a walk
--     below): from those accounts (named, read once: counted, then used) to their applications' tasks. Reading M accounts'
--     tasks costs about M index lookups; walking the inbox to 51 tasks of M accounts in U reads 51 × U / M
--     tasks, each dearer: the two meet near M = sqrt(150 U). A task's region is its application's
--     (workflows/steps.go tasks), so the applications outside the region asked for are dropped before their
--     tasks are looked up;
--   - such a q that fewer than name_set_bound names contain (NULL: name_set_bound()): the inbox in order,
--     each task's applicant (tasks.applicant_id) tested against the hashed set of those accounts (IS TRUE
--     keeps the IN a hashed subplan rather than a join that would lose the order); only the page's tasks
--     read their applications;
--   - such a q that more names contain: the inbox in order, each task's account read by tasks.applicant_id;
--   - any other q (an ID prefix, an occupation code): the inbox in order, testing each task with its
--     application, which finds a page of common matches soon.
WITH bound AS MATERIALIZED (
    SELECT coalesce(sqlc.narg(name_bound)::int, name_search_bound()) AS n,
           coalesce(sqlc.narg(name_set_bound)::int, name_set_bound()) AS s
), named AS MATERIALIZED (
    -- One character: && (the name holds it), which the index answers without a recheck; @> would recompute
    -- name_grams of every matching name (a tenth of a one-character search's time). LIKE decides either way.
    (SELECT u.id FROM users u
     WHERE char_length(sqlc.narg(q)::text) = 1
       AND name_grams(u.name) && ARRAY[sqlc.narg(q)::text]
       AND u.name LIKE '%' || like_literal(sqlc.narg(q)::text) || '%'
     UNION ALL
     SELECT u.id FROM users u
     WHERE char_length(sqlc.narg(q)::text) <> 1
       AND name_grams(u.name) @> name_query_grams(sqlc.narg(q)::text)
       AND u.name LIKE '%' || like_literal(sqlc.narg(q)::text) || '%')
    LIMIT (SELECT greatest(n, s) FROM bound)
), q AS MATERIALIZED (
    SELECT CASE WHEN sqlc.narg(q)::text ~ '^[0-9a-f-]*$'
                     OR EXISTS (SELECT 1 FROM occupations WHERE code = sqlc.narg(q)::text) THEN 'other'
                WHEN m < n THEN 'accounts'
                WHEN m < s THEN 'set'
                ELSE 'walk' END AS way
    FROM bound, (SELECT count(*) AS m FROM named) c
    WHERE sqlc.narg(q)::text IS NOT NULL
), inbox AS NOT MATERIALIZED (
    SELECT t.id, t.application_id, t.applicant_id, t.type, t.status, t.role, t.region, t.assignee_id,
           t.created_at, t.due_at
    FROM tasks t
    WHERE (sqlc.narg(roles)::text[] IS NULL OR t.role = ANY (sqlc.narg(roles)::text[]))
      AND (sqlc.narg(scope_region)::text IS NULL OR t.region = sqlc.narg(scope_region)::text)
      AND (sqlc.narg(type)::text IS NULL OR t.type = sqlc.narg(type)::text)
      AND (CASE WHEN sqlc.narg(status)::text IS NULL THEN t.status IN ('open','claimed')
                ELSE t.status = sqlc.narg(status)::text END)
      AND (sqlc.narg(region)::text IS NULL OR t.region = sqlc.narg(region)::text)
      AND (sqlc.narg(application_id)::uuid IS NULL OR t.application_id = sqlc.narg(application_id)::uuid)
      AND (sqlc.narg(after_at)::timestamptz IS NULL
           OR (t.created_at, t.id) > (sqlc.narg(after_at)::timestamptz, sqlc.narg(after_id)::uuid))
)
(SELECT page.id, t.application_id, t.type, t.status, t.role, t.region, t.assignee_id, page.created_at, t.due_at,
       a.occupation_code, a.level, a.status AS application_status
FROM (SELECT p.id, p.created_at FROM inbox p
      WHERE sqlc.narg(q)::text IS NULL
      ORDER BY p.created_at, p.id
      LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off)) page
JOIN tasks t ON t.id = page.id
JOIN applications a ON a.id = t.application_id
ORDER BY page.created_at, page.id)
UNION ALL
(SELECT t.id, t.application_id, t.type, t.status, t.role, t.region, t.assignee_id, t.created_at, t.due_at,
       a.occupation_code, a.level, a.status AS application_status
FROM inbox t
JOIN applications a ON a.id = t.application_id
WHERE sqlc.narg(q)::text IS NOT NULL AND (SELECT way FROM q) = 'accounts'
  AND a.applicant_id IN (SELECT id FROM named)
  AND (sqlc.narg(scope_region)::text IS NULL OR a.region = sqlc.narg(scope_region)::text)
  AND (sqlc.narg(region)::text IS NULL OR a.region = sqlc.narg(region)::text)
ORDER BY t.created_at, t.id
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off))
UNION ALL
(SELECT page.id, t.application_id, t.type, t.status, t.role, t.region, t.assignee_id, page.created_at, t.due_at,
       a.occupation_code, a.level, a.status AS application_status
FROM (SELECT t.id, t.created_at FROM inbox t
      WHERE sqlc.narg(q)::text IS NOT NULL AND (SELECT way FROM q) = 'set'
        AND (t.applicant_id IN (SELECT id FROM named)) IS TRUE
      ORDER BY t.created_at, t.id
      LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off)) page
JOIN tasks t ON t.id = page.id
JOIN applications a ON a.id = t.application_id
ORDER BY page.created_at, page.id)
UNION ALL
(SELECT page.id, t.application_id, t.type, t.status, t.role, t.region, t.assignee_id, page.created_at, t.due_at,
       a.occupation_code, a.level, a.status AS application_status
FROM (SELECT t.id, t.created_at FROM inbox t
      WHERE sqlc.narg(q)::text IS NOT NULL AND (SELECT way FROM q) = 'walk'
        AND EXISTS (SELECT 1 FROM users u WHERE u.id = t.applicant_id
                                          AND u.name LIKE '%' || like_literal(sqlc.narg(q)::text) || '%')
      ORDER BY t.created_at, t.id
      LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off)) page
JOIN tasks t ON t.id = page.id
JOIN applications a ON a.id = t.application_id
ORDER BY page.created_at, page.id)
UNION ALL
(SELECT t.id, t.application_id, t.type, t.status, t.role, t.region, t.assignee_id, t.created_at, t.due_at,
       a.occupation_code, a.level, a.status AS application_status
FROM inbox t
JOIN applications a ON a.id = t.application_id
WHERE sqlc.narg(q)::text IS NOT NULL AND (SELECT way FROM q) = 'other'
  AND (a.id::text LIKE like_literal(sqlc.narg(q)::text) || '%'
       OR a.occupation_code = sqlc.narg(q)::text
       OR EXISTS (SELECT 1 FROM users u WHERE u.id = a.applicant_id
                                         AND u.name LIKE '%' || like_literal(sqlc.narg(q)::text) || '%'))
ORDER BY t.created_at, t.id
LIMIT sqlc.arg(lim) OFFSET sqlc.arg(off))
ORDER BY created_at, id;

-- name: GetTaskDetail :one
SELECT t.id, t.application_id, t.type, t.status, t.role, t.region, t.assignee_id, t.created_at, t.due_at,
       a.occupation_code, a.level, a.status AS application_status
FROM tasks t
JOIN applications a ON a.id = t.application_id
WHERE t.id = @id;

-- name: ClaimOpenTask :execrows
-- Takes the task for user_id when it is open (or already theirs). Two racing claims: the second waits for the
-- first to commit, re-reads the row and matches nothing.
UPDATE tasks SET status = 'claimed', assignee_id = @user_id
WHERE id = @id AND (status = 'open' OR (status = 'claimed' AND assignee_id = @user_id));

-- name: ReleaseTask :execrows
-- Gives a claimed task back to the inbox: the assignee may, and anyone when any_assignee is set (admins).
UPDATE tasks SET status = 'open', assignee_id = NULL
WHERE id = @id AND status = 'claimed' AND (assignee_id = @user_id OR @any_assignee::boolean);

-- name: AssignTaskTo :execrows
-- Gives the task to assignee_id: an open task, one the caller holds, or any active one when override is set.
UPDATE tasks SET status = 'claimed', assignee_id = @assignee_id
WHERE id = @id
  AND (status = 'open' OR (status = 'claimed' AND (assignee_id = @caller_id OR @override::boolean)));

-- name: InsertIncidentTask :exec
-- The admin task of an incident; a retry of the activity changes nothing. applicant_id is the application's.
INSERT INTO tasks (id, application_id, type, status, role, region, seq, created_at, applicant_id)
VALUES (@id, @application_id, 'incident', 'open', 'admin', @region, @seq, @at,
        (SELECT applicant_id FROM applications WHERE id = @application_id))
ON CONFLICT (id) DO NOTHING;

-- name: ApplicationsWithOpenIncident :many
-- Which of the given applications have an open incident (admin search marks them).
SELECT DISTINCT application_id FROM tasks
WHERE type = 'incident' AND status IN ('open','claimed') AND application_id = ANY(@ids::uuid[]);
