package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"skillcert/inspect"
)

const region = "包头市"

type actors struct {
	admin, city1, city2, prov1, prov2 string
	committee                         []string
}

func (s *system) actors() actors {
	admin := s.login("admin", adminPassword)
	a := actors{admin: admin,
		city1: s.staff(admin, "bt-city-1", "city_reviewer", region, "包头市人社局"),
		city2: s.staff(admin, "bt-city-2", "city_reviewer", region, "包头市人社局"),
		prov1: s.staff(admin, "prov-1", "provincial_reviewer", "", "就促会"),
		prov2: s.staff(admin, "prov-2", "provincial_reviewer", "", "就促会"),
	}
	for i, employer := range []string{"赤峰市水利局", "通辽市医院", "乌海市政府"} {
		a.committee = append(a.committee, s.staff(admin, fmt.Sprintf("committee-%d", i+1), "committee_member", "", employer))
	}
	return a
}

func (s *system) batch(admin, id string, paymentWindow, examIn time.Duration) {
	now := time.Now().UTC().Truncate(time.Second)
	s.must(http.StatusCreated, "POST", "/api/v1/admin/batches", admin, map[string]any{
		"id": id, "name": "2026年第" + id + "批", "registration_opens_at": now.Add(-time.Hour), "registration_closes_at": now.Add(24 * time.Hour),
		"payment_opens_at": now.Add(-time.Hour), "payment_closes_at": now.Add(paymentWindow), "exam_starts_at": now.Add(examIn)}, nil)
}

func (s *system) apply(p person, batch string, level int, prev map[string]any) application {
	s.t.Helper()
	body := map[string]any{"batch_id": batch, "region": region, "employer": "包头市供水总公司", "employer_type": "institution",
		"occupation_code": "6-31-01-03", "level": level, "pathway": "standard", "education": "high_school",
		"occupation_started_on": "2005-07-01", "previous_certificate": prev}
	var app application
	s.must(http.StatusCreated, "POST", "/api/v1/applications", p.token, body, &app)
	if app.Status != "draft" {
		s.t.Fatalf("new application is %s", app.Status)
	}
	s.uploadAll(p, app)
	s.must(http.StatusOK, "POST", "/api/v1/applications/"+app.ID+"/submit", p.token, nil, &app)
	if app.Status != "preliminary_review" {
		s.t.Fatalf("submitted application is %s", app.Status)
	}
	return app
}

