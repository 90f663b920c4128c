-- name: InsertApplication :execrows
INSERT INTO applications (id, applicant_id, batch_id, region, employer, occupation_code, level, pathway, status, seq,
                          view, payment_due_at, correction_due_at, exam_session_id, seat, certificate_number,
                          created_at, updated_at)
VALUES (@id, @applicant_id, @batch_id, @region, @employer, @occupation_code, @level, @pathway, @status, @seq,
        @view, @payment_due_at, @correction_due_at, @exam_session_id, @seat, @certificate_number, @at, @at)
ON CONFLICT (id) DO NOTHING;

-- name: UpdateApplication :one
-- Writes a newer state of the application and returns the status it replaced (no row: not newer). The row
-- is locked first, so a concurrent write of the same application is waited for and its status is the one
-- replaced.
WITH old AS (SELECT o.id, o.status FROM applications o WHERE o.id = @id FOR UPDATE)
UPDATE applications a
SET status             = @status,
    seq                = @seq,
    view               = @view,
    payment_due_at     = @payment_due_at,
    correction_due_at  = @correction_due_at,
    exam_session_id    = @exam_session_id,
    seat               = @seat,
    certificate_number = @certificate_number,
    updated_at         = @at
FROM old
WHERE a.id = old.id
  AND a.seq < @seq
RETURNING old.status::text AS old_status;

-- name: FindActiveDuplicate :one
SELECT id FROM applications
WHERE applicant_id = @applicant_id AND batch_id = @batch_id AND occupation_code = @occupation_code AND level = @level
  AND application_holds_place(status)
  AND id <> @id
LIMIT 1;

-- name: InsertAuditEvent :exec
INSERT INTO audit_events (application_id, seq, action, at, actor_id, actor_role, from_status, to_status, reason, details)
VALUES (@application_id, @seq, @action, @at, @actor_id, @actor_role, @from_status, @to_status, @reason, @details)
ON CONFLICT (application_id, seq, action) DO NOTHING;

-- name: CompleteTask :exec
UPDATE tasks SET status = 'completed', completed_at = @at, completed_by = @completed_by
WHERE id = @id AND status IN ('open','claimed');

-- name: CancelOtherTasks :exec
UPDATE tasks SET status = 'cancelled', completed_at = @at
WHERE application_id = @application_id AND status IN ('open','claimed') AND NOT (id = ANY(@keep::uuid[]));

-- name: InsertTask :exec
INSERT INTO tasks (id, application_id, type, status, role, region, assignee_id, seq, created_at, due_at)
VALUES (@id, @application_id, @type, CASE WHEN sqlc.narg('assignee_id')::uuid IS NULL THEN 'open' ELSE 'claimed' END,
        @role, @region, sqlc.narg('assignee_id'), @seq, @at, @due_at)
ON CONFLICT (id) DO NOTHING;

-- name: InsertNotification :exec
INSERT INTO notifications (dedupe_key, application_id, recipient_role, recipient_id, kind, message, created_at)
VALUES (@dedupe_key, @application_id, @recipient_role, @recipient_id, @kind, @message, @at)
ON CONFLICT (dedupe_key) DO NOTHING;

-- name: LoadDocumentForInspection :one
SELECT * FROM documents WHERE id = @id AND application_id = @application_id;

-- name: RecordInspection :exec
UPDATE documents
SET status = @status, kind = @kind, size = @size, sha256 = @sha256, text_chars = @text_chars, reason = @reason,
    inspected_at = @at
WHERE id = @id;

-- name: SupersedeDocuments :exec
UPDATE documents SET status = 'superseded'
WHERE application_id = @application_id AND doc_type = @doc_type AND status = 'accepted' AND id <> @keep;

-- name: GetCertificateByApplication :one
SELECT * FROM certificates WHERE application_id = @application_id;

-- name: NextCertificateSerial :one
INSERT INTO certificate_serials (site_code, year, level, last) VALUES (@site_code, @year, @level, 1)
ON CONFLICT (site_code, year, level) DO UPDATE SET last = certificate_serials.last + 1
RETURNING last;

-- name: InsertCertificate :exec
INSERT INTO certificates (number, application_id, applicant_id, name_masked, occupation_code, occupation_name, level, issued_on)
VALUES (@number, @application_id, @applicant_id, @name_masked, @occupation_code, @occupation_name, @level, @issued_on);

-- name: RevokeCertificate :exec
UPDATE certificates SET status = 'revoked', revoked_at = @at, revoked_reason = @reason
WHERE application_id = @application_id AND status = 'valid';

-- name: GetApplicantName :one
SELECT name FROM users WHERE id = @id;

-- name: InsertPaymentOrder :exec
INSERT INTO payment_orders (id, application_id, amount_fen, due_at, created_at)
VALUES (@id, @application_id, @amount_fen, @due_at, @at)
ON CONFLICT (id) DO UPDATE SET due_at = EXCLUDED.due_at;

-- name: InsertPaymentRecord :exec
INSERT INTO payments (transaction_id, order_id, application_id, amount_fen, paid_at, outcome, reason)
VALUES (@transaction_id, @order_id, @application_id, @amount_fen, @paid_at, @outcome, @reason)
ON CONFLICT (transaction_id) DO NOTHING;

-- name: MarkOrderPaid :exec
UPDATE payment_orders SET status = 'paid' WHERE id = @id;
