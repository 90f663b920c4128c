package objectstore

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/encrypt"

	"skillcert"
)

// Stat describes the current version of key; a missing object gives *skillcert.Error ENOTFOUND.
func (s *Store) Stat(ctx context.Context, key string) (ObjectInfo, error) {
	return s.StatVersion(ctx, key, "")
}

// StatVersion describes one version of key (the current one when versionID is empty); a missing object
// or version gives *skillcert.Error ENOTFOUND.
func (s *Store) StatVersion(ctx context.Context, key, versionID string) (ObjectInfo, error) {
	if err := validKey(key); err != nil {
		return ObjectInfo{}, fmt.Errorf("stat: %w", err)
	}
	info, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{VersionID: versionID})
	if err != nil {
		return ObjectInfo{}, classify("stat "+key, err)
	}
	return objectInfo(info), nil
}

// Get reads the current version of key. An object larger than maxBytes is refused with *skillcert.Error
// ETOOLARGE before its body is read; a missing object gives ENOTFOUND. The returned info names the version
// read (its VersionID), taken from the same response as the bytes.
func (s *Store) Get(ctx context.Context, key string, maxBytes int64) ([]byte, ObjectInfo, error) {
	return s.GetVersion(ctx, key, "", maxBytes)
}

// GetVersion reads one version of key (the current one when versionID is empty), as Get does.
func (s *Store) GetVersion(ctx context.Context, key, versionID string, maxBytes int64) ([]byte, ObjectInfo, error) {
	if err := validKey(key); err != nil {
		return nil, ObjectInfo{}, fmt.Errorf("get: %w", err)
	}
	obj, err := s.client.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{VersionID: versionID})
	if err != nil {
		return nil, ObjectInfo{}, classify("get "+key, err)
	}
	defer obj.Close()
	stat, err := obj.Stat() // the response headers of the GET; the body is not read yet
	if err != nil {
		return nil, ObjectInfo{}, classify("get "+key, err)
	}
	info := objectInfo(stat)
	if info.Size > maxBytes {
		return nil, info, skillcert.Errorf(skillcert.ETOOLARGE, "文件大小 %d 字节，超过上限 %d 字节", info.Size, maxBytes)
	}
	data, err := io.ReadAll(io.LimitReader(obj, maxBytes+1))
	if err != nil {
		return nil, info, classify("read "+key, err)
	}
	if int64(len(data)) != info.Size {
		return nil, info, fmt.Errorf("read %s: got %d bytes, expected %d", key, len(data), info.Size)
	}
	return data, info, nil
}

// Put stores data under key (a new version when key exists), encrypted with SSE-S3.
func (s *Store) Put(ctx context.Context, key string, data []byte, contentType string) (ObjectInfo, error) {
	if err := validKey(key); err != nil {
		return ObjectInfo{}, fmt.Errorf("put: %w", err)
	}
	up, err := s.client.PutObject(ctx, s.bucket, key, bytes.NewReader(data), int64(len(data)), minio.PutObjectOptions{
		ContentType:          contentType,
		ServerSideEncryption: encrypt.NewSSE(),
	})
	if err != nil {
		return ObjectInfo{}, classify("put "+key, err)
	}
	return ObjectInfo{Size: up.Size, ETag: up.ETag, ContentType: contentType, VersionID: up.VersionID}, nil
}

func objectInfo(info minio.ObjectInfo) ObjectInfo {
	return ObjectInfo{Size: info.Size, ETag: info.ETag, ContentType: info.ContentType, VersionID: info.VersionID,
		SourceVersion: info.UserMetadata[sourceVersionMeta], ContentDisposition: info.Metadata.Get("Content-Disposition")}
}
