package gateway

import (
	"strings"
	"testing"
	"time"
)

// TestFinding13OtherRegionIs404: to a city reviewer of another region, a task or an exam session answers
// exactly as one that does not exist (404, same message), and no answer names the case's region.
func TestFinding13OtherRegionIs404(t *testing.T) {
	s := newStaffCase(t, "乌海市")
	g := s.g
	other := s.staff(t, roleCityReviewer, "阿拉善盟", "")
	_, appID := s.submitted(t, "何十四", 5)
	taskID := s.openTask(t, s.city.Token, appID, "preliminary_review")
	sessionID := s.session(t, 5, 10, time.Now().Add(240*time.Hour)).want(t, 201).str("id")
	const nobody = "00000000-0000-0000-0000-0000000000ff"

	type probe struct {
		method, path string
		body         any
	}
	probes := func(task, session string) []probe {
		return []probe{
			{"POST", "/api/v1/tasks/" + task + "/claim", nil},
			{"POST", "/api/v1/tasks/" + task + "/unclaim", nil},
			{"POST", "/api/v1/tasks/" + task + "/assign", map[string]any{"user_id": other.ID}},
			{"POST", "/api/v1/tasks/" + task + "/complete", map[string]any{"decision": "approve", "reason": "ok"}},
			{"GET", "/api/v1/exam-sessions/" + session, nil},
			{"POST", "/api/v1/exam-sessions/" + session + "/roster", nil},
			{"POST", "/api/v1/exam-sessions/" + session + "/attendance", map[string]any{"application_id": appID, "present": true}},
			{"GET", "/api/v1/admin/exports/roster.xlsx?exam_session_id=" + session, nil},
		}
	}
	real, missing := probes(taskID, sessionID), probes(nobody, nobody)
	for i, p := range real {
		got := g.do(t, p.method, p.path, other.Token, p.body).wantError(t, 404, "not_found", "")
		if strings.Contains(string(got.Raw), "乌海市") {
			t.Fatalf("%s %s names the case's region: %s", p.method, p.path, got.Raw)
		}
		absent := g.do(t, missing[i].method, missing[i].path, other.Token, missing[i].body).wantError(t, 404, "not_found", "")
		if got.str("error.message") != absent.str("error.message") {
			t.Fatalf("%s %s: %q, but for a missing one %q: tells them apart", p.method, p.path,
				got.str("error.message"), absent.str("error.message"))
		}
	}
	// The region's own reviewer still reaches both.
	g.do(t, "GET", "/api/v1/exam-sessions/"+sessionID, s.city.Token, nil).want(t, 200)
	g.do(t, "POST", "/api/v1/tasks/"+taskID+"/claim", s.city.Token, nil).want(t, 200)
}
