-- name: RaiseCertificateSerial :exec
-- Makes the serial counter of a site, year and level at least @serial (restoring an issued certificate).
INSERT INTO certificate_serials (site_code, year, level, last) VALUES (@site_code, @year, @level, @serial)
ON CONFLICT (site_code, year, level) DO UPDATE SET last = GREATEST(certificate_serials.last, EXCLUDED.last);
