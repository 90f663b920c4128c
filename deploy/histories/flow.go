package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	historypb "go.temporal.io/api/history/v1"
)

// flow is one application driven through the API. Its steps stop at the first error, which err keeps, so a
// scenario reads as the sequence of steps.
type flow struct {
	*recorder
	ctx       context.Context
	name      string
	applicant applicant
	batch     string
	app       string
	err       error
	// check, when set, must accept the saved history: it proves the scenario happened as described even
	// when a slow machine delays timers and signals.
	check func(events []*historypb.HistoryEvent) error
}

// application is the part of GET /api/v1/applications/{id} the flows read.
type application struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	Checklist []struct {
		DocType  string `json:"doc_type"`
		Required bool   `json:"required"`
		Status   string `json:"status"`
	} `json:"checklist"`
	CertificateNumber string `json:"certificate_number"`
}

func (f *flow) fail(format string, args ...any) {
	if f.err == nil {
		f.err = fmt.Errorf(format, args...)
	}
}

func (f *flow) call(want int, method, path, token string, body, out any) {
	if f.err == nil {
		f.err = f.api.call(f.ctx, want, method, path, token, body, out)
	}
}

// newBatch creates the flow's own batch (a PATCH of its windows then reaches this flow only): registration
// and payment open now, payment closing in a day, the exam in two.
func (f *flow) newBatch() {
	now := time.Now().UTC().Truncate(time.Second)
	f.batch = "corpus-" + f.name
	f.call(http.StatusCreated, "POST", "/api/v1/admin/batches", f.staff.admin, map[string]any{
		"id": f.batch, "name": "回放样本批次 " + f.name,
		"registration_opens_at": now.Add(-time.Hour), "registration_closes_at": now.Add(24 * time.Hour),
		"payment_opens_at": now.Add(-time.Hour), "payment_closes_at": now.Add(24 * time.Hour),
		"exam_starts_at": now.Add(48 * time.Hour)}, nil)
}

// create registers the flow's applicant, creates the application at level, uploads every required
// document and checks the application is a draft.
func (f *flow) create(level int, previous map[string]any) {
	f.newBatch()
	if f.err != nil {
		return
	}
	f.applicant, f.err = f.register(f.ctx, f.name)
	body := map[string]any{"batch_id": f.batch, "region": region, "employer": applicantEmployer, "employer_type": "institution",
		"occupation_code": occupation, "level": level, "pathway": "standard", "education": "high_school",
		"occupation_started_on": "2005-07-01"}
	if previous != nil {
		body["previous_certificate"] = previous
	}
	var app application
	f.call(http.StatusCreated, "POST", "/api/v1/applications", f.applicant.token, body, &app)
	f.app = app.ID
	f.expect(app, "draft")
	for _, it := range app.Checklist {
		if it.Required {
			f.upload(it.DocType)
		}
	}
}

// upload uploads a file that passes the inspection of docType and completes the upload.
func (f *flow) upload(docType string) {
	if f.err != nil {
		return
	}
	data, name, ct, err := fileFor(docType)
	if err != nil {
		f.err = err
		return
	}
	var g uploadGrant
	f.call(http.StatusCreated, "POST", "/api/v1/applications/"+f.app+"/documents", f.applicant.token,
		map[string]any{"doc_type": docType, "filename": name, "content_type": ct, "size": len(data)}, &g)
	if f.err == nil {
		f.err = f.api.upload(f.ctx, g, data, name)
	}
	var done struct {
		Status string `json:"status"`
	}
	f.call(http.StatusOK, "POST", "/api/v1/applications/"+f.app+"/documents/"+g.DocumentID+"/complete", f.applicant.token, nil, &done)
	if f.err == nil && done.Status != "accepted" {
		f.fail("%s not accepted: %s", docType, done.Status)
	}
}

// submit submits (or resubmits) the application.
func (f *flow) submit() {
	var app application
	f.call(http.StatusOK, "POST", "/api/v1/applications/"+f.app+"/submit", f.applicant.token, nil, &app)
}

// decide claims the open task of taskType in token's inbox and completes it.
func (f *flow) decide(token, taskType, decision, reason string, documents ...map[string]string) {
	id := f.task(token, taskType)
	f.call(http.StatusOK, "POST", "/api/v1/tasks/"+id+"/claim", token, nil, nil)
	body := map[string]any{"decision": decision, "reason": reason}
	if len(documents) > 0 {
		body["documents"] = documents
	}
	f.call(http.StatusOK, "POST", "/api/v1/tasks/"+id+"/complete", token, body, nil)
}

// task finds the open task of taskType for the application in token's inbox.
func (f *flow) task(token, taskType string) string {
	var page struct {
		Items []struct {
			ID     string `json:"id"`
			Type   string `json:"type"`
			Status string `json:"status"`
		} `json:"items"`
	}
	f.call(http.StatusOK, "GET", "/api/v1/tasks?application_id="+f.app+"&type="+taskType, token, nil, &page)
	for _, it := range page.Items {
		if it.Type == taskType && it.Status != "completed" {
			return it.ID
		}
	}
	f.fail("no open %s task in the inbox", taskType)
	return ""
}

