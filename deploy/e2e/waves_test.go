package e2e

import (
	"fmt"
	"net/http"
	"time"
)

// kase is one application a wave drives.
type kase struct {
	p     person
	app   application
	level int
}

// waveWait bounds each wait for a status: generous, since a wave may run while parts of the system restart.
const waveWait = 3 * time.Minute

// wave registers cases applicants in batch (created here), and drives each application through 初审, 复审,
// payment, exam seating, attendance and scores to its certificate; the second case is a 技师 that also goes
// through the committee. hook(phase) runs as each phase begins ("apply 1", "apply 2", ..., "review", "pay",
// "exam", "score", "committee", "certified"), for a test to kill something then. It checks every certificate
// and that every applicant can still sign in, and returns the application IDs.
func (s *system) wave(a actors, batch string, cases int, hook func(phase string)) []string {
	s.t.Helper()
	s.batch(a.admin, batch, 24*time.Hour, 48*time.Hour)
	var all []kase
	for i := 0; i < cases; i++ {
		hook(fmt.Sprintf("apply %d", i+1))
		level, prev := 5, map[string]any(nil)
		if i == 1 { // one 技师, through the committee
			level, prev = 2, map[string]any{"number": "S00001500000115" + "3" + "000123", "level": 3,
				"occupation_code": "6-31-01-03", "issued_on": "2015-06-01"}
		}
		p := s.newApplicant(fmt.Sprintf("申请人%d", i))
		all = append(all, kase{p: p, app: s.apply(p, batch, level, prev), level: level})
	}
	hook("review")
	for _, c := range all {
		s.decide(a.city1, c.app.ID, "preliminary_review", "approve")
		s.decide(a.prov2, c.app.ID, "re_review", "approve")
	}
	hook("pay")
	for _, c := range all {
		s.pay(c.p, c.app.ID)
	}
	hook("exam")
	for _, level := range []int{5, 2} {
		var session struct {
			ID string `json:"id"`
		}
		s.must(http.StatusCreated, "POST", "/api/v1/exam-sessions", a.prov1, map[string]any{"batch_id": batch, "region": region,
			"occupation_code": "6-31-01-03", "level": level, "starts_at": time.Now().Add(48 * time.Hour).UTC(), "venue": "包头职业技术学院", "capacity": 30}, &session)
		s.must(http.StatusOK, "POST", "/api/v1/exam-sessions/"+session.ID+"/assign", a.prov1, nil, nil)
		for _, c := range all {
			if c.level == level {
				s.waitStatus(c.p.token, c.app.ID, "exam_scheduled", waveWait)
				s.must(http.StatusOK, "POST", "/api/v1/exam-sessions/"+session.ID+"/attendance", a.city1,
					map[string]any{"application_id": c.app.ID, "present": true}, nil)
			}
		}
	}
	hook("score")
	for _, c := range all {
		s.scores(a, c.app.ID)
	}
	hook("committee")
	for _, c := range all {
		if c.level == 2 {
			s.waitStatus(c.p.token, c.app.ID, "comprehensive_review", waveWait)
			for i, m := range a.committee {
				s.must(http.StatusOK, "POST", "/api/v1/applications/"+c.app.ID+"/evaluations", m, map[string]any{"score": 70 + i, "comment": "材料扎实"}, nil)
			}
		}
	}
	hook("certified")
	var ids []string
	for _, c := range all {
		got := s.waitStatus(c.p.token, c.app.ID, "certified", waveWait)
		var cert struct {
			Status string `json:"status"`
		}
		s.must(http.StatusOK, "GET", "/api/v1/certificates/"+got.CertificateNumber, "", nil, &cert)
		if cert.Status != "valid" {
			s.t.Errorf("certificate %s verifies as %s", got.CertificateNumber, cert.Status)
		}
		if tok := s.login(c.p.phone, "Passw0rd2022"); tok == "" { // the registration is still there
			s.t.Errorf("applicant %s cannot sign in", c.p.phone)
		}
		ids = append(ids, c.app.ID)
	}
	return ids
}
