package e2e

import (
	"context"
	"fmt"
	"time"

	"skillcert/api"
)

// kase is one application a wave drives.
type kase struct {
	p     person
	app   api.Application
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
		level, prev := 5, (*api.PreviousCertificate)(nil)
		if i == 1 { // one 技师, through the committee
			level, prev = 2, &api.PreviousCertificate{Number: "S00001500000115" + "3" + "000123", Level: 3,
				OccupationCode: "6-31-01-03", IssuedOn: "2015-06-01"}
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
		session := s.examSession(a, batch, level)
		for _, c := range all {
			if c.level == level {
				s.waitStatus(c.p.token, c.app.ID, "exam_scheduled", waveWait)
				s.attend(a, session, c.app.ID)
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
				s.act("evaluate", func(ctx context.Context) error { return ignore(s.as(m).Evaluate(ctx, c.app.ID, 70+i, "材料扎实")) })
			}
		}
	}
	hook("certified")
	var ids []string
	for _, c := range all {
		got := s.waitStatus(c.p.token, c.app.ID, "certified", waveWait)
		cert, err := s.as("").Certificate(context.Background(), got.CertificateNumber, "")
		s.ok("verify the certificate", err)
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
