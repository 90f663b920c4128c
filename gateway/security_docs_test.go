package gateway

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"image/color"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"skillcert/api"
)

// Security findings of the document path (issue 11): each test reproduces its finding against the real
// stack (MinIO's versioned bucket, the worker's inspection, the gateway's downloads and PDFs).

// requestUpload asks for a presigned upload of a document.
func (g *testGateway) requestUpload(t *testing.T, token, appID, docType string, size int) api.UploadGrant {
	t.Helper()
	return must(g.as(token).AddDocument(t.Context(), appID, api.UploadRequest{DocType: docType,
		Filename: docType + ".png", ContentType: "image/png", Size: int64(size)}))(t)
}

// postToPolicy uploads data to object storage with the presigned POST of an upload answer, as a browser
// would, and returns MinIO's status.
func postToPolicy(t *testing.T, up api.UploadGrant, data []byte) int {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range up.Fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	part, err := mw.CreateFormFile("file", "upload.png")
	if err != nil {
		t.Fatal(err)
	}
	part.Write(data)
	mw.Close()
	resp, err := http.Post(up.URL, mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatalf("upload to object storage: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// complete asks the workflow to inspect the uploaded document.
func (g *testGateway) complete(t *testing.T, token, appID, docID string) (api.DocumentAccepted, error) {
	t.Helper()
	return g.as(token).CompleteDocument(t.Context(), appID, docID)
}

// download follows the gateway's redirect and returns the redirect URL, the bytes and the
// Content-Disposition of the download.
func (g *testGateway) download(t *testing.T, token, appID, docID string) (string, []byte, string) {
	t.Helper()
	r, raw, _ := g.send(t, token, "GET", "/api/v1/applications/"+appID+"/documents/"+docID, nil)
	if r.StatusCode != 302 {
		t.Fatalf("status %d, want 302: %s", r.StatusCode, raw)
	}
	loc := r.Header.Get("Location")
	resp, err := http.Get(loc)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("download: %d %s", resp.StatusCode, body)
	}
	return loc, body, resp.Header.Get("Content-Disposition")
}

// pdfPhoto returns the JPEG embedded in a generated PDF of the application (the photo).
func (g *testGateway) pdfPhoto(t *testing.T, token, appID, doc string) []byte {
	t.Helper()
	raw, _ := must2(g.as(token).Download(t.Context(), "/api/v1/applications/"+appID+"/"+doc))(t)
	start := bytes.Index(raw, []byte("\xff\xd8\xff"))
	end := bytes.Index(raw[max(start, 0):], []byte("\xff\xd9"))
	if start < 0 || end < 0 {
		t.Fatalf("%s embeds no JPEG photo (%d bytes)", doc, len(raw))
	}
	return raw[start : start+end+2]
}

func sha256Hex(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// draftApplication registers an applicant and creates a draft application.
func (g *testGateway) draftApplication(t *testing.T, name string) (applicant, string) {
	t.Helper()
	a := g.registerApplicant(t, name)
	return a, must(g.as(a.Token).CreateApplication(t.Context(), applicationRequest(g.newBatch(t), "呼和浩特市")))(t).ID
}

// Finding 2: after the photo was accepted, the same presigned POST policy still takes other files (MinIO
// answers 204: the policy is valid until it expires). None of them is what counts: downloads and PDFs
// keep the accepted, inspected version, until a new version is completed and passes inspection.
func TestFinding2_ReusedUploadPolicyIsNotWhatCounts(t *testing.T) {
	g := startGateway(t)
	a, appID := g.draftApplication(t, "孟和")
	first := photoPNG(t)
	up := g.requestUpload(t, a.Token, appID, "photo", len(first))
	docID := up.DocumentID
	if status := postToPolicy(t, up, first); status/100 != 2 {
		t.Fatalf("upload: %d", status)
	}
	if r := must(g.complete(t, a.Token, appID, docID))(t); r.SHA256 != sha256Hex(first) {
		t.Fatalf("accepted: %+v", r)
	}
	pdfBefore := g.pdfPhoto(t, a.Token, appID, "form.pdf")

	bomb, err := os.ReadFile("../testdata/bombs/png-60000x100000.png")
	if err != nil {
		t.Fatal(err)
	}
	for name, other := range map[string][]byte{"blue photo": portraitPNG(t, color.RGBA{90, 140, 220, 255}), "bomb": bomb} {
		if status := postToPolicy(t, up, other); status/100 != 2 {
			t.Fatalf("%s: the old policy refused the upload (%d): then this test no longer reproduces the finding", name, status)
		}
		if _, got, _ := g.download(t, a.Token, appID, docID); !bytes.Equal(got, first) {
			t.Fatalf("after a %s through the old policy the download gives %d other bytes", name, len(got))
		}
		if got := g.pdfPhoto(t, a.Token, appID, "form.pdf"); !bytes.Equal(got, pdfBefore) {
			t.Fatalf("after a %s through the old policy the 申报表 shows another photo", name)
		}
	}
	// Completing again inspects the new version (the bomb): it is refused, and the accepted one stays.
	wantAPIError(t, errOf(g.complete(t, a.Token, appID, docID)), 422, "invalid", "file")
	if _, got, _ := g.download(t, a.Token, appID, docID); !bytes.Equal(got, first) {
		t.Fatal("a refused new version replaced the accepted photo")
	}
	for _, it := range must(g.as(a.Token).Application(t.Context(), appID))(t).Checklist {
		if it.DocType == "photo" && (it.Status != "accepted" || it.DocumentID != docID) {
			t.Fatalf("checklist photo after the refused version: %+v", it)
		}
	}
	// A good new version, completed and inspected, is what counts from then on.
	second := portraitPNG(t, color.RGBA{248, 248, 248, 255})
	if status := postToPolicy(t, up, second); status/100 != 2 {
		t.Fatalf("upload: %d", status)
	}
	if r := must(g.complete(t, a.Token, appID, docID))(t); r.SHA256 != sha256Hex(second) {
		t.Fatalf("second accepted: %+v", r)
	}
	if _, got, _ := g.download(t, a.Token, appID, docID); !bytes.Equal(got, second) {
		t.Fatal("the completed new version is not what downloads give")
	}
	if got := g.pdfPhoto(t, a.Token, appID, "form.pdf"); bytes.Equal(got, pdfBefore) {
		t.Fatal("the 申报表 still shows the earlier photo")
	}
}

// Finding 2: the 77-byte PNG declaring 60000×100000 pixels, uploaded as the photo and as a scan, is
// refused by the worker's inspection from its header; the worker and the gateway stay up.
func TestFinding2_DimensionBombUploadIsRefused(t *testing.T) {
	g := startGateway(t)
	a, appID := g.draftApplication(t, "巴特尔")
	bomb, err := os.ReadFile("../testdata/bombs/png-60000x100000.png")
	if err != nil {
		t.Fatal(err)
	}
	for _, dt := range []string{"photo", "id_card_front"} {
		up := g.requestUpload(t, a.Token, appID, dt, len(bomb))
		if status := postToPolicy(t, up, bomb); status/100 != 2 {
			t.Fatalf("upload: %d", status)
		}
		e := wantAPIError(t, errOf(g.complete(t, a.Token, appID, up.DocumentID)), 422, "invalid", "file")
		if raw, _ := json.Marshal(e.Body); !strings.Contains(string(raw), "尺寸过大") {
			t.Errorf("%s: %s", dt, raw)
		}
	}
	// The worker is still there: a good photo is inspected and accepted.
	must(g.uploadDocument(t, a.Token, appID, "photo", "image/png", photoPNG(t)))(t)
	must(g.as("").Ready(t.Context()))(t)
}

// Finding 10: the photo downloads as 姓名_身份证号.png, but neither the name nor the ID number is in the
// presigned URL (its query is logged by proxies and kept in browser history): the name is stored on a
// copy of the accepted version.
func TestFinding10_PhotoNameIsNotInTheURL(t *testing.T) {
	g := startGateway(t)
	a, appID := g.draftApplication(t, "乌兰图雅")
	photo := photoPNG(t)
	up := g.requestUpload(t, a.Token, appID, "photo", len(photo))
	postToPolicy(t, up, photo)
	must(g.complete(t, a.Token, appID, up.DocumentID))(t)
	loc, got, cd := g.download(t, a.Token, appID, up.DocumentID)
	unescaped, _ := url.QueryUnescape(loc)
	for _, leak := range []string{a.IDNumber, a.Name, "content-disposition"} {
		if strings.Contains(strings.ToLower(unescaped), strings.ToLower(leak)) {
			t.Errorf("the download URL carries %q: %s", leak, loc)
		}
	}
	want := url.PathEscape(a.Name + "_" + a.IDNumber + ".png")
	if !bytes.Equal(got, photo) || !strings.Contains(cd, "filename*=UTF-8''"+want) {
		t.Fatalf("download: %d bytes, Content-Disposition %q, want the name %s", len(got), cd, want)
	}
	// A second download reuses the named copy.
	if loc2, _, cd2 := g.download(t, a.Token, appID, up.DocumentID); cd2 != cd || strings.Split(loc2, "?")[0] != strings.Split(loc, "?")[0] {
		t.Fatalf("second download: %s %q", loc2, cd2)
	}
}
