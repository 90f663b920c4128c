package worker

import (
	"context"

	"skillcert/objectstore"
)

// storeReader adapts the MinIO store to what the activities read.
type storeReader struct{ s *objectstore.Store }

// ReadObject implements activities.ObjectReader.
func (r storeReader) ReadObject(ctx context.Context, key string, maxBytes int64) ([]byte, error) {
	data, _, err := r.s.Get(ctx, key, maxBytes)
	return data, err
}
