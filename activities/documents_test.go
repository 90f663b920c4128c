package activities

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"testing"

	"github.com/google/uuid"

	"skillcert"
	"skillcert/internal/devstack"
	"skillcert/objectstore"
	"skillcert/pdfdoc"
)

// whitePortrait is a photo that passes inspection: a dark head and shoulders on a white (or near-white) background.
func whitePortrait(t *testing.T, bg uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 300, 420))
	for y := range 420 {
		for x := range 300 {
			c := color.RGBA{bg, bg, bg, 255}
			if dx, dy := float64(x-150)/66, float64(y-160)/92; dx*dx+dy*dy <= 1 || y > 300 && x > 40 && x < 260 {
				c = color.RGBA{60, 50, 50, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Finding 2: the inspection records the version it read (and its SHA-256) and, for a photo, a downscaled
// copy for the PDFs; a refused later version does not replace the accepted one; a good later version does.
func TestFinding2_InspectionRecordsTheVersionRead(t *testing.T) {
	pool, applicant := testPool(t)
	ctx := context.Background()
	store := testStore(t, "act-")
	a := &Activities{Pool: pool, Store: store}
	appID, docID := uuid.NewString(), uuid.NewString()
	if err := a.RecordTransition(ctx, record(appID, applicant, 1, "draft")); err != nil {
		t.Fatal(err)
	}
	key := "applications/" + appID + "/" + docID
	if _, err := pool.Exec(ctx, `INSERT INTO documents (id, application_id, doc_type, object_key, filename, declared_type, declared_size, created_by)
		VALUES ($1, $2, 'photo', $3, 'photo.png', 'image/png', 1, $4)`, docID, appID, key, applicant); err != nil {
		t.Fatal(err)
	}
	rule, _ := skillcert.DocRuleFor(skillcert.Level5, skillcert.PathwayStandard, skillcert.DocPhoto)
	inspectVersion := func(data []byte) (string, bool) {
		t.Helper()
		put, err := store.Put(ctx, key, data, "image/png")
		if err != nil {
			t.Fatal(err)
		}
		res, err := a.InspectDocument(ctx, InspectInput{ApplicationID: appID, DocumentID: docID, Rule: rule})
		if err != nil {
			t.Fatal(err)
		}
		return put.VersionID, res.Accepted
	}
	row := func() (status, version, sha, copyKey, copyVersion string) {
		t.Helper()
		var v, s, ck, cv *string
		if err := pool.QueryRow(ctx, `SELECT status, version_id, sha256, pdf_photo_key, pdf_photo_version FROM documents WHERE id = $1`,
			docID).Scan(&status, &v, &s, &ck, &cv); err != nil {
			t.Fatal(err)
		}
		deref := func(p *string) string {
			if p == nil {
				return ""
			}
			return *p
		}
		return status, deref(v), deref(s), deref(ck), deref(cv)
	}

	first := whitePortrait(t, 255)
	v1, ok := inspectVersion(first)
	status, version, sha, copyKey, copyVersion := row()
	if !ok || status != "accepted" || version != v1 || sha != sha256Hex(first) || copyKey != key+PhotoCopySuffix || copyVersion == "" {
		t.Fatalf("after the first photo: %v %s %s (want %s) %s %s %s", ok, status, version, v1, sha, copyKey, copyVersion)
	}
	copyData, _, err := store.GetVersion(ctx, copyKey, copyVersion, skillcert.MaxPhotoBytes)
	if err != nil {
		t.Fatal(err)
	}
	if cfg, err := jpeg.DecodeConfig(bytes.NewReader(copyData)); err != nil || cfg.Width > pdfdoc.CopyWidth || cfg.Height > pdfdoc.CopyHeight {
		t.Fatalf("PDF copy: %+v %v", cfg, err)
	}

	bomb, err := os.ReadFile("../testdata/bombs/png-60000x100000.png")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := inspectVersion(bomb); ok {
		t.Fatal("the bomb was accepted")
	}
	if s, v, h, _, cv := row(); s != "accepted" || v != v1 || h != sha256Hex(first) || cv != copyVersion {
		t.Fatalf("a refused later version changed the accepted document: %s %s %s %s", s, v, h, cv)
	}

	second := whitePortrait(t, 248)
	v3, ok := inspectVersion(second)
	if s, v, h, _, cv := row(); !ok || s != "accepted" || v != v3 || h != sha256Hex(second) || cv == copyVersion {
		t.Fatalf("a good later version, inspected: %s %s %s %s", s, v, h, cv)
	}
}

// testStore is a fresh bucket, named prefix plus random hex, on the test stack's MinIO.
func testStore(t *testing.T, prefix string) *objectstore.Store {
	t.Helper()
	stack := devstack.ForTest(t)
	suffix := make([]byte, 6)
	rand.Read(suffix)
	store, err := objectstore.Open(context.Background(), objectstore.Config{Endpoint: stack.MinioEndpoint, AccessKey: stack.MinioAccessKey,
		SecretKey: stack.MinioSecretKey, Bucket: prefix + hex.EncodeToString(suffix), Region: objectstore.DefaultRegion})
	if err != nil {
		t.Fatal(err)
	}
	return store
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}
