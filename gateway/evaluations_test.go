package gateway

import (
	"testing"
)

func TestEvaluationPanelIntegration(t *testing.T) {
	s := newStaffCase(t, "兴安盟")
	g := s.g
	owner, id := s.paid(t, "蒋六", 2)
	s.scoring(t, 2, id)
	members := []staffAccount{
		s.staff(t, roleCommitteeMember, "", "包头市职业技术学院"),
		s.staff(t, roleCommitteeMember, "", "赤峰市住房和城乡建设局"),
		s.staff(t, roleCommitteeMember, "", "通辽市公安局"),
	}
	late := s.staff(t, roleCommitteeMember, "", "乌海市人民医院")
	colleague := s.staff(t, roleCommitteeMember, "", applicationBody(s.batch, s.region)["employer"].(string))
	supervisor := s.staff(t, roleSupervisor, "", "")
	path := "/api/v1/applications/" + id + "/evaluations"
	evaluate := func(who staffAccount, score any) result {
		return g.do(t, "POST", path, who.Token, map[string]any{"score": score, "comment": "技术总结扎实，答辩表现良好"})
	}

	t.Run("not before the comprehensive review", func(t *testing.T) {
		evaluate(members[0], 70).wantError(t, 404, "not_found", "")
	})

	s.score(t, s.prov, id, "theory", 82).want(t, 200)
	s.score(t, s.prov2, id, "theory", 82).want(t, 200)
	s.score(t, s.city, id, "skill", 79).want(t, 200)
	if r := s.score(t, s.city2, id, "skill", 79).want(t, 200); r.str("status") != "comprehensive_review" {
		t.Fatalf("a 技师 application with passing scores goes to the committee: %s", r.Raw)
	}

	t.Run("refusals", func(t *testing.T) {
		if task := s.openTask(t, late.Token, id, "comprehensive_review"); task == "" {
			t.Fatal("no comprehensive_review task in a committee member's inbox")
		}
		evaluate(colleague, 90).wantError(t, 403, "forbidden", "")
		evaluate(s.prov, 90).wantError(t, 403, "forbidden", "")
		evaluate(supervisor, 90).wantError(t, 403, "forbidden", "")
		g.do(t, "POST", path, owner.Token, map[string]any{"score": 90}).wantError(t, 403, "forbidden", "")
		evaluate(members[0], 100.5).wantError(t, 422, "invalid", "score")
		g.do(t, "POST", path, members[0].Token, map[string]any{"comment": "无分数"}).wantError(t, 422, "invalid", "score")
		g.do(t, "POST", path, members[0].Token, "{").wantError(t, 400, "malformed", "")
	})

	t.Run("the first three distinct members decide by their mean", func(t *testing.T) {
		steps := []struct {
			who    staffAccount
			score  float64
			status int
			count  float64
			state  string
		}{
			{members[0], 70, 200, 1, "comprehensive_review"},
			{members[0], 95, 409, 0, ""}, // a member scores once
			{members[1], 65, 200, 2, "comprehensive_review"},
			{members[2], 61, 200, 3, "certified"},
			{late, 90, 409, 0, ""}, // the panel is complete
		}
		for i, st := range steps {
			r := evaluate(st.who, st.score)
			if st.status != 200 {
				r.wantError(t, st.status, "conflict", "")
				continue
			}
			r.want(t, 200)
			if r.Body["panel_count"] != st.count || r.Body["panel_size"] != 3.0 || r.str("status") != st.state {
				t.Fatalf("step %d: %s, want panel %v/3 and %s", i, r.Raw, st.count, st.state)
			}
		}
		app := g.do(t, "GET", "/api/v1/applications/"+id, owner.Token, nil).want(t, 200)
		if got := app.Body["scores"].(map[string]any)["comprehensive"]; got != 65.3 { // (70+65+61)/3 = 65.33
			t.Fatalf("comprehensive score %v, want 65.3: %s", got, app.Raw)
		}
	})
}
