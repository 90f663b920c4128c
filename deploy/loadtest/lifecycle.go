package main

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"strconv"
	"time"

	"skillcert"
)

// plan is one application the load test drives: who applies, for what, and who handles it.
type plan struct {
	index      int
	applicant  account
	region     string
	occupation string
	level      int
	employer   string
}

// levelFor mixes levels: two in ten applications are 二级 (技师, with 综合评审), the rest 三级, 四级, 五级.
func levelFor(i int) int {
	if i%10 < 2 {
		return 2
	}
	return 3 + i%3
}

// occupationFor picks an occupation of the catalog that offers level.
func occupationFor(i, level int) string {
	occs := skillcert.SeedOccupations()
	for k := 0; k < len(occs); k++ {
		o := occs[(i+k)%len(occs)]
		if o.Offers(skillcert.Level(level)) {
			return o.Code
		}
	}
	return occs[0].Code
}

// applicationBody is the POST /api/v1/applications body: the standard pathway, with the previous
// certificate the level needs (三级 and 二级) issued long enough ago; 四级 and 五级 qualify by years of work.
func applicationBody(p plan, batchID string, today skillcert.Date) map[string]any {
	body := map[string]any{
		"batch_id": batchID, "region": p.region, "employer": p.employer, "employer_type": []string{"agency", "institution"}[p.index%2],
		"occupation_code": p.occupation, "level": p.level, "pathway": "standard", "education": "bachelor",
		"occupation_started_on": today.AddDays(-12 * 366).String(),
	}
	if p.level <= 3 {
		issued := today.AddDays(-6 * 366)
		number := fmt.Sprintf("S000015000001%02d%d%06d", issued.Year%100, p.level+1, p.index%1_000_000)
		body["previous_certificate"] = map[string]any{"number": number, "level": p.level + 1,
			"occupation_code": p.occupation, "issued_on": issued.String()}
	}
	return body
}

// appView is the part of an application the load test reads.
type appView struct {
	ID                string `json:"id"`
	Status            string `json:"status"`
	CertificateNumber string `json:"certificate_number"`
	Checklist         []struct {
		DocType  string `json:"doc_type"`
		Required bool   `json:"required"`
		Status   string `json:"status"`
	} `json:"checklist"`
}

// driver runs lifecycles against one gateway.
type driver struct {
	api     *apiClient
	staff   *staff
	files   files
	batchID string
	secret  string
	seats   *seating
	today   skillcert.Date
}

// createApplication applies and returns the new application.
func (d *driver) createApplication(ctx context.Context, p plan) (appView, error) {
	var app appView
	err := d.api.do(ctx, call{method: "POST", route: "/api/v1/applications", path: "/api/v1/applications",
		token: p.applicant.Token, body: applicationBody(p, d.batchID, d.today), want: 201, out: &app})
	return app, err
}

// lifecycle drives one application from application to verified certificate and returns its ID.
func (d *driver) lifecycle(ctx context.Context, p plan) (string, error) {
	app, err := d.createApplication(ctx, p)
	if err != nil {
		return "", err
	}
	id, tok := app.ID, p.applicant.Token
	for _, item := range app.Checklist {
		if item.Required {
			if err := d.upload(ctx, id, tok, item.DocType); err != nil {
				return id, err
			}
		}
	}
	if err := d.api.do(ctx, call{method: "POST", route: "/api/v1/applications/{id}/submit",
		path: "/api/v1/applications/" + id + "/submit", token: tok}); err != nil {
		return id, err
	}
	city := d.staff.city[p.region]
	if err := d.review(ctx, city[p.index%2], id, "preliminary_review"); err != nil {
		return id, err
	}
	if err := d.review(ctx, d.staff.provincial[p.index%2], id, "re_review"); err != nil {
		return id, err
	}
	if err := d.pay(ctx, id, tok, p.index); err != nil {
		return id, err
	}
	session, err := d.seats.seat(ctx, seatKey{region: p.region, occupation: p.occupation, level: p.level}, id)
	if err != nil {
		return id, err
	}
	if err := d.api.do(ctx, call{method: "POST", route: "/api/v1/exam-sessions/{id}/attendance",
		path: "/api/v1/exam-sessions/" + session + "/attendance", token: city[0].Token,
		body: map[string]any{"application_id": id, "present": true}}); err != nil {
		return id, err
	}
	if err := d.scores(ctx, id, p); err != nil {
		return id, err
	}
	if p.level <= 2 {
		for i, m := range d.staff.committee {
			if err := d.api.do(ctx, call{method: "POST", route: "/api/v1/applications/{id}/evaluations",
				path: "/api/v1/applications/" + id + "/evaluations", token: m.Token,
				body: map[string]any{"score": 78 + i, "comment": "技术总结内容充实，业绩突出"}}); err != nil {
				return id, err
			}
		}
	}
	return id, d.verify(ctx, id, tok)
}

