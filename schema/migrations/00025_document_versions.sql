-- +goose Up
-- The accepted file is what counts: the bucket is versioned, and a presigned upload policy stays valid until
-- it expires, so a second upload through it makes a new version of the same key. The inspection records the
-- version it read (with the SHA-256 it already records), and every later read (downloads, PDFs) uses that
-- version. Accepted photos also get a downscaled JPEG copy under a key no upload policy names, which the
-- PDFs embed (pdf_photo_key, pdf_photo_version).
ALTER TABLE documents
    ADD COLUMN version_id        text,
    ADD COLUMN pdf_photo_key     text,
    ADD COLUMN pdf_photo_version text;

-- +goose Down
ALTER TABLE documents DROP COLUMN pdf_photo_version, DROP COLUMN pdf_photo_key, DROP COLUMN version_id;