// patientPost sends a POST with one Idempotency-Key and repeats it with that key after a connection error
// or a 5xx answer, for up to limit, as a real client does: a workflow that waits for a restarted worker longer
// than the gateway's request deadline is answered 503, and the repeat gets the first outcome. Unlike send it
// never stops the test, so it may run in its own goroutine. It returns the last outcome and the attempts.
func (s *system) patientPost(path, token string, body any, limit time.Duration) (status int, out string, attempts int, err error) {
	b, _ := json.Marshal(body)
	key := uuid.NewString()
	deadline := time.Now().Add(limit)
	for wait := 200 * time.Millisecond; ; wait = min(2*wait, 2*time.Second) {
		attempts++
		req, rerr := http.NewRequest("POST", s.baseURL+path, bytes.NewReader(b))
		if rerr != nil {
			return 0, "", attempts, rerr
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Idempotency-Key", key)
		var resp *http.Response
		var raw []byte
		resp, raw, err = api.Send(req)
		if err == nil {
			status, out = resp.StatusCode, string(raw)
		}
		if (err == nil && status < 500) || time.Now().After(deadline) {
			return status, out, attempts, err
		}
		time.Sleep(wait)
	}
}

func (s *system) scores(a actors, app string) {
	for _, e := range []struct{ token, component string }{
		{a.prov1, "theory"}, {a.prov2, "theory"}, {a.city1, "skill"}, {a.city2, "skill"},
	} {
		s.must(http.StatusOK, "POST", "/api/v1/applications/"+app+"/scores", e.token, map[string]any{"component": e.component, "score": 78.5}, nil)
	}
}

// TestLifecyclesSurviveWorkerKill drives a 高级工 to a certificate, a 技师 through the committee to a
// certificate, and an unpaid application to expiry on a payment window shortened to seconds, killing the worker with
// SIGKILL three times on the way. Every case ends as it should, with one certificate each and no
// transition recorded twice.
func TestLifecyclesSurviveWorkerKill(t *testing.T) {
	s := startSystem(t)
	// A new worker takes over a killed one's workflow tasks after their timeouts, and its start can take long
	// on a loaded machine: the client is patient (5xx and lost connections repeated with the same
	// Idempotency-Key), as a real one is. The outcomes and the final state are what the test checks.
	s.patient = &patience{limit: 3 * time.Minute}
	a := s.actors()
	s.batch(a.admin, "e2e-main", 24*time.Hour, 48*time.Hour)
	s.batch(a.admin, "e2e-short", 24*time.Hour, 48*time.Hour)

	senior := s.newApplicant("王小明")
	technician := s.newApplicant("李建国")
	late := s.newApplicant("赵丽")
	seniorApp := s.apply(senior, "e2e-main", 3, map[string]any{"number": "S00001500000112" + "4" + "000456", "level": 4, "occupation_code": "6-31-01-03", "issued_on": "2012-06-01"})
	techApp := s.apply(technician, "e2e-main", 2, map[string]any{"number": "S00001500000115" + "3" + "000123", "level": 3, "occupation_code": "6-31-01-03", "issued_on": "2015-06-01"})
	lateApp := s.apply(late, "e2e-short", 5, nil)

	// Kill while a review is in flight: the request waits for the new worker and succeeds.
	inflight := make(chan string, 1)
	review := "/api/v1/tasks/" + s.task(a.city1, lateApp.ID, "preliminary_review") + "/complete"
	go func() {
		status, body, attempts, err := s.patientPost(review, a.city1, map[string]string{"decision": "approve", "reason": "符合条件"}, 3*time.Minute)
		inflight <- fmt.Sprint(status, body, err, " (attempts: ", attempts, ")")
	}()
	time.Sleep(20 * time.Millisecond)
	s.killWorker(time.Second)
	if got := <-inflight; got[:3] != "200" {
		t.Fatalf("review during the worker kill: %s", got)
	}
	s.decide(a.prov1, lateApp.ID, "re_review", "approve")
	s.waitStatus(late.token, lateApp.ID, "awaiting_payment", 2*time.Minute)
	// The organiser shortens the payment window to a few seconds: the running application follows the change
	// and expires by itself when the new window closes.
	s.must(http.StatusOK, "PATCH", "/api/v1/admin/batches/e2e-short", a.admin,
		map[string]any{"payment_closes_at": time.Now().Add(3 * time.Second).UTC().Format(time.RFC3339)}, nil)

	for _, app := range []string{seniorApp.ID, techApp.ID} {
		s.decide(a.city1, app, "preliminary_review", "approve")
		s.decide(a.prov2, app, "re_review", "approve")
	}
	s.killWorker(500 * time.Millisecond)
	s.pay(senior, seniorApp.ID)
	s.pay(technician, techApp.ID)

	for _, app := range []struct {
		id    string
		level int
	}{{seniorApp.ID, 3}, {techApp.ID, 2}} {
		var session struct {
			ID string `json:"id"`
		}
		s.must(http.StatusCreated, "POST", "/api/v1/exam-sessions", a.prov1, map[string]any{"batch_id": "e2e-main", "region": region,
			"occupation_code": "6-31-01-03", "level": app.level, "starts_at": time.Now().Add(48 * time.Hour).UTC(), "venue": "包头职业技术学院", "capacity": 30}, &session)
		s.must(http.StatusOK, "POST", "/api/v1/exam-sessions/"+session.ID+"/assign", a.prov1, nil, nil)
		s.must(http.StatusOK, "POST", "/api/v1/exam-sessions/"+session.ID+"/attendance", a.city1, map[string]any{"application_id": app.id, "present": true}, nil)
	}
	s.killWorker(0)
	s.scores(a, seniorApp.ID)
	s.scores(a, techApp.ID)
	s.waitStatus(technician.token, techApp.ID, "comprehensive_review", 2*time.Minute)
	for i, m := range a.committee {
		s.must(http.StatusOK, "POST", "/api/v1/applications/"+techApp.ID+"/evaluations", m, map[string]any{"score": 70 + i, "comment": "材料扎实"}, nil)
	}

	for _, c := range []struct {
		p   person
		app string
	}{{senior, seniorApp.ID}, {technician, techApp.ID}} {
		got := s.waitStatus(c.p.token, c.app, "certified", 2*time.Minute)
		var cert struct {
			Status string `json:"status"`
		}
		s.must(http.StatusOK, "GET", "/api/v1/certificates/"+got.CertificateNumber, "", nil, &cert)
		if cert.Status != "valid" {
			t.Fatalf("certificate %s verifies as %s", got.CertificateNumber, cert.Status)
		}
		s.checkPDF(c.p.token, "/api/v1/applications/"+c.app+"/certificate.pdf", got.CertificateNumber, "电工")
		s.checkPDF(c.p.token, "/api/v1/applications/"+c.app+"/admission-ticket.pdf", "包头职业技术学院", "电工")
		s.checkPDF(c.p.token, "/api/v1/applications/"+c.app+"/form.pdf", c.p.idNumber, "包头市供水总公司")
	}
	s.waitStatus(late.token, lateApp.ID, "expired", 2*time.Minute)
	s.checkNoDuplicates(seniorApp.ID, techApp.ID, lateApp.ID)
	s.checkCodecEndpoint(t, a.admin, a.prov1, seniorApp.ID, "包头市供水总公司")
}

// checkNoDuplicates reads the projection: one certificate per certified application, and the audit trail
// of each application numbered 1..n without a gap or a repeat.
func (s *system) checkNoDuplicates(apps ...string) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, s.databaseURL)
	if err != nil {
		s.t.Fatal(err)
	}
	defer conn.Close(ctx)
	for _, app := range apps {
		var certs, events, distinctSeqs, maxSeq, paid int
		_ = conn.QueryRow(ctx, `SELECT count(*) FROM certificates WHERE application_id = $1`, app).Scan(&certs)
		_ = conn.QueryRow(ctx, `SELECT count(*), count(DISTINCT seq), coalesce(max(seq), 0), count(*) FILTER (WHERE action = 'payment_confirmed')
			FROM audit_events WHERE application_id = $1`, app).Scan(&events, &distinctSeqs, &maxSeq, &paid)
		if events != distinctSeqs || events != maxSeq {
			s.t.Errorf("application %s: %d audit events, %d distinct seqs, max seq %d", app, events, distinctSeqs, maxSeq)
		}
		if certs > 1 || paid > 1 {
			s.t.Errorf("application %s: %d certificates, %d payment confirmations", app, certs, paid)
		}
	}
}

// checkPDF downloads a generated PDF and finds each of want in its text.
func (s *system) checkPDF(token, path string, want ...string) {
	s.t.Helper()
	c := s.do("GET", path, token, nil)
	if c.status != http.StatusOK {
		s.t.Fatalf("GET %s: %d %s", path, c.status, c.body)
	}
	text, _, err := inspect.ExtractPDFText(c.body)
	if err != nil {
		s.t.Fatalf("%s: %v", path, err)
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			s.t.Errorf("%s lacks %q", path, w)
		}
	}
}
