package gateway

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"skillcert/api"
	"skillcert/client"
)

// TestFinding13OtherRegionIs404: to a city reviewer of another region, a task or an exam session answers
// exactly as one that does not exist (404, same message), and no answer names the case's region.
func TestFinding13OtherRegionIs404(t *testing.T) {
	s := newStaffCase(t, "乌海市")
	g := s.g
	other := s.staff(t, roleCityReviewer, "阿拉善盟", "")
	_, appID := s.submitted(t, "何十四", 5)
	taskID := s.openTask(t, s.city.Token, appID, "preliminary_review")
	sessionID := must(s.session(t, 5, 10, time.Now().Add(240*time.Hour)))(t).ID
	const nobody = "00000000-0000-0000-0000-0000000000ff"

	ctx := t.Context()
	type probe struct {
		name string
		call func(c *client.Client, task, session string) error
	}
	probes := []probe{
		{"claim", func(c *client.Client, task, _ string) error { return errOf(c.Claim(ctx, task)) }},
		{"unclaim", func(c *client.Client, task, _ string) error { return errOf(c.Unclaim(ctx, task)) }},
		{"assign", func(c *client.Client, task, _ string) error { return errOf(c.AssignTask(ctx, task, other.ID)) }},
		{"complete", func(c *client.Client, task, _ string) error {
			return errOf(c.CompleteTask(ctx, task, api.CompleteTaskRequest{Decision: "approve", Reason: "ok"}))
		}},
		{"exam session", func(c *client.Client, _, session string) error { return errOf(c.ExamSession(ctx, session)) }},
		{"roster", func(c *client.Client, _, session string) error { return errOf(c.SubmitRoster(ctx, session)) }},
		{"attendance", func(c *client.Client, _, session string) error { return errOf(c.Attendance(ctx, session, appID, true)) }},
		{"roster export", func(c *client.Client, _, session string) error {
			_, _, err := c.Download(ctx, "/api/v1/admin/exports/roster.xlsx?exam_session_id="+session)
			return err
		}},
	}
	c := g.as(other.Token)
	for _, p := range probes {
		got := wantAPIError(t, p.call(c, taskID, sessionID), 404, "not_found", "")
		if raw, _ := json.Marshal(got.Body); strings.Contains(string(raw), "乌海市") {
			t.Fatalf("%s names the case's region: %s", p.name, raw)
		}
		absent := wantAPIError(t, p.call(c, nobody, nobody), 404, "not_found", "")
		if got.Body.Message != absent.Body.Message {
			t.Fatalf("%s: %q, but for a missing one %q: tells them apart", p.name, got.Body.Message, absent.Body.Message)
		}
	}
	// The region's own reviewer still reaches both.
	must(g.as(s.city.Token).ExamSession(ctx, sessionID))(t)
	must(g.as(s.city.Token).Claim(ctx, taskID))(t)
}
