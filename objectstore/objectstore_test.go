package objectstore_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"skillcert"
	"skillcert/internal/devstack"
	"skillcert/objectstore"
)

func TestMain(m *testing.M) { os.Exit(devstack.Main(m)) }

// openTestStore opens a new bucket of its own on the dev stack's MinIO.
func openTestStore(t *testing.T) (*objectstore.Store, objectstore.Config, *devstack.Stack) {
	t.Helper()
	stack := devstack.ForTest(t)
	cfg := objectstore.Config{
		Endpoint: stack.MinioEndpoint, AccessKey: stack.MinioAccessKey, SecretKey: stack.MinioSecretKey,
		Bucket: "test-" + randomHex(t, 6), Region: objectstore.DefaultRegion,
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	store, err := objectstore.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	return store, cfg, stack
}

func randomHex(t testing.TB, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// postUpload sends data as a browser would: multipart/form-data with every field, then the file.
func postUpload(t *testing.T, url string, fields map[string]string, data []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := w.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	part, err := w.CreateFormFile("file", "upload.bin")
	if err != nil {
		t.Fatal(err)
	}
	part.Write(data)
	w.Close()
	resp, err := http.Post(url, w.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(msg)
}

func TestOpenIsIdempotentAndConcurrent(t *testing.T) {
	_, cfg, _ := openTestStore(t)
	cfg.Bucket = "test-" + randomHex(t, 6) // a bucket nobody has created yet
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			store, err := objectstore.Open(ctx, cfg)
			if err == nil {
				err = store.Ping(ctx)
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("process %d: %v", i, err)
		}
	}
}

func TestOpenRefusesPublicBucket(t *testing.T) {
	_, cfg, stack := openTestStore(t)
	ctx := context.Background()
	client, err := minio.New(stack.MinioEndpoint, &minio.Options{Creds: credentials.NewStaticV4(stack.MinioAccessKey, stack.MinioSecretKey, "")})
	if err != nil {
		t.Fatal(err)
	}
	public := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["s3:GetObject"],"Resource":["arn:aws:s3:::` + cfg.Bucket + `/*"]}]}`
	if err := client.SetBucketPolicy(ctx, cfg.Bucket, public); err != nil {
		t.Fatal(err)
	}
	if _, err := objectstore.Open(ctx, cfg); err == nil || !strings.Contains(err.Error(), "anonymous") {
		t.Fatalf("opened a public bucket: %v", err)
	}
}

func TestPresignedUpload(t *testing.T) {
	store, _, _ := openTestStore(t)
	ctx := context.Background()
	const limit = 1024
	tests := []struct {
		name        string
		data        []byte
		contentType string // sent in the form; the policy was made for image/jpeg
		otherKey    bool   // send a key other than the presigned one
		wantStored  bool
	}{
		{"fits", bytes.Repeat([]byte("j"), 700), "image/jpeg", false, true},
		{"exactly the limit", bytes.Repeat([]byte("k"), limit), "image/jpeg", false, true},
		{"one byte over", bytes.Repeat([]byte("x"), limit+1), "image/jpeg", false, false},
		{"much too large", bytes.Repeat([]byte("x"), 64*limit), "image/jpeg", false, false},
		{"empty", nil, "image/jpeg", false, false},
		{"other content type", []byte("<html>"), "text/html", false, false},
		{"other key", []byte("jpeg"), "image/jpeg", true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := "applications/app-1/" + randomHex(t, 8)
			url, fields, err := store.PresignUpload(ctx, key, "image/jpeg", limit, 5*time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if fields["key"] != key || fields["Content-Type"] != "image/jpeg" || fields["policy"] == "" {
				t.Fatalf("fields %v", fields)
			}
			fields["Content-Type"] = tt.contentType
			if tt.otherKey {
				fields["key"] = key + "-other"
			}
			status, body := postUpload(t, url, fields, tt.data)
			if ok := status/100 == 2; ok != tt.wantStored {
				t.Fatalf("upload status %d (%s), want stored %v", status, body, tt.wantStored)
			}
			info, err := store.Stat(ctx, key)
			if !tt.wantStored {
				if skillcert.ErrorCode(err) != skillcert.ENOTFOUND {
					t.Fatalf("refused upload left an object: %+v, %v", info, err)
				}
				return
			}
			if err != nil || info.Size != int64(len(tt.data)) || info.ContentType != "image/jpeg" || info.VersionID == "" {
				t.Fatalf("stat %+v, %v", info, err)
			}
			got, _, err := store.Get(ctx, key, limit)
			if err != nil || !bytes.Equal(got, tt.data) {
				t.Fatalf("get returned %d bytes, %v", len(got), err)
			}
		})
	}
}

func TestDownloadCarriesFilename(t *testing.T) {
	store, _, _ := openTestStore(t)
	ctx := context.Background()
	data := []byte("\xff\xd8\xff photo bytes")
	key := "applications/app-2/" + randomHex(t, 8)
	if _, err := store.Put(ctx, key, data, "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	const filename = "张三_11010519491231002X.jpg"
	url, err := store.PresignDownload(ctx, key, "", filename, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, data) {
		t.Fatalf("status %d body %q", resp.StatusCode, body)
	}
	cd := resp.Header.Get("Content-Disposition")
	if cd != objectstore.ContentDisposition(filename) || !strings.Contains(cd, "%E5%BC%A0%E4%B8%89_11010519491231002X.jpg") {
		t.Fatalf("Content-Disposition %q", cd)
	}
	// The bucket is private: the object's plain URL is refused.
	plain, _, _ := strings.Cut(url, "?")
	if resp, err := http.Get(plain); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("anonymous GET: %v %v", resp.Status, err)
	}
	// The signature covers the disposition: changing it breaks the URL.
	tampered := strings.Replace(url, "attachment", "inline", 1)
	if resp, err := http.Get(tampered); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("tampered URL: %v %v", resp.Status, err)
	}
}

func TestGetStatPutErrors(t *testing.T) {
	store, _, _ := openTestStore(t)
	ctx := context.Background()
	key := "applications/app-3/" + randomHex(t, 8)
	first, err := store.Put(ctx, key, bytes.Repeat([]byte("a"), 100), "application/pdf")
	if err != nil {
		t.Fatal(err)
	}
	second, err := store.Put(ctx, key, bytes.Repeat([]byte("b"), 200), "application/pdf")
	if err != nil || second.VersionID == "" || second.VersionID == first.VersionID {
		t.Fatalf("versions %q then %q (%v): versioning is off", first.VersionID, second.VersionID, err)
	}
	if _, info, err := store.Get(ctx, key, 199); skillcert.ErrorCode(err) != skillcert.ETOOLARGE || info.Size != 200 {
		t.Errorf("get over the limit: %+v, %v", info, err)
	}
	if data, info, err := store.Get(ctx, key, 200); err != nil || len(data) != 200 || data[0] != 'b' || info.VersionID != second.VersionID {
		t.Errorf("get: %d bytes, %+v, %v", len(data), info, err)
	}
	missing := "applications/app-3/missing"
	if _, err := store.Stat(ctx, missing); skillcert.ErrorCode(err) != skillcert.ENOTFOUND {
		t.Errorf("stat missing: %v", err)
	}
	if _, _, err := store.Get(ctx, missing, 10); skillcert.ErrorCode(err) != skillcert.ENOTFOUND {
		t.Errorf("get missing: %v", err)
	}
	for _, bad := range []string{"", "张三_11010519491231002X.jpg", "a/../b", "/abs", "a//b"} {
		if _, err := store.Put(ctx, bad, []byte("x"), "text/plain"); err == nil {
			t.Errorf("key %q accepted", bad)
		}
	}
}

// TestEncryptedAtRest writes a known marker through both upload paths and looks for it in MinIO's raw
// data folder: the object's files must be there, the marker must not.
func TestEncryptedAtRest(t *testing.T) {
	store, cfg, stack := openTestStore(t)
	ctx := context.Background()
	marker := []byte("PLAINTEXT-MARKER-" + randomHex(t, 16))
	putKey := "applications/app-4/" + randomHex(t, 8)
	postKey := "applications/app-4/" + randomHex(t, 8)
	if _, err := store.Put(ctx, putKey, bytes.Repeat(marker, 50), "application/pdf"); err != nil {
		t.Fatal(err)
	}
	url, fields, err := store.PresignUpload(ctx, postKey, "application/pdf", 1<<20, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if status, body := postUpload(t, url, fields, bytes.Repeat(marker, 5000)); status/100 != 2 {
		t.Fatalf("upload: %d %s", status, body)
	}
	raw := filepath.Join(stack.Dir, "minio")
	for _, key := range []string{putKey, postKey} {
		if _, err := os.Stat(filepath.Join(raw, cfg.Bucket, key)); err != nil {
			t.Fatalf("object %s not found in the raw data folder %s: %v", key, raw, err)
		}
	}
	err = filepath.WalkDir(raw, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(data, marker) {
			return errors.New(path + " holds the plaintext marker")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestUnreachableServerIsUnavailable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err = objectstore.Open(ctx, objectstore.Config{Endpoint: addr, AccessKey: "a", SecretKey: "b", Bucket: "x-bucket"})
	if skillcert.ErrorCode(err) != skillcert.EUNAVAILABLE {
		t.Fatalf("err %v, want EUNAVAILABLE", err)
	}
}
