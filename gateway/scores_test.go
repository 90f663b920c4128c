package gateway

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParseScoreValue(t *testing.T) {
	cases := []struct {
		in     any
		want   int
		reason bool
	}{
		{json.Number("60"), 600, false},
		{json.Number("60.5"), 605, false},
		{json.Number("0"), 0, false},
		{json.Number("100"), 1000, false},
		{json.Number("100.5"), 0, true},
		{json.Number("-1"), 0, true},
		{json.Number("60.55"), 0, true},
		{"60", 0, true}, // a string is not a number
		{nil, 0, true},
		{true, 0, true},
	}
	for _, c := range cases {
		f := fieldErrors{}
		got := parseScoreValue(f, "score", c.in)
		if (f["score"] != "") != c.reason || (!c.reason && int(got) != c.want) {
			t.Errorf("parseScoreValue(%v) = %d, reason %q; want %d, reason %v", c.in, got, f["score"], c.want, c.reason)
		}
	}
}

// history actions of an application as its applicant sees them.
func historyActions(t *testing.T, g *testGateway, token, appID string) []string {
	t.Helper()
	var actions []string
	for _, h := range must(g.as(token).Application(t.Context(), appID))(t).History {
		actions = append(actions, h.Action)
	}
	return actions
}

func TestScoresIntegration(t *testing.T) {
	s := newStaffCase(t, "鄂尔多斯市")
	g := s.g
	owner, appID := s.paid(t, "吴四", 5)
	quitter, quitID := s.paid(t, "郑五", 5)
	s.scoring(t, 5, appID, quitID)
	other := s.staff(t, roleCityReviewer, "包头市", "")
	supervisor := s.staff(t, roleSupervisor, "", "")
	committee := s.staff(t, roleCommitteeMember, "", "")

	t.Run("refusals", func(t *testing.T) {
		for _, score := range []any{100.5, -1, 60.55, "abc"} {
			wantAPIError(t, errOf(s.score(t, s.prov, appID, "theory", score)), 422, "invalid", "score")
		}
		wantAPIError(t, errOf(s.score(t, s.prov, appID, "comprehensive", 70)), 422, "invalid", "component")
		wantAPIError(t, errOf(s.score(t, s.prov, appID, "music", 70)), 422, "invalid", "component")
		wantAPIError(t, g.as(s.prov.Token).Do(t.Context(), "POST", "/api/v1/applications/"+appID+"/scores", json.RawMessage("[1]"), nil),
			400, "malformed", "")
		wantAPIError(t, errOf(s.score(t, s.city, appID, "theory", 70)), 403, "forbidden", "")
		wantAPIError(t, errOf(s.score(t, supervisor, appID, "skill", 70)), 403, "forbidden", "")
		wantAPIError(t, errOf(s.score(t, committee, appID, "skill", 70)), 403, "forbidden", "")
		wantAPIError(t, errOf(g.as(owner.Token).EnterScore(t.Context(), appID, "skill", 99)), 403, "forbidden", "")
		wantAPIError(t, errOf(s.score(t, other, appID, "skill", 70)), 404, "not_found", "")
		wantAPIError(t, errOf(s.score(t, s.prov, "00000000-0000-0000-0000-000000000000", "theory", 70)), 404, "not_found", "")
		if actions := strings.Join(historyActions(t, g, owner.Token, appID), ","); strings.Contains(actions, "score_") {
			t.Fatalf("a refused entry was recorded: %s", actions)
		}
	})

	t.Run("double entry: same operator, mismatch, confirmation", func(t *testing.T) {
		steps := []struct {
			who    staffAccount
			score  float64
			status int
			state  string
		}{
			{s.prov, 75, 200, "awaiting_confirmation"},
			{s.prov, 75, 403, ""}, // the same operator cannot confirm their own entry
			{s.prov2, 80, 200, "mismatch"},
			{s.prov2, 80, 200, "awaiting_confirmation"},
			{s.prov, 80, 200, "confirmed"},
			{s.prov2, 80, 409, ""},
		}
		for i, st := range steps {
			r, err := s.score(t, st.who, appID, "theory", st.score)
			if answerStatus(err) != st.status || (st.state != "" && (r.State != st.state || r.Component != "theory")) {
				t.Fatalf("step %d: %+v %v, want %d %s", i, r, err, st.status, st.state)
			}
			if st.status != 200 {
				wantAPIError(t, err, st.status, map[int]string{403: "forbidden", 409: "conflict"}[st.status], "")
			}
		}
		must(s.score(t, s.city, appID, "skill", 88.5))(t)
		done := must(s.score(t, s.city2, appID, "skill", 88.5))(t)
		if done.State != "confirmed" || done.Status != "certified" {
			t.Fatalf("after both scores: %+v", done)
		}
		app := must(g.as(owner.Token).Application(t.Context(), appID))(t)
		if sc := app.Scores; sc == nil || sc.Theory == nil || *sc.Theory != 800 || sc.Skill == nil || *sc.Skill != 885 || app.CertificateNumber == "" {
			t.Fatalf("certified application %+v", app)
		}
	})

	t.Run("revoke: the certificate verifies as revoked", func(t *testing.T) {
		ctx := t.Context()
		number := must(g.as(owner.Token).Application(ctx, appID))(t).CertificateNumber
		if c := must(g.as("").Certificate(ctx, number, ""))(t); c.Status != "valid" {
			t.Fatalf("certificate before revocation: %+v", c)
		}
		const reason = "经核查学历证书系伪造"
		wantAPIError(t, errOf(g.as(s.prov.Token).Revoke(ctx, appID, reason)), 403, "forbidden", "")
		wantAPIError(t, errOf(g.as(supervisor.Token).Revoke(ctx, appID, reason)), 403, "forbidden", "")
		wantAPIError(t, errOf(g.as(s.admin).Revoke(ctx, appID, " ")), 422, "invalid", "reason")
		wantAPIError(t, errOf(g.as(s.admin).Revoke(ctx, "00000000-0000-0000-0000-000000000000", reason)), 404, "not_found", "")
		if r := must(g.as(s.admin).Revoke(ctx, appID, reason))(t); r.Status != "revoked" || r.CertificateNumber != number {
			t.Fatalf("revoke: %+v", r)
		}
		if c := must(g.as("").Certificate(ctx, number, ""))(t); c.Status != "revoked" {
			t.Fatalf("certificate after revocation: %+v", c)
		}
		if page, _ := must2(g.as("").Download(ctx, "/verify/"+number))(t); !strings.Contains(string(page), "已撤销") {
			t.Fatalf("verification page does not say revoked: %s", page)
		}
		wantAPIError(t, errOf(g.as(s.admin).Revoke(ctx, appID, reason)), 409, "conflict", "status")
	})

	t.Run("a closed workflow cannot be revoked", func(t *testing.T) {
		must(g.as(quitter.Token).Withdraw(t.Context(), quitID, "工作调动"))(t)
		e := wantAPIError(t, errOf(g.as(s.admin).Revoke(t.Context(), quitID, "材料造假")), 409, "conflict", "status")
		if !strings.Contains(e.Body.Message, "已办结") {
			t.Fatalf("409 without a clear message: %+v", e.Body)
		}
	})
}