// upload asks for a presigned upload, sends the file straight to object storage and completes it.
func (d *driver) upload(ctx context.Context, appID, tok, docType string) error {
	data, name, ctype := d.files.scan, "scan.pdf", "application/pdf"
	switch docType {
	case "photo":
		data, name, ctype = d.files.photo, "photo.png", "image/png"
	case "technical_summary":
		data, name = d.files.summary, "summary.pdf"
	case "technical_paper":
		data, name = d.files.paper, "paper.pdf"
	}
	var up struct {
		DocumentID string            `json:"document_id"`
		UploadURL  string            `json:"upload_url"`
		Method     string            `json:"method"`
		Fields     map[string]string `json:"fields"`
		Headers    map[string]string `json:"headers"`
	}
	if err := d.api.do(ctx, call{method: "POST", route: "/api/v1/applications/{id}/documents",
		path: "/api/v1/applications/" + appID + "/documents", token: tok, want: 201, out: &up,
		body: map[string]any{"doc_type": docType, "filename": name, "content_type": ctype, "size": len(data)}}); err != nil {
		return err
	}
	if err := d.sendObject(ctx, up.Method, up.UploadURL, up.Fields, up.Headers, data, name); err != nil {
		return err
	}
	return d.api.do(ctx, call{method: "POST", route: "/api/v1/applications/{id}/documents/{document_id}/complete",
		path: "/api/v1/applications/" + appID + "/documents/" + up.DocumentID + "/complete", token: tok})
}

