package gateway

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"skillcert"
	"skillcert/objectstore"
	"skillcert/schema/db"
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

func (d documentStore) PresignDownload(ctx context.Context, key, versionID, filename string, ttl time.Duration) (string, error) {
	return d.store.PresignDownload(ctx, key, versionID, filename, ttl)
}

func (d documentStore) Read(ctx context.Context, key, versionID string, maxBytes int64) ([]byte, string, error) {
	data, info, err := d.store.GetVersion(ctx, key, versionID, maxBytes)
	if err != nil {
		return nil, "", fmt.Errorf("read %s: %w", key, err)
	}
	return data, info.VersionID, nil
}

// NamedCopy reuses the current version of dstKey when it was copied from srcVersion with the same
// disposition; otherwise it copies again (concurrent downloads may both copy: the copies are equal).
func (d documentStore) NamedCopy(ctx context.Context, srcKey, srcVersion, dstKey, contentType, disposition string) (string, error) {
	info, err := d.store.Stat(ctx, dstKey)
	if err == nil && info.SourceVersion == srcVersion && info.ContentDisposition == disposition && info.VersionID != "" {
		return info.VersionID, nil
	}
	if err != nil && skillcert.ErrorCode(err) != skillcert.ENOTFOUND {
		return "", err
	}
	info, err = d.store.Copy(ctx, srcKey, srcVersion, dstKey, contentType, disposition)
	if err != nil {
		return "", err
	}
	return info.VersionID, nil
}

func (d documentStore) Ping(ctx context.Context) error { return d.store.Ping(ctx) }

// errFileChanged answers a read of a document whose stored bytes are no longer the inspected ones.
var errFileChanged = skillcert.Errorf(skillcert.ENOTFOUND, "该材料的文件与检查时不一致，请重新上传")

// inspectedVersion returns the version of doc's object that was inspected. Documents inspected before
// versions were recorded have none: then the current version counts only while its SHA-256 is the
// recorded one (the bytes are read to check it, at most maxBytes).
func (a *app) inspectedVersion(ctx context.Context, doc db.Document, maxBytes int64) (string, error) {
	if doc.VersionID != nil && *doc.VersionID != "" {
		return *doc.VersionID, nil
	}
	_, version, err := a.inspectedBytes(ctx, doc, maxBytes)
	return version, err
}

// inspectedBytes reads the inspected version of doc's object (see inspectedVersion) and checks its
// SHA-256 against the one recorded at inspection; it returns the bytes and the version read.
func (a *app) inspectedBytes(ctx context.Context, doc db.Document, maxBytes int64) ([]byte, string, error) {
	if doc.Sha256 == nil { // inspected when no file had been uploaded
		return nil, "", skillcert.Errorf(skillcert.ENOTFOUND, "该材料没有已检查的文件，请重新上传")
	}
	version := ""
	if doc.VersionID != nil {
		version = *doc.VersionID
	}
	data, read, err := a.store.Read(ctx, doc.ObjectKey, version, maxBytes)
	if err != nil {
		return nil, "", err
	}
	sum := sha256.Sum256(data)
	if hex.EncodeToString(sum[:]) != *doc.Sha256 {
		return nil, "", errFileChanged
	}
	return data, read, nil
}
