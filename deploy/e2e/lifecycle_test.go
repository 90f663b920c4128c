package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"skillcert/api"
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
	at := func(d time.Duration) *string { v := now.Add(d).Format(time.RFC3339); return &v }
	name := "2026年第" + id + "批"
	s.act("create batch "+id, func(ctx context.Context) error {
		return ignore(s.as(admin).CreateBatch(ctx, api.BatchRequest{ID: &id, Name: &name, RegistrationOpensAt: at(-time.Hour),
			RegistrationClosesAt: at(24 * time.Hour), PaymentOpensAt: at(-time.Hour), PaymentClosesAt: at(paymentWindow), ExamStartsAt: at(examIn)}))
	})
}

func (s *system) apply(p person, batch string, level int, prev *api.PreviousCertificate) api.Application {
	s.t.Helper()
	app, err := s.as(p.token).CreateApplication(context.Background(), api.CreateApplicationRequest{BatchID: batch, Region: region,
		Employer: "包头市供水总公司", EmployerType: "institution", OccupationCode: "6-31-01-03", Level: level, Pathway: "standard",
		Education: "high_school", OccupationStartedOn: "2005-07-01", PreviousCertificate: prev})
	s.ok("create application", err)
	if app.Status != "draft" {
		s.t.Fatalf("new application is %s", app.Status)
	}
	s.uploadAll(p, app)
	app, err = s.as(p.token).Submit(context.Background(), app.ID)
	s.ok("submit", err)
	if app.Status != "preliminary_review" {
		s.t.Fatalf("submitted application is %s", app.Status)
	}
	return app
}

func (s *system) scores(a actors, app string) {
	for _, e := range []struct{ token, component string }{
		{a.prov1, "theory"}, {a.prov2, "theory"}, {a.city1, "skill"}, {a.city2, "skill"},
	} {
		s.act("enter "+e.component, func(ctx context.Context) error { return ignore(s.as(e.token).EnterScore(ctx, app, e.component, 78.5)) })
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
	seniorApp := s.apply(senior, "e2e-main", 3, &api.PreviousCertificate{Number: "S00001500000112" + "4" + "000456", Level: 4, OccupationCode: "6-31-01-03", IssuedOn: "2012-06-01"})
	techApp := s.apply(technician, "e2e-main", 2, &api.PreviousCertificate{Number: "S00001500000115" + "3" + "000123", Level: 3, OccupationCode: "6-31-01-03", IssuedOn: "2015-06-01"})
	lateApp := s.apply(late, "e2e-short", 5, nil)

	// Kill while a review is in flight: the request waits for the new worker and succeeds.
	inflight := make(chan string, 1)
	review := s.task(a.city1, lateApp.ID, "preliminary_review")
	go func() { // without the testing.T: another goroutine
		// A real client repeats the POST with its Idempotency-Key after a 5xx or a lost connection: a workflow
		// that waits for the restarted worker longer than the gateway's request deadline is answered 503, and
		// the repeat gets the first outcome.
		p := &patience{limit: 3 * time.Minute}
		c := (&system{baseURL: s.baseURL, patient: p}).as(a.city1)
		res, err := c.CompleteTask(context.Background(), review, api.CompleteTaskRequest{Decision: "approve", Reason: "符合条件"})
		inflight <- fmt.Sprint(res.Status, " ", err, " (attempts: ", p.retries.Load()+1, ")")
	}()
	time.Sleep(20 * time.Millisecond)
	s.killWorker(time.Second)
	if got := <-inflight; !strings.Contains(got, " <nil> (attempts") {
		t.Fatalf("review during the worker kill: %s", got)
	}
	s.decide(a.prov1, lateApp.ID, "re_review", "approve")
	s.waitStatus(late.token, lateApp.ID, "awaiting_payment", 2*time.Minute)
	// The organiser shortens the payment window to a few seconds: the running application follows the change
	// and expires by itself when the new window closes.
	closes := time.Now().Add(3 * time.Second).UTC().Format(time.RFC3339)
	_, err := s.as(a.admin).PatchBatch(context.Background(), "e2e-short", api.BatchRequest{PaymentClosesAt: &closes})
	s.ok("shorten the payment window", err)

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
		session := s.examSession(a, "e2e-main", app.level)
		s.attend(a, session, app.id)
	}
	s.killWorker(0)
	s.scores(a, seniorApp.ID)
	s.scores(a, techApp.ID)
	s.waitStatus(technician.token, techApp.ID, "comprehensive_review", 2*time.Minute)
	for i, m := range a.committee {
		s.act("evaluate", func(ctx context.Context) error {
			return ignore(s.as(m).Evaluate(ctx, techApp.ID, 70+i, "材料扎实"))
		})
	}

	for _, c := range []struct {
		p   person
		app string
	}{{senior, seniorApp.ID}, {technician, techApp.ID}} {
		got := s.waitStatus(c.p.token, c.app, "certified", 2*time.Minute)
		cert, err := s.as("").Certificate(context.Background(), got.CertificateNumber, "")
		s.ok("verify the certificate", err)
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

// examSession creates an exam session of level in batch and seats its paid applications.
func (s *system) examSession(a actors, batch string, level int) string {
	s.t.Helper()
	session, err := s.as(a.prov1).CreateExamSession(context.Background(), api.CreateExamSessionRequest{BatchID: batch, Region: region,
		OccupationCode: "6-31-01-03", Level: level, StartsAt: time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339),
		Venue: "包头职业技术学院", Capacity: 30})
	s.ok("create exam session", err)
	s.act("assign seats", func(ctx context.Context) error { return ignore(s.as(a.prov1).AssignSeats(ctx, session.ID)) })
	return session.ID
}

// attend records that app sat the exam of session.
func (s *system) attend(a actors, session, app string) {
	s.t.Helper()
	s.act("attendance", func(ctx context.Context) error { return ignore(s.as(a.city1).Attendance(ctx, session, app, true)) })
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
	body, _, err := s.as(token).Download(context.Background(), path)
	s.ok("GET "+path, err)
	text, _, err := inspect.ExtractPDFText(body)
	if err != nil {
		s.t.Fatalf("%s: %v", path, err)
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			s.t.Errorf("%s lacks %q", path, w)
		}
	}
}
