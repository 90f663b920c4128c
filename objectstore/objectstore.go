// Package objectstore keeps the applicants' documents in a private MinIO (S3) bucket with versioning and
// default server-side encryption (SSE-S3). Clients upload and download directly with short-lived presigned
// requests; the upload policy fixes the key, the content type and the size range, so MinIO itself refuses
// anything else. Object keys are ASCII identifiers chosen by the system and carry no personal data.
//
// A policy stays valid until it expires, so a client can upload through it again; in the versioned bucket
// that makes a new version of the same key. What counts is the version that was inspected: the caller
// records the VersionID that Get returned with the bytes it inspected, and reads that version afterwards
// (GetVersion, StatVersion, PresignDownload with a version). Copy makes server-side copies of one version
// under keys no policy names, e.g. to store a download name as metadata instead of putting it in a URL.
package objectstore

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/sse"

	"skillcert"
	"skillcert/config"
)

// Config says where the bucket is.
type Config struct {
	Endpoint  string // host:port of the S3 API, without scheme
	AccessKey string
	SecretKey string
	Bucket    string
	Region    string // fixed, so presigning needs no location lookup
	UseSSL    bool
	// Transport, when set, carries the S3 requests (e.g. DefaultTransport wrapped for tracing).
	Transport http.RoundTripper
}

// DefaultTransport is the HTTP transport the store uses when Config.Transport is nil.
func DefaultTransport(useSSL bool) (http.RoundTripper, error) {
	return minio.DefaultTransport(useSSL)
}

// Defaults of Config, as package config lists them for ConfigFromEnv (the unit tests keep them equal).
const (
	DefaultEndpoint = "127.0.0.1:9000"
	DefaultBucket   = "skillcert-documents"
	DefaultRegion   = "us-east-1"
)

// ConfigFromEnv reads SKILLCERT_MINIO_ENDPOINT (default 127.0.0.1:9000), SKILLCERT_MINIO_ACCESS_KEY,
// SKILLCERT_MINIO_SECRET_KEY, SKILLCERT_MINIO_BUCKET (default skillcert-documents),
// SKILLCERT_MINIO_REGION (default us-east-1) and SKILLCERT_MINIO_USE_SSL (true/1/yes).
func ConfigFromEnv(getenv func(string) string) Config {
	env := config.Env(getenv)
	ssl := strings.ToLower(env.String("SKILLCERT_MINIO_USE_SSL"))
	return Config{
		Endpoint:  env.String("SKILLCERT_MINIO_ENDPOINT"),
		AccessKey: env.String("SKILLCERT_MINIO_ACCESS_KEY"),
		SecretKey: env.String("SKILLCERT_MINIO_SECRET_KEY"),
		Bucket:    env.String("SKILLCERT_MINIO_BUCKET"),
		Region:    env.String("SKILLCERT_MINIO_REGION"),
		UseSSL:    ssl == "true" || ssl == "1" || ssl == "yes",
	}
}

// Store is the document bucket. It is safe for concurrent use.
type Store struct {
	client *minio.Client
	bucket string
}

// ObjectInfo describes a stored object.
type ObjectInfo struct {
	Size        int64
	ETag        string
	ContentType string
	VersionID   string
	// SourceVersion is the version of the object a copy was made from (Copy), else empty.
	SourceVersion string
	// ContentDisposition is the stored Content-Disposition header, if any.
	ContentDisposition string
}

// Open connects to the bucket, creating it when missing, refuses a bucket open to anonymous users, and
// makes sure versioning is on and new objects are encrypted by default (SSE-S3; the server needs a KMS key, e.g. MINIO_KMS_SECRET_KEY). It is
// idempotent and safe when several processes start at once. A server that cannot be reached gives a
// *skillcert.Error EUNAVAILABLE.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Endpoint == "" || cfg.Bucket == "" {
		return nil, errors.New("object store: endpoint and bucket are required")
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	client, err := minio.New(cfg.Endpoint, &minio.Options{
		Creds:      credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:     cfg.UseSSL,
		Region:     cfg.Region,
		MaxRetries: 3, // fail fast enough for /readyz and a 503; callers retry
		Transport:  cfg.Transport,
	})
	if err != nil {
		return nil, fmt.Errorf("object store client: %w", err)
	}
	s := &Store{client: client, bucket: cfg.Bucket}
	if err := s.ensureBucket(ctx, cfg.Region); err != nil {
		return nil, err
	}
	return s, nil
}

