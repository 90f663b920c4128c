-- +goose Up
-- The final statuses of an application (skillcert.Status.Final: nothing but revocation follows them),
-- defined once for every query, index and check; a test compares them with the Go rule.
-- +goose StatementBegin
CREATE FUNCTION application_status_final(status text) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN status IN ('certified', 'failed', 'rejected', 'expired', 'withdrawn', 'abandoned', 'revoked');
-- +goose StatementEnd

-- An application holds its person's place for a batch, occupation and level (one active application
-- each) until it ends without a certificate.
-- +goose StatementBegin
CREATE FUNCTION application_holds_place(status text) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN NOT application_status_final(status) OR status = 'certified';
-- +goose StatementEnd

-- The same index as before (00001), its predicate now the function.
DROP INDEX applications_one_active;
CREATE UNIQUE INDEX applications_one_active ON applications (applicant_id, batch_id, occupation_code, level)
    WHERE application_holds_place(status);

-- +goose Down
DROP INDEX applications_one_active;
CREATE UNIQUE INDEX applications_one_active ON applications (applicant_id, batch_id, occupation_code, level)
    WHERE status NOT IN ('rejected','expired','withdrawn','abandoned','revoked','failed');
DROP FUNCTION application_holds_place(text);
DROP FUNCTION application_status_final(text);
