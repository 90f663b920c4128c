-- The certificates table: the registry of issued certificates and the public checks.

-- name: GetCertificateByApplication :one
SELECT * FROM certificates WHERE application_id = @application_id;

-- name: InsertCertificate :exec
INSERT INTO certificates (number, application_id, applicant_id, name_masked, occupation_code, occupation_name, level, issued_on)
VALUES (@number, @application_id, @applicant_id, @name_masked, @occupation_code, @occupation_name, @level, @issued_on);

-- name: RevokeCertificate :exec
UPDATE certificates SET status = 'revoked', revoked_at = @at, revoked_reason = @reason
WHERE application_id = @application_id AND status = 'valid';

-- name: GetCertificateHolderName :one
-- The holder's name, for the public name check of a certificate (never returned, only compared).
SELECT u.name FROM certificates c JOIN users u ON u.id = c.applicant_id WHERE c.number = @number;

-- name: CertificateNumberTaken :one
SELECT EXISTS (SELECT 1 FROM certificates WHERE number = @number);

-- name: GetCertificate :one
SELECT * FROM certificates WHERE number = @number;
