-- The certificate_serials table: the serial counter of each site, year and level.

-- name: NextCertificateSerial :one
INSERT INTO certificate_serials (site_code, year, level, last) VALUES (@site_code, @year, @level, 1)
ON CONFLICT (site_code, year, level) DO UPDATE SET last = certificate_serials.last + 1
RETURNING last;

-- name: RaiseCertificateSerial :exec
-- Makes the serial counter of a site, year and level at least @serial (restoring an issued certificate).
INSERT INTO certificate_serials (site_code, year, level, last) VALUES (@site_code, @year, @level, @serial)
ON CONFLICT (site_code, year, level) DO UPDATE SET last = GREATEST(certificate_serials.last, EXCLUDED.last);