// sendObject uploads to the presigned URL: POST as multipart/form-data (fields, then the file) or PUT.
func (d *driver) sendObject(ctx context.Context, method, url string, fields, headers map[string]string, data []byte, name string) error {
	var body bytes.Buffer
	contentType := ""
	switch method {
	case "POST":
		w := multipart.NewWriter(&body)
		for k, v := range fields {
			if err := w.WriteField(k, v); err != nil {
				return fmt.Errorf("upload form: %w", err)
			}
		}
		part, err := w.CreateFormFile("file", name)
		if err != nil {
			return fmt.Errorf("upload form: %w", err)
		}
		part.Write(data)
		if err := w.Close(); err != nil {
			return fmt.Errorf("upload form: %w", err)
		}
		contentType = w.FormDataContentType()
	case "PUT":
		body.Write(data)
	default:
		return fmt.Errorf("upload: unknown method %q", method)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, &body)
	if err != nil {
		return fmt.Errorf("upload request: %w", err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	endpoint := method + " (object storage) presigned upload"
	start := time.Now()
	resp, err := d.api.api.HTTP.Do(req) // object storage, not the gateway: the bare transport
	if err != nil {
		d.api.errors.add(endpoint, 0, err.Error())
		return fmt.Errorf("upload: %w", err)
	}
	var answer bytes.Buffer
	answer.ReadFrom(resp.Body)
	resp.Body.Close()
	d.api.rec.add(endpoint, time.Since(start))
	if resp.StatusCode/100 != 2 {
		d.api.errors.add(endpoint, resp.StatusCode, answer.String())
		return fmt.Errorf("upload: status %d: %s", resp.StatusCode, clip(answer.String(), 300))
	}
	return nil
}

// taskPage is the answer of GET /api/v1/tasks.
type taskPage struct {
	Items []struct {
		ID   string `json:"id"`
		Type string `json:"type"`
	} `json:"items"`
}

// review has reviewer find the application's task of taskType in the inbox, claim it and approve it.
func (d *driver) review(ctx context.Context, reviewer account, appID, taskType string) error {
	var page taskPage
	if err := d.api.do(ctx, call{method: "GET", route: "/api/v1/tasks", path: "/api/v1/tasks?application_id=" + appID,
		token: reviewer.Token, out: &page}); err != nil {
		return err
	}
	taskID := ""
	for _, t := range page.Items {
		if t.Type == taskType {
			taskID = t.ID
		}
	}
	if taskID == "" {
		d.api.errors.add("GET /api/v1/tasks", 200, "no "+taskType+" task in the inbox")
		return fmt.Errorf("application %s: no %s task in the inbox of %s", appID, taskType, reviewer.Login)
	}
	if err := d.api.do(ctx, call{method: "POST", route: "/api/v1/tasks/{id}/claim", path: "/api/v1/tasks/" + taskID + "/claim",
		token: reviewer.Token}); err != nil {
		return err
	}
	return d.api.do(ctx, call{method: "POST", route: "/api/v1/tasks/{id}/complete", path: "/api/v1/tasks/" + taskID + "/complete",
		token: reviewer.Token, body: map[string]any{"decision": "approve", "reason": "材料齐全，符合申报条件"}})
}

// pay creates the payment order and sends the platform's signed callback.
func (d *driver) pay(ctx context.Context, appID, tok string, i int) error {
	var order struct {
		OrderID   string `json:"order_id"`
		AmountFen int64  `json:"amount_fen"`
	}
	if err := d.api.do(ctx, call{method: "POST", route: "/api/v1/applications/{id}/payment",
		path: "/api/v1/applications/" + appID + "/payment", token: tok, want: 201, out: &order}); err != nil {
		return err
	}
	body := []byte(fmt.Sprintf(`{"order_id":%q,"application_id":%q,"amount_fen":%d,"paid_at":%q,"transaction_id":%q}`,
		order.OrderID, appID, order.AmountFen, time.Now().Format(time.RFC3339), "BENCH"+strconv.Itoa(i)+"-"+appID[:8]))
	return d.api.do(ctx, call{method: "POST", route: "/api/v1/payments/callback", path: "/api/v1/payments/callback",
		raw: body, headers: map[string]string{"X-Signature": sign(d.secret, body)}})
}

// scores has two provincial reviewers enter the theory score and two city reviewers the skill score.
func (d *driver) scores(ctx context.Context, appID string, p plan) error {
	entries := []struct {
		who       account
		component string
		score     float64
	}{
		{d.staff.provincial[0], "theory", 86}, {d.staff.provincial[1], "theory", 86},
		{d.staff.city[p.region][0], "skill", 78.5}, {d.staff.city[p.region][1], "skill", 78.5},
	}
	for _, e := range entries {
		if err := d.api.do(ctx, call{method: "POST", route: "/api/v1/applications/{id}/scores",
			path: "/api/v1/applications/" + appID + "/scores", token: e.who.Token,
			body: map[string]any{"component": e.component, "score": e.score}}); err != nil {
			return err
		}
	}
	return nil
}

// verify reads the certified application and verifies its certificate on the public endpoint.
func (d *driver) verify(ctx context.Context, appID, tok string) error {
	var app appView
	if err := d.api.do(ctx, call{method: "GET", route: "/api/v1/applications/{id}", path: "/api/v1/applications/" + appID,
		token: tok, out: &app}); err != nil {
		return err
	}
	if app.Status != "certified" || app.CertificateNumber == "" {
		d.api.errors.add("GET /api/v1/applications/{id}", 200, "lifecycle ended in "+app.Status+", not certified")
		return fmt.Errorf("application %s ended in %s without a certificate", appID, app.Status)
	}
	var cert struct {
		Status string `json:"status"`
	}
	if err := d.api.do(ctx, call{method: "GET", route: "/api/v1/certificates/{number}",
		path: "/api/v1/certificates/" + app.CertificateNumber, out: &cert}); err != nil {
		return err
	}
	if cert.Status != "valid" {
		d.api.errors.add("GET /api/v1/certificates/{number}", 200, "certificate "+cert.Status)
		return fmt.Errorf("certificate %s is %s", app.CertificateNumber, cert.Status)
	}
	return nil
}
