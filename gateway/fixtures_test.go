package gateway

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"testing"
	"time"

	"skillcert"
)

// newIDNumber returns a valid ID number of a person born in 1985 in 呼和浩特 with a random sequence.
func newIDNumber() string {
	first := fmt.Sprintf("15010219850%d%02d%03d", 1+rand.IntN(9), 1+rand.IntN(28), rand.IntN(1000))
	check, _ := skillcert.IDCheckChar(first)
	return first + string(check)
}

// newPhone returns a random mainland mobile number.
func newPhone() string { return fmt.Sprintf("139%08d", rand.IntN(100_000_000)) }

// applicant is a registered, logged-in applicant.
type applicant struct {
	ID, Phone, IDNumber, Name, Token string
}

const applicantPassword = "Passw0rd2022"

// registerApplicant registers and logs in a new applicant.
func (g *testGateway) registerApplicant(t *testing.T, name string) applicant {
	t.Helper()
	a := applicant{Phone: newPhone(), IDNumber: newIDNumber(), Name: name}
	r := g.do(t, "POST", "/api/v1/auth/register", "", map[string]any{"phone": a.Phone, "password": applicantPassword,
		"name": name, "id_number": a.IDNumber}).want(t, 201)
	a.ID = r.str("user_id")
	a.Token = g.login(t, a.Phone, applicantPassword)
	return a
}

// login returns a token.
func (g *testGateway) login(t *testing.T, login, password string) string {
	t.Helper()
	r := g.do(t, "POST", "/api/v1/auth/login", "", map[string]any{"login": login, "password": password}).want(t, 200)
	if r.str("token") == "" {
		t.Fatalf("login gave no token: %s", r.Raw)
	}
	return r.str("token")
}

// adminToken logs in as the seeded admin.
func (g *testGateway) adminToken(t *testing.T) string { return g.login(t, "admin", testAdminPassword) }

// newStaff creates a staff account through the admin API and logs it in.
func (g *testGateway) newStaff(t *testing.T, role, region string) (userID, token string) {
	t.Helper()
	username := fmt.Sprintf("%s_%d", role, rand.IntN(1_000_000_000))
	r := g.do(t, "POST", "/api/v1/admin/users", g.adminToken(t), map[string]any{"username": username,
		"password": "Staff2022pass", "name": "测试" + role, "role": role, "region": region, "employer": "测试单位"}).want(t, 201)
	return r.str("user_id"), g.login(t, username, "Staff2022pass")
}

// newBatch creates a batch open for registration and payment now.
func (g *testGateway) newBatch(t *testing.T) string {
	t.Helper()
	id := fmt.Sprintf("it-%d", rand.IntN(1_000_000_000))
	now := time.Now()
	g.do(t, "POST", "/api/v1/admin/batches", g.adminToken(t), map[string]any{
		"id": id, "name": "集成测试批次 " + id,
		"registration_opens_at":  now.Add(-time.Hour).Format(time.RFC3339),
		"registration_closes_at": now.Add(30 * 24 * time.Hour).Format(time.RFC3339),
		"payment_opens_at":       now.Add(-time.Hour).Format(time.RFC3339),
		"payment_closes_at":      now.Add(40 * 24 * time.Hour).Format(time.RFC3339),
		"exam_starts_at":         now.Add(50 * 24 * time.Hour).Format(time.RFC3339),
	}).want(t, 201)
	return id
}

// applicationBody is a valid 五级 standard application of 保安员 in region.
func applicationBody(batchID, region string) map[string]any {
	return map[string]any{"batch_id": batchID, "region": region, "employer": "呼和浩特市某局", "employer_type": "agency",
		"occupation_code": "4-07-05-01", "level": 5, "pathway": "standard", "education": "high_school",
		"occupation_started_on": "2015-03-01"}
}

// photoPNG is a white-background portrait that passes the photo check.
func photoPNG(t *testing.T) []byte { return portraitPNG(t, color.RGBA{255, 255, 255, 255}) }

// portraitPNG is a head-and-shoulders portrait on the background colour bg.
func portraitPNG(t *testing.T, bg color.RGBA) []byte {
	t.Helper()
	const w, h = 300, 420
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := bg
			dx, dy := float64(x-w/2)/66, float64(y-160)/92
			if dx*dx+dy*dy <= 1 || (y > 300 && x > 40 && x < w-40) {
				c = color.RGBA{60, 50, 50, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return encodePNG(t, img)
}

// scanPNG is a legible-looking scan: white paper with a few dark lines.
func scanPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 420, 600))
	for y := range 600 {
		for x := range 420 {
			c := color.RGBA{250, 250, 250, 255}
			if y%40 < 3 && x > 30 && x < 390 {
				c = color.RGBA{20, 20, 20, 255}
			}
			img.SetRGBA(x, y, c)
		}
	}
	return encodePNG(t, img)
}

func encodePNG(t *testing.T, img image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// uploadDocument requests an upload URL, posts the bytes straight to object storage as API.md says, and
// completes the document; it returns the completion answer.
func (g *testGateway) uploadDocument(t *testing.T, token, appID, docType, contentType string, data []byte) result {
	t.Helper()
	r := g.do(t, "POST", "/api/v1/applications/"+appID+"/documents", token, map[string]any{"doc_type": docType,
		"filename": docType + ".png", "content_type": contentType, "size": len(data)}).want(t, 201)
	if r.str("method") != "POST" || r.str("upload_url") == "" || r.str("document_id") == "" {
		t.Fatalf("upload answer %s", r.Raw)
	}
	fields, _ := r.Body["fields"].(map[string]any)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := mw.WriteField(k, fmt.Sprint(v)); err != nil {
			t.Fatal(err)
		}
	}
	part, err := mw.CreateFormFile("file", docType+".png")
	if err != nil {
		t.Fatal(err)
	}
	part.Write(data)
	mw.Close()
	resp, err := http.Post(r.str("upload_url"), mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatalf("upload to object storage: %v", err)
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("upload to object storage: %d %s", resp.StatusCode, msg)
	}
	return g.do(t, "POST", "/api/v1/applications/"+appID+"/documents/"+r.str("document_id")+"/complete", token, nil)
}

// submittedApplication creates an application of a new applicant in region, uploads every required
// document and submits it; it returns the applicant and the application ID.
func (g *testGateway) submittedApplication(t *testing.T, batch, region, name string) (applicant, string) {
	t.Helper()
	a := g.registerApplicant(t, name)
	created := g.do(t, "POST", "/api/v1/applications", a.Token, applicationBody(batch, region)).want(t, 201)
	appID := created.str("id")
	for _, item := range created.Body["checklist"].([]any) {
		it := item.(map[string]any)
		if it["required"] != true {
			continue
		}
		data := scanPNG(t)
		if it["doc_type"] == "photo" {
			data = photoPNG(t)
		}
		g.uploadDocument(t, a.Token, appID, it["doc_type"].(string), "image/png", data).want(t, 200)
	}
	r := g.do(t, "POST", "/api/v1/applications/"+appID+"/submit", a.Token, nil).want(t, 200)
	if r.str("status") != "preliminary_review" {
		t.Fatalf("after submit: %s", r.Raw)
	}
	return a, appID
}
