package objectstore

import (
	"context"
	"fmt"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/encrypt"
)

// sourceVersionMeta is the user metadata key (x-amz-meta-Source-Version) naming the version a copy was
// made from.
const sourceVersionMeta = "Source-Version"

// Copy copies one version of srcKey (the server copies the bytes; nothing passes through this process) to
// dstKey as a new version, stored with contentType and, when disposition is not empty, that
// Content-Disposition header, which downloads then carry without it appearing in any URL. The copy
// records srcVersion as its SourceVersion. It returns the new version's info.
func (s *Store) Copy(ctx context.Context, srcKey, srcVersion, dstKey, contentType, disposition string) (ObjectInfo, error) {
	for _, k := range []string{srcKey, dstKey} {
		if err := validKey(k); err != nil {
			return ObjectInfo{}, fmt.Errorf("copy: %w", err)
		}
	}
	if srcVersion == "" {
		return ObjectInfo{}, fmt.Errorf("copy %s: the source version is required", srcKey)
	}
	up, err := s.client.CopyObject(ctx, minio.CopyDestOptions{
		Bucket: s.bucket, Object: dstKey, Encryption: encrypt.NewSSE(), ReplaceMetadata: true,
		UserMetadata: map[string]string{sourceVersionMeta: srcVersion},
		ContentType:  contentType, ContentDisposition: disposition,
	}, minio.CopySrcOptions{Bucket: s.bucket, Object: srcKey, VersionID: srcVersion})
	if err != nil {
		return ObjectInfo{}, classify("copy "+srcKey+" to "+dstKey, err)
	}
	return ObjectInfo{Size: up.Size, ETag: up.ETag, ContentType: contentType, VersionID: up.VersionID,
		SourceVersion: srcVersion, ContentDisposition: disposition}, nil
}
