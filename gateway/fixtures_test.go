package gateway

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"testing"
	"time"

	"skillcert"
	"skillcert/api"
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
	a.ID = must(g.as("").Register(t.Context(), api.RegisterRequest{Phone: a.Phone, Password: applicantPassword,
		Name: name, IDNumber: a.IDNumber}))(t).UserID
	a.Token = g.login(t, a.Phone, applicantPassword)
	return a
}

// login returns a token.
func (g *testGateway) login(t *testing.T, login, password string) string {
	t.Helper()
	r := must(g.as("").Login(t.Context(), login, password))(t)
	if r.Token == "" {
		t.Fatalf("login gave no token: %+v", r)
	}
	return r.Token
}

// adminToken logs in as the seeded admin.
func (g *testGateway) adminToken(t *testing.T) string { return g.login(t, "admin", testAdminPassword) }

// newStaff creates a staff account through the admin API and logs it in.
func (g *testGateway) newStaff(t *testing.T, role, region string) (userID, token string) {
	t.Helper()
	username := fmt.Sprintf("%s_%d", role, rand.IntN(1_000_000_000))
	r := must(g.as(g.adminToken(t)).CreateUser(t.Context(), api.CreateUserRequest{Username: username,
		Password: "Staff2022pass", Name: "测试" + role, Role: role, Region: region, Employer: "测试单位"}))(t)
	return r.UserID, g.login(t, username, "Staff2022pass")
}

// newBatch creates a batch open for registration and payment now.
func (g *testGateway) newBatch(t *testing.T) string {
	t.Helper()
	id := fmt.Sprintf("it-%d", rand.IntN(1_000_000_000))
	now := time.Now()
	at := func(d time.Duration) *string { v := now.Add(d).Format(time.RFC3339); return &v }
	name := "集成测试批次 " + id
	must(g.as(g.adminToken(t)).CreateBatch(t.Context(), api.BatchRequest{ID: &id, Name: &name,
		RegistrationOpensAt: at(-time.Hour), RegistrationClosesAt: at(30 * 24 * time.Hour),
		PaymentOpensAt: at(-time.Hour), PaymentClosesAt: at(40 * 24 * time.Hour), ExamStartsAt: at(50 * 24 * time.Hour),
	}))(t)
	return id
}

// applicationBody is a valid 五级 standard application of 保安员 in region.
func applicationBody(batchID, region string) map[string]any {
	return map[string]any{"batch_id": batchID, "region": region, "employer": "呼和浩特市某局", "employer_type": "agency",
		"occupation_code": "4-07-05-01", "level": 5, "pathway": "standard", "education": "high_school",
		"occupation_started_on": "2015-03-01"}
}

// applicationRequest is applicationBody, typed.
func applicationRequest(batchID, region string) api.CreateApplicationRequest {
	return api.CreateApplicationRequest{BatchID: batchID, Region: region, Employer: "呼和浩特市某局", EmployerType: "agency",
		OccupationCode: "4-07-05-01", Level: 5, Pathway: "standard", Education: "high_school", OccupationStartedOn: "2015-03-01"}
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
func (g *testGateway) uploadDocument(t *testing.T, token, appID, docType, contentType string, data []byte) (api.DocumentAccepted, error) {
	t.Helper()
	grant := must(g.as(token).AddDocument(t.Context(), appID, api.UploadRequest{DocType: docType,
		Filename: docType + ".png", ContentType: contentType, Size: int64(len(data))}))(t)
	if grant.Method != "POST" || grant.URL == "" || grant.DocumentID == "" {
		t.Fatalf("upload answer %+v", grant)
	}
	if err := g.as("").Upload(t.Context(), grant.Upload, docType+".png", data); err != nil {
		t.Fatalf("upload to object storage: %v", err)
	}
	return g.as(token).CompleteDocument(t.Context(), appID, grant.DocumentID)
}

// submittedApplication creates an application of a new applicant in region, uploads every required
// document and submits it; it returns the applicant and the application ID.
func (g *testGateway) submittedApplication(t *testing.T, batch, region, name string) (applicant, string) {
	t.Helper()
	a := g.registerApplicant(t, name)
	created := must(g.as(a.Token).CreateApplication(t.Context(), applicationRequest(batch, region)))(t)
	for _, it := range created.Checklist {
		if !it.Required {
			continue
		}
		data := scanPNG(t)
		if it.DocType == skillcert.DocPhoto {
			data = photoPNG(t)
		}
		must(g.uploadDocument(t, a.Token, created.ID, string(it.DocType), "image/png", data))(t)
	}
	if r := must(g.as(a.Token).Submit(t.Context(), created.ID))(t); r.Status != "preliminary_review" {
		t.Fatalf("after submit: %+v", r)
	}
	return a, created.ID
}