// ensureBucket creates the bucket and sets versioning and default encryption. Each step tolerates a
// concurrent process doing the same.
func (s *Store) ensureBucket(ctx context.Context, region string) error {
	exists, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return classify(fmt.Sprintf("check bucket %s", s.bucket), err)
	}
	if !exists {
		err := s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{Region: region})
		if code := minio.ToErrorResponse(err).Code; err != nil && code != "BucketAlreadyOwnedByYou" && code != "BucketAlreadyExists" {
			return classify(fmt.Sprintf("create bucket %s", s.bucket), err)
		}
	}
	policy, err := s.client.GetBucketPolicy(ctx, s.bucket)
	if err != nil {
		return classify(fmt.Sprintf("read policy of %s", s.bucket), err)
	}
	if grantsAnonymous(policy) {
		return fmt.Errorf("bucket %s has a policy that lets anonymous users in; remove it: documents must stay private", s.bucket)
	}
	versioning, err := s.client.GetBucketVersioning(ctx, s.bucket)
	if err != nil {
		return classify(fmt.Sprintf("read versioning of %s", s.bucket), err)
	}
	if !versioning.Enabled() {
		if err := s.client.EnableVersioning(ctx, s.bucket); err != nil {
			return classify(fmt.Sprintf("enable versioning of %s", s.bucket), err)
		}
	}
	if enc, err := s.client.GetBucketEncryption(ctx, s.bucket); err == nil && isSSES3(enc) {
		return nil
	}
	if err := s.client.SetBucketEncryption(ctx, s.bucket, sse.NewConfigurationSSES3()); err != nil {
		return classify(fmt.Sprintf("set default encryption of %s (does the server have a KMS key?)", s.bucket), err)
	}
	return nil
}

// grantsAnonymous reports whether a bucket policy allows anyone ("Principal": "*" or {"AWS": ["*"]}).
func grantsAnonymous(policy string) bool {
	if policy == "" {
		return false
	}
	var doc struct {
		Statement []struct {
			Effect    string
			Principal json.RawMessage
		}
	}
	if err := json.Unmarshal([]byte(policy), &doc); err != nil {
		return true // unreadable: assume the worst
	}
	for _, st := range doc.Statement {
		if st.Effect == "Allow" && bytes.Contains(st.Principal, []byte(`"*"`)) {
			return true
		}
	}
	return false
}

func isSSES3(c *sse.Configuration) bool {
	for _, r := range c.Rules {
		if r.Apply.SSEAlgorithm == "AES256" {
			return true
		}
	}
	return false
}

// Ping checks that the server answers and the bucket exists.
func (s *Store) Ping(ctx context.Context) error {
	exists, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return classify("ping object store", err)
	}
	if !exists {
		return skillcert.Errorf(skillcert.EUNAVAILABLE, "对象存储桶 %s 不存在", s.bucket)
	}
	return nil
}

// classify wraps a MinIO error as a *skillcert.Error: ENOTFOUND for a missing object, EUNAVAILABLE when
// the server cannot be reached, is overloaded or answers 5xx, EINTERNAL otherwise (credentials,
// configuration).
func classify(action string, err error) error {
	resp := minio.ToErrorResponse(err)
	var code, msg string
	switch {
	case resp.Code == "NoSuchKey" || resp.Code == "NoSuchVersion":
		code, msg = skillcert.ENOTFOUND, "文件不存在"
	case resp.StatusCode >= http.StatusInternalServerError || resp.Code == "SlowDown" || resp.Code == "XMinioServerNotInitialized":
		// The server's trouble (InternalError, drives coming back), not the request's: retry.
		code, msg = skillcert.EUNAVAILABLE, "对象存储暂时不可用，请稍后重试"
	case resp.StatusCode == 0: // no S3 answer at all: connection refused, DNS, timeout
		code, msg = skillcert.EUNAVAILABLE, "对象存储暂时不可用，请稍后重试"
	default:
		code, msg = skillcert.EINTERNAL, "对象存储出错"
	}
	return fmt.Errorf("%s: %w: %w", action, skillcert.Errorf(code, "%s", msg), err)
}

// validKey accepts the keys the system makes: 1–512 bytes of ASCII letters, digits and - _ . /, no empty
// or dot segments. Anything else (a Chinese file name, a path trick) is a bug in the caller.
func validKey(key string) error {
	if key == "" || len(key) > 512 {
		return fmt.Errorf("object key %q: must be 1-512 bytes", key)
	}
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("object key %q: empty or dot segment", key)
		}
	}
	for _, c := range key {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '/'
		if !ok {
			return fmt.Errorf("object key %q: only ASCII letters, digits and - _ . / are allowed", key)
		}
	}
	return nil
}

// ttlBounds keeps presigned URLs short-lived: at least a minute, at most a day.
func ttlBounds(ttl time.Duration) time.Duration {
	return min(max(ttl, time.Minute), 24*time.Hour)
}