// review passes 初审 and 复审.
func (f *flow) review() {
	f.decide(f.staff.city[0], "preliminary_review", "approve", "材料齐全，符合申报条件")
	f.decide(f.staff.prov[0], "re_review", "approve", "复审通过")
	f.wait("awaiting_payment", 2*time.Minute)
}

// order creates the payment order and returns its ID and amount.
func (f *flow) order() (string, int64) {
	var o struct {
		OrderID   string `json:"order_id"`
		AmountFen int64  `json:"amount_fen"`
	}
	f.call(http.StatusCreated, "POST", "/api/v1/applications/"+f.app+"/payment", f.applicant.token, nil, &o)
	return o.OrderID, o.AmountFen
}

// pay creates the order and sends the platform's callback times times (repeats carry the same transaction).
func (f *flow) pay(times int) {
	id, amount := f.order()
	body := map[string]any{"order_id": id, "application_id": f.app, "amount_fen": amount,
		"paid_at": time.Now().UTC().Format(time.RFC3339), "transaction_id": "corpus-tx-" + f.name}
	for i := 0; i < times && f.err == nil; i++ {
		status, b, err := f.api.callback(f.ctx, body)
		switch {
		case err != nil:
			f.err = err
		case status != http.StatusOK:
			f.fail("payment callback %d: %d %s", i+1, status, clip(b))
		}
	}
	f.wait("exam_scheduled", 2*time.Minute)
}

// seat creates an exam session for the flow's batch and level, seats the application and returns the
// session. pastDays > 0 moves the session's date that many days into the past first (see seatInPast).
func (f *flow) seat(level, pastDays int) string {
	var s struct {
		ID string `json:"id"`
	}
	f.call(http.StatusCreated, "POST", "/api/v1/exam-sessions", f.staff.prov[0], map[string]any{"batch_id": f.batch,
		"region": region, "occupation_code": occupation, "level": level, "starts_at": time.Now().Add(36 * time.Hour).UTC(),
		"venue": "包头职业技术学院", "capacity": 30}, &s)
	if pastDays > 0 && f.err == nil {
		f.err = f.examHeldDaysAgo(f.ctx, s.ID, pastDays)
	}
	f.call(http.StatusOK, "POST", "/api/v1/exam-sessions/"+s.ID+"/assign", f.staff.prov[0], nil, nil)
	return s.ID
}

// attend records attendance at session.
func (f *flow) attend(session string, present bool) {
	f.call(http.StatusOK, "POST", "/api/v1/exam-sessions/"+session+"/attendance", f.staff.city[0],
		map[string]any{"application_id": f.app, "present": present}, nil)
}

// score enters one score component.
func (f *flow) score(token, component string, score float64) {
	f.call(http.StatusOK, "POST", "/api/v1/applications/"+f.app+"/scores", token,
		map[string]any{"component": component, "score": score}, nil)
}

// scores enters both components by two operators each.
func (f *flow) scores(theory, skill float64) {
	f.score(f.staff.prov[0], "theory", theory)
	f.score(f.staff.prov[1], "theory", theory)
	f.score(f.staff.city[0], "skill", skill)
	f.score(f.staff.city[1], "skill", skill)
}

// patchBatch changes the flow's batch: payment closes at closes.
func (f *flow) patchBatch(closes time.Time) {
	f.call(http.StatusOK, "PATCH", "/api/v1/admin/batches/"+f.batch, f.staff.admin,
		map[string]any{"payment_closes_at": closes.UTC().Format(time.RFC3339)}, nil)
}

func (f *flow) get() application {
	var a application
	f.call(http.StatusOK, "GET", "/api/v1/applications/"+f.app, f.applicant.token, nil, &a)
	return a
}

func (f *flow) expect(a application, status string) {
	if f.err == nil && a.Status != status {
		f.fail("application is %s, want %s", a.Status, status)
	}
}

// wait polls the application until it is in status (timers fire on their own).
func (f *flow) wait(status string, limit time.Duration) application {
	deadline := time.Now().Add(limit)
	for f.err == nil {
		a := f.get()
		if f.err != nil || a.Status == status {
			return a
		}
		if time.Now().After(deadline) {
			f.fail("application is %s after %v, want %s", a.Status, limit, status)
			break
		}
		time.Sleep(250 * time.Millisecond)
	}
	return application{}
}

// sleepUntil waits until t.
func (f *flow) sleepUntil(t time.Time) {
	if f.err != nil {
		return
	}
	select {
	case <-time.After(time.Until(t)):
	case <-f.ctx.Done():
		f.err = f.ctx.Err()
	}
}
