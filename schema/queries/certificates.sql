-- Certificate registry: issuance with permuted serials, the public name check.

-- name: GetCertificateHolderName :one
-- The holder's name, for the public name check of a certificate (never returned, only compared).
SELECT u.name FROM certificates c JOIN users u ON u.id = c.applicant_id WHERE c.number = @number;

-- name: CertificateNumberTaken :one
SELECT EXISTS (SELECT 1 FROM certificates WHERE number = @number);
