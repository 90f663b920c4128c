package e2e

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"skillcert"
	"skillcert/pdfdoc"
)

// person is a registered applicant.
type person struct {
	phone, idNumber, token string
}

func randomIDNumber() string {
	first17 := fmt.Sprintf("150203%04d%02d%02d%03d", 1970+rand.IntN(30), 1+rand.IntN(12), 1+rand.IntN(28), rand.IntN(1000))
	check, _ := skillcert.IDCheckChar(first17)
	return first17 + string(check)
}

func (s *system) newApplicant(name string) person {
	s.t.Helper()
	p := person{phone: fmt.Sprintf("13%09d", rand.IntN(1_000_000_000)), idNumber: randomIDNumber()}
	s.must(http.StatusCreated, "POST", "/api/v1/auth/register", "", map[string]string{
		"phone": p.phone, "password": "Passw0rd2022", "name": name, "id_number": p.idNumber}, nil)
	p.token = s.login(p.phone, "Passw0rd2022")
	return p
}

// staff creates a staff account and logs it in.
func (s *system) staff(admin, username, role, region, employer string) string {
	s.t.Helper()
	s.must(http.StatusCreated, "POST", "/api/v1/admin/users", admin, map[string]string{
		"username": username, "password": "Staff2022pass", "name": username, "role": role, "region": region, "employer": employer}, nil)
	return s.login(username, "Staff2022pass")
}

func photoPNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 360, 480))
	for y := 0; y < 480; y++ {
		for x := 0; x < 360; x++ {
			c := color.RGBA{255, 255, 255, 255}
			if (x-180)*(x-180)+(y-200)*(y-200) < 90*90 || (y > 320 && x > 80 && x < 280) {
				c = color.RGBA{50, 45, 60, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}

var renderer *pdfdoc.Renderer

func textPDF(t *testing.T, chars int) []byte {
	t.Helper()
	if renderer == nil {
		font, err := pdfdoc.FindFont(func(string) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		if renderer, err = pdfdoc.NewRenderer(font); err != nil {
			t.Fatal(err)
		}
	}
	body := strings.Repeat("近三年来本人坚持学习专业知识解决现场技术问题并参与技术创新安全生产", chars/32+1)
	b, err := renderer.TextPDF("专业技术总结", string([]rune(body)[:chars]))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fileFor returns a file that passes the inspection of docType.
func fileFor(t *testing.T, docType string) (data []byte, name, contentType string) {
	switch docType {
	case "photo":
		return photoPNG(), "photo.png", "image/png"
	case "technical_summary":
		return textPDF(t, 1200), "summary.pdf", "application/pdf"
	case "technical_paper":
		return textPDF(t, 3200), "paper.pdf", "application/pdf"
	}
	return photoPNG(), docType + ".png", "image/png"
}

// uploadAll uploads every required document of app and completes each upload.
func (s *system) uploadAll(p person, app application) {
	s.t.Helper()
	for _, item := range app.Checklist {
		if !item.Required {
			continue
		}
		data, name, ct := fileFor(s.t, item.DocType)
		var grant uploadGrant
		s.must(http.StatusCreated, "POST", "/api/v1/applications/"+app.ID+"/documents", p.token,
			map[string]any{"doc_type": item.DocType, "filename": name, "content_type": ct, "size": len(data)}, &grant)
		s.upload(grant, data, name)
		var done map[string]any
		s.must(http.StatusOK, "POST", "/api/v1/applications/"+app.ID+"/documents/"+grant.DocumentID+"/complete", p.token, nil, &done)
		if done["status"] != "accepted" {
			s.t.Fatalf("%s not accepted: %v", item.DocType, done)
		}
	}
}

// task finds the open task of taskType for app in the caller's inbox. A patient system waits up to a minute
// for it: after a request whose first attempt was cut off, the step that opens the task may still be
// finishing.
func (s *system) task(token, app, taskType string) string {
	s.t.Helper()
	var page struct {
		Items []struct {
			ID     string `json:"id"`
			Type   string `json:"type"`
			Status string `json:"status"`
		} `json:"items"`
	}
	deadline := time.Now()
	if s.patient != nil {
		deadline = deadline.Add(time.Minute)
	}
	for {
		s.must(http.StatusOK, "GET", "/api/v1/tasks?application_id="+app+"&type="+taskType, token, nil, &page)
		for _, it := range page.Items {
			if it.Type == taskType && it.Status != "completed" {
				return it.ID
			}
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("no open %s task for %s in the inbox: %+v", taskType, app, page)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func (s *system) decide(token, app, taskType, decision string) {
	s.t.Helper()
	id := s.task(token, app, taskType)
	s.must(http.StatusOK, "POST", "/api/v1/tasks/"+id+"/claim", token, nil, nil)
	s.must(http.StatusOK, "POST", "/api/v1/tasks/"+id+"/complete", token, map[string]any{"decision": decision, "reason": "材料齐全，符合条件"}, nil)
}

func (s *system) get(token, app string) application {
	s.t.Helper()
	var a application
	s.must(http.StatusOK, "GET", "/api/v1/applications/"+app, token, nil, &a)
	return a
}

// pay creates the payment order and sends the platform's signed callback (twice: repeats are harmless).
func (s *system) pay(p person, app string) {
	s.t.Helper()
	var order struct {
		OrderID   string `json:"order_id"`
		AmountFen int64  `json:"amount_fen"`
	}
	s.must(http.StatusCreated, "POST", "/api/v1/applications/"+app+"/payment", p.token, nil, &order)
	body := map[string]any{"order_id": order.OrderID, "application_id": app, "amount_fen": order.AmountFen,
		"paid_at": time.Now().UTC().Format(time.RFC3339), "transaction_id": "tx-" + app}
	for i := 0; i < 2; i++ {
		if c := s.callback(body); c.status != http.StatusOK {
			s.t.Fatalf("payment callback %d: %d %s", i+1, c.status, c.body)
		}
	}
}

// waitStatus polls the application until it reaches want (timers fire on their own).
func (s *system) waitStatus(token, app, want string, limit time.Duration) application {
	s.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		a := s.get(token, app)
		if a.Status == want {
			return a
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("application %s is %s after %v, want %s", app, a.Status, limit, want)
		}
		time.Sleep(250 * time.Millisecond)
	}
}
