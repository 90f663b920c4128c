package gateway

import (
	"context"
	"fmt"
	"time"

	"skillcert/objectstore"
)

// documentStore adapts *objectstore.Store (the private, versioned, encrypted document bucket) to the
// objectStore the handlers use.
type documentStore struct {
	store *objectstore.Store
}

// newObjectStore opens the bucket of objectstore.ConfigFromEnv (creating it when missing).
func newObjectStore(ctx context.Context, cfg objectstore.Config) (objectStore, error) {
	s, err := objectstore.Open(ctx, cfg)
	if err != nil {
		return nil, err
	}
	return documentStore{store: s}, nil
}

func (d documentStore) PresignUpload(ctx context.Context, key, contentType string, maxBytes int64, ttl time.Duration) (upload, error) {
	expires := time.Now().Add(ttl).UTC().Truncate(time.Second)
	u, fields, err := d.store.PresignUpload(ctx, key, contentType, maxBytes, ttl)
	if err != nil {
		return upload{}, err
	}
	return upload{URL: u, Method: "POST", Fields: fields, Headers: map[string]string{}, ExpiresAt: expires}, nil
}

func (d documentStore) PresignDownload(ctx context.Context, key, filename string, ttl time.Duration) (string, error) {
	return d.store.PresignDownload(ctx, key, filename, ttl)
}

func (d documentStore) Read(ctx context.Context, key string, maxBytes int64) ([]byte, error) {
	data, _, err := d.store.Get(ctx, key, maxBytes)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", key, err)
	}
	return data, nil
}

func (d documentStore) Ping(ctx context.Context) error { return d.store.Ping(ctx) }
