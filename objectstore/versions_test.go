package objectstore_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"skillcert"
	"skillcert/objectstore"
)

// httpGet fetches url and returns the status, the body and the Content-Disposition.
func httpGet(t *testing.T, url string) (int, []byte, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body, resp.Header.Get("Content-Disposition")
}

// Finding 2: a second upload through a still-valid POST policy makes a new version of the key; reads and
// presigned downloads of the first version still give the first bytes.
func TestFinding2_VersionPinnedReads(t *testing.T) {
	store, _, _ := openTestStore(t)
	ctx := context.Background()
	key := "applications/app-v/" + randomHex(t, 8)
	url, fields, err := store.PresignUpload(ctx, key, "image/png", 1<<20, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	first, second := []byte("\x89PNG first upload"), []byte("\x89PNG second, never inspected")
	if status, msg := postUpload(t, url, fields, first); status/100 != 2 {
		t.Fatalf("upload: %d %s", status, msg)
	}
	// The inspection reads the current version and remembers which one it read.
	got, info, err := store.Get(ctx, key, 1<<20)
	if err != nil || !bytes.Equal(got, first) || info.VersionID == "" {
		t.Fatalf("get: %q %+v %v", got, info, err)
	}
	v1 := info.VersionID
	if status, msg := postUpload(t, url, fields, second); status/100 != 2 {
		t.Fatalf("second upload through the same policy: %d %s", status, msg)
	}
	if current, _, _ := store.Get(ctx, key, 1<<20); !bytes.Equal(current, second) {
		t.Fatalf("the second upload did not make a new current version: %q", current)
	}
	got, info, err = store.GetVersion(ctx, key, v1, 1<<20)
	if err != nil || !bytes.Equal(got, first) || info.VersionID != v1 {
		t.Fatalf("version read: %q %+v %v", got, info, err)
	}
	if st, err := store.StatVersion(ctx, key, v1); err != nil || st.Size != int64(len(first)) {
		t.Fatalf("stat version: %+v %v", st, err)
	}
	signed, err := store.PresignDownload(ctx, key, v1, "photo.png", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if status, body, _ := httpGet(t, signed); status != http.StatusOK || !bytes.Equal(body, first) {
		t.Fatalf("presigned version: %d %q", status, body)
	}
	// The version is signed: pointing the URL at another version breaks it.
	if status, _, _ := httpGet(t, strings.Replace(signed, "versionId="+v1, "versionId=null", 1)); status != http.StatusForbidden {
		t.Fatalf("tampered version: %d", status)
	}
	if _, _, err := store.GetVersion(ctx, key, "00000000-0000-0000-0000-000000000000", 1<<20); skillcert.ErrorCode(err) != skillcert.ENOTFOUND {
		t.Fatalf("missing version: %v", err)
	}
}

// Finding 10: a copy carries the download name as stored metadata, so the presigned URL has no name (and no
// ID number) in its query, while the download still arrives as 姓名_身份证号.jpg.
func TestFinding10_NameStoredOnCopyNotInURL(t *testing.T) {
	store, _, _ := openTestStore(t)
	ctx := context.Background()
	key := "applications/app-n/" + randomHex(t, 8)
	data := []byte("\xff\xd8\xff photo bytes")
	put, err := store.Put(ctx, key, data, "image/jpeg")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Put(ctx, key, []byte("later, other bytes"), "image/jpeg"); err != nil {
		t.Fatal(err)
	}
	const filename = "张三_11010519491231002X.jpg"
	disposition := objectstore.ContentDisposition(filename)
	cp, err := store.Copy(ctx, key, put.VersionID, key+".named", "image/jpeg", disposition)
	if err != nil || cp.VersionID == "" {
		t.Fatalf("copy: %+v %v", cp, err)
	}
	st, err := store.Stat(ctx, key+".named")
	if err != nil || st.SourceVersion != put.VersionID || st.ContentDisposition != disposition || st.ContentType != "image/jpeg" {
		t.Fatalf("stat of the copy: %+v %v", st, err)
	}
	signed, err := store.PresignDownload(ctx, key+".named", cp.VersionID, "", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for _, leak := range []string{"11010519491231002X", "response-content-disposition", "%E5%BC%A0"} {
		if strings.Contains(signed, leak) {
			t.Errorf("URL carries %q: %s", leak, signed)
		}
	}
	status, body, cd := httpGet(t, signed)
	if status != http.StatusOK || !bytes.Equal(body, data) || cd != disposition {
		t.Fatalf("download: %d %q, Content-Disposition %q", status, body, cd)
	}
	if _, err := store.Copy(ctx, key, "", key+".x", "image/jpeg", ""); err == nil {
		t.Error("copy without a source version")
	}
}
