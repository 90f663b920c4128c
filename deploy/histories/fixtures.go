package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strings"
	"sync"
	"time"

	"skillcert"
	"skillcert/pdfdoc"
)

// Every application of the corpus is an 电工 in 包头市 at a made-up employer.
const (
	region            = "包头市"
	occupation        = "6-31-01-03"
	applicantEmployer = "回放样本供水公司"
	staffPassword     = "Corpus2022staff"
	applicantPassword = "Corpus2022apply"
)

// staff are the tokens of the accounts that act on the applications: two city reviewers of 包头市, two
// provincial reviewers, three committee members of other employers.
type staff struct {
	admin     string
	city      [2]string
	prov      [2]string
	committee [3]string
}

// applicant is a generated identity: its ID number has the county code 1599, which does not exist, so it
// can be no real person's; the phone numbers are in an unassigned 199 block.
type applicant struct {
	name, phone, idNumber, token string
}

func (r *recorder) setupStaff(ctx context.Context, adminPassword string) error {
	var login struct {
		Token string `json:"token"`
	}
	if err := r.api.call(ctx, http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]string{"login": "admin", "password": adminPassword}, &login); err != nil {
		return fmt.Errorf("admin login: %w", err)
	}
	r.staff.admin = login.Token
	accounts := []struct {
		dst                              *string
		username, role, region, employer string
	}{
		{&r.staff.city[0], "corpus-city-1", "city_reviewer", region, "包头市人社局"},
		{&r.staff.city[1], "corpus-city-2", "city_reviewer", region, "包头市人社局"},
		{&r.staff.prov[0], "corpus-prov-1", "provincial_reviewer", "", "就促会"},
		{&r.staff.prov[1], "corpus-prov-2", "provincial_reviewer", "", "就促会"},
		{&r.staff.committee[0], "corpus-committee-1", "committee_member", "", "赤峰市水利局"},
		{&r.staff.committee[1], "corpus-committee-2", "committee_member", "", "通辽市医院"},
		{&r.staff.committee[2], "corpus-committee-3", "committee_member", "", "乌海市政府"},
	}
	for _, a := range accounts {
		if err := r.api.call(ctx, http.StatusCreated, "POST", "/api/v1/admin/users", r.staff.admin, map[string]string{
			"username": a.username, "password": staffPassword, "name": a.username, "role": a.role, "region": a.region,
			"employer": a.employer}, nil); err != nil {
			return err
		}
		if err := r.api.call(ctx, http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]string{"login": a.username, "password": staffPassword}, &login); err != nil {
			return err
		}
		*a.dst = login.Token
	}
	return nil
}

// register registers a new generated applicant and signs it in.
func (r *recorder) register(ctx context.Context, scenario string) (applicant, error) {
	r.mu.Lock()
	r.people++
	n := r.people
	r.mu.Unlock()
	first17 := fmt.Sprintf("159900%s%03d", skillcert.NewDate(1980, 1, 1).AddDays(n*97).String(), 900+n)
	first17 = strings.ReplaceAll(first17, "-", "")
	check, _ := skillcert.IDCheckChar(first17)
	p := applicant{name: "回放样本" + scenario, phone: fmt.Sprintf("1990000%04d", n), idNumber: first17 + string(check)}
	if err := r.api.call(ctx, http.StatusCreated, "POST", "/api/v1/auth/register", "", map[string]string{
		"phone": p.phone, "password": applicantPassword, "name": p.name, "id_number": p.idNumber}, nil); err != nil {
		return p, err
	}
	var login struct {
		Token string `json:"token"`
	}
	err := r.api.call(ctx, http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]string{"login": p.phone, "password": applicantPassword}, &login)
	p.token = login.Token
	r.mu.Lock()
	r.secrets = append(r.secrets, p.name, p.phone, p.idNumber)
	r.mu.Unlock()
	return p, err
}

// examHeldDaysAgo moves an exam session's date days into the past. The API only creates sessions in the
// future; this stands for a session held weeks ago whose skill scores were never entered.
func (r *recorder) examHeldDaysAgo(ctx context.Context, session string, days int) error {
	_, err := r.db.Exec(ctx, `UPDATE exam_sessions SET starts_at = $2 WHERE id = $1`, session,
		time.Now().Add(-time.Duration(days)*24*time.Hour).UTC().Truncate(time.Hour))
	if err != nil {
		return fmt.Errorf("move exam session into the past: %w", err)
	}
	return nil
}

// photoPNG is a 360×480 portrait-like picture that passes the photo inspection.
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

var renderer struct {
	once sync.Once
	r    *pdfdoc.Renderer
	err  error
}

// textPDF is a Chinese text PDF of chars characters.
func textPDF(chars int) ([]byte, error) {
	renderer.once.Do(func() {
		font, err := pdfdoc.FindFont(func(string) string { return "" })
		if err != nil {
			renderer.err = err
			return
		}
		renderer.r, renderer.err = pdfdoc.NewRenderer(font)
	})
	if renderer.err != nil {
		return nil, renderer.err
	}
	body := strings.Repeat("近三年来本人坚持学习专业知识解决现场技术问题并参与技术创新安全生产", chars/32+1)
	return renderer.r.TextPDF("专业技术总结", string([]rune(body)[:chars]))
}

// fileFor returns a file that passes the inspection of docType.
func fileFor(docType string) (data []byte, name, contentType string, err error) {
	switch docType {
	case "technical_summary":
		data, err = textPDF(1200)
		return data, "summary.pdf", "application/pdf", err
	case "technical_paper":
		data, err = textPDF(3200)
		return data, "paper.pdf", "application/pdf", err
	}
	return photoPNG(), docType + ".png", "image/png", nil
}
