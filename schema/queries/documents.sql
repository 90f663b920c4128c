-- name: RecordDocumentInspection :exec
-- The verdict on the version read (version_id), with the PDF copy of an accepted photo. A refused new
-- version (a second upload through the same policy) does not demote a document already accepted: its
-- accepted version stays what counts.
UPDATE documents
SET status = @status, kind = @kind, size = @size, sha256 = @sha256, text_chars = @text_chars, reason = @reason,
    inspected_at = @at, version_id = @version_id, pdf_photo_key = @pdf_photo_key,
    pdf_photo_version = @pdf_photo_version
WHERE id = @id AND NOT (status = 'accepted' AND @status::text <> 'accepted');
