-- The documents table: uploaded application documents and their inspection.

-- name: RecordInspection :exec
UPDATE documents
SET status = @status, kind = @kind, size = @size, sha256 = @sha256, text_chars = @text_chars, reason = @reason,
    inspected_at = @at
WHERE id = @id;

-- name: SupersedeDocuments :exec
UPDATE documents SET status = 'superseded'
WHERE application_id = @application_id AND doc_type = @doc_type AND status = 'accepted' AND id <> @keep;

-- name: RecordDocumentInspection :exec
-- The verdict on the version read (version_id), with the PDF copy of an accepted photo. A refused new
-- version (a second upload through the same policy) does not demote a document already accepted: its
-- accepted version stays what counts.
UPDATE documents
SET status = @status, kind = @kind, size = @size, sha256 = @sha256, text_chars = @text_chars, reason = @reason,
    inspected_at = @at, version_id = @version_id, pdf_photo_key = @pdf_photo_key,
    pdf_photo_version = @pdf_photo_version
WHERE id = @id AND NOT (status = 'accepted' AND @status::text <> 'accepted');

-- name: CreateDocument :exec
INSERT INTO documents (id, application_id, doc_type, object_key, filename, declared_type, declared_size, created_by)
VALUES (@id, @application_id, @doc_type, @object_key, @filename, @declared_type, @declared_size, @created_by);

-- name: GetDocument :one
SELECT * FROM documents WHERE id = @id AND application_id = @application_id;

-- name: GetAcceptedDocument :one
-- The accepted document of a type (the newest, should several be accepted).
SELECT * FROM documents WHERE application_id = @application_id AND doc_type = @doc_type AND status = 'accepted'
ORDER BY inspected_at DESC NULLS LAST, created_at DESC LIMIT 1;
