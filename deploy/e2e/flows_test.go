package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"skillcert"
	"skillcert/api"
	"skillcert/client"
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
	s.act("register", func(ctx context.Context) error {
		return ignore(s.as("").Register(ctx, api.RegisterRequest{Phone: p.phone, Password: "Passw0rd2022", Name: name, IDNumber: p.idNumber}))
	})
	p.token = s.login(p.phone, "Passw0rd2022")
	return p
}

// staff creates a staff account and logs it in.
func (s *system) staff(admin, username, role, region, employer string) string {
	s.t.Helper()
	s.act("create user "+username, func(ctx context.Context) error {
		return ignore(s.as(admin).CreateUser(ctx, api.CreateUserRequest{Username: username, Password: "Staff2022pass",
			Name: username, Role: role, Region: region, Employer: employer}))
	})
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
func (s *system) uploadAll(p person, app api.Application) {
	s.t.Helper()
	ctx := context.Background()
	for _, item := range app.Checklist {
		if !item.Required {
			continue
		}
		data, name, ct := fileFor(s.t, string(item.DocType))
		grant, err := s.as(p.token).AddDocument(ctx, app.ID, api.UploadRequest{DocType: string(item.DocType), Filename: name,
			ContentType: ct, Size: int64(len(data))})
		s.ok("add "+string(item.DocType), err)
		s.ok("upload to storage", s.as("").Upload(ctx, grant.Upload, name, data))
		done, err := s.as(p.token).CompleteDocument(ctx, app.ID, grant.DocumentID)
		s.ok("complete "+string(item.DocType), err)
		if done.Status != "accepted" {
			s.t.Fatalf("%s not accepted: %+v", item.DocType, done)
		}
	}
}

// task finds the open task of taskType for app in the caller's inbox. A patient system waits up to a minute
// for it: after a request whose first attempt was cut off, the step that opens the task may still be
// finishing.
func (s *system) task(token, app, taskType string) string {
	s.t.Helper()
	deadline := time.Now()
	if s.patient != nil {
		deadline = deadline.Add(time.Minute)
	}
	for {
		page, err := s.as(token).Tasks(context.Background(), client.TaskFilter{ApplicationID: app, Type: taskType}, client.Paging{})
		s.ok("inbox", err)
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
	s.act("claim "+taskType, func(ctx context.Context) error { return ignore(s.as(token).Claim(ctx, id)) })
	s.act("complete "+taskType, func(ctx context.Context) error {
		return ignore(s.as(token).CompleteTask(ctx, id, api.CompleteTaskRequest{Decision: decision, Reason: "材料齐全，符合条件"}))
	})
}

func (s *system) get(token, app string) api.Application {
	s.t.Helper()
	a, err := s.as(token).Application(context.Background(), app)
	s.ok("read application", err)
	return a
}

// pay creates the payment order and sends the platform's signed callback (twice: repeats are harmless).
func (s *system) pay(p person, app string) {
	s.t.Helper()
	order, err := s.as(p.token).PaymentOrder(context.Background(), app)
	s.ok("payment order", err)
	cb := api.PaymentCallback{OrderID: order.OrderID, ApplicationID: app, AmountFen: order.AmountFen,
		PaidAt: time.Now().UTC().Format(time.RFC3339), TransactionID: "tx-" + app}
	for i := 0; i < 2; i++ {
		if err := s.callback(cb); err != nil {
			s.t.Fatalf("payment callback %d: %v", i+1, err)
		}
	}
}

// waitStatus polls the application until it reaches want (timers fire on their own).
func (s *system) waitStatus(token, app, want string, limit time.Duration) api.Application {
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
