package objectstore

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
)

// PresignUpload returns the URL and form fields of a browser-style POST upload (multipart/form-data: every
// field, then the file in a part named "file") that can create exactly key, with exactly contentType, of
// 1 to maxBytes bytes, until ttl has passed (clamped to 1 minute … 24 hours). MinIO refuses any other key,
// content type or size.
func (s *Store) PresignUpload(ctx context.Context, key, contentType string, maxBytes int64, ttl time.Duration) (string, map[string]string, error) {
	if err := validKey(key); err != nil {
		return "", nil, fmt.Errorf("presign upload: %w", err)
	}
	if contentType == "" || strings.ContainsAny(contentType, "\r\n") {
		return "", nil, fmt.Errorf("presign upload of %s: bad content type %q", key, contentType)
	}
	if maxBytes < 1 {
		return "", nil, fmt.Errorf("presign upload of %s: max bytes %d", key, maxBytes)
	}
	policy := minio.NewPostPolicy()
	for _, err := range []error{
		policy.SetBucket(s.bucket),
		policy.SetKey(key),
		policy.SetExpires(time.Now().UTC().Add(ttlBounds(ttl))),
		policy.SetContentType(contentType),
		policy.SetContentLengthRange(1, maxBytes),
	} {
		if err != nil {
			return "", nil, fmt.Errorf("presign upload of %s: %w", key, err)
		}
	}
	u, fields, err := s.client.PresignedPostPolicy(ctx, policy)
	if err != nil {
		return "", nil, classify("presign upload of "+key, err)
	}
	return u.String(), fields, nil
}

// PresignDownload returns a GET URL for one version of key (the current one when versionID is empty),
// valid for ttl (clamped to 1 minute … 24 hours). When filename is not empty the response carries
// Content-Disposition: attachment with filename — as RFC 6266/5987 say, an ASCII fallback and the UTF-8
// name; the name then travels in the URL's query, so names with personal data (the photo's
// 姓名_身份证号) are set on a copy instead (Copy) and downloaded with an empty filename.
func (s *Store) PresignDownload(ctx context.Context, key, versionID, filename string, ttl time.Duration) (string, error) {
	if err := validKey(key); err != nil {
		return "", fmt.Errorf("presign download: %w", err)
	}
	params := url.Values{}
	if filename != "" {
		params.Set("response-content-disposition", ContentDisposition(filename))
	}
	if versionID != "" {
		params.Set("versionId", versionID)
	}
	u, err := s.client.PresignedGetObject(ctx, s.bucket, key, ttlBounds(ttl), params)
	if err != nil {
		return "", classify("presign download of "+key, err)
	}
	return u.String(), nil
}

// ContentDisposition builds an attachment header value for filename: a quoted ASCII fallback (other
// characters become '_') and filename* with the UTF-8 name percent-encoded. Path separators and control
// characters are removed; an empty name becomes "download".
func ContentDisposition(filename string) string {
	name := strings.Map(func(r rune) rune {
		switch {
		case r < 0x20 || r == 0x7f:
			return -1
		case r == '/' || r == '\\':
			return '_'
		}
		return r
	}, strings.TrimSpace(filename))
	if name == "" || name == "." || name == ".." {
		name = "download"
	}
	fallback := strings.Map(func(r rune) rune {
		if r > 0x7e || r == '"' || r == '%' {
			return '_'
		}
		return r
	}, name)
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, fallback, rfc5987(name))
}

// rfc5987 percent-encodes everything but the attr-char set of RFC 5987.
func rfc5987(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}
