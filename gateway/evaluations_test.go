package gateway

import (
	"net/http"
	"testing"

	"skillcert"
	"skillcert/api"
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
	colleague := s.staff(t, roleCommitteeMember, "", s.caseBody(5).Employer)
	supervisor := s.staff(t, roleSupervisor, "", "")
	evaluate := func(who staffAccount, score any) (api.EvaluationResponse, error) {
		return g.as(who.Token).Evaluate(t.Context(), id, score, "技术总结扎实，答辩表现良好")
	}
	refused := func(who staffAccount, score any, status int, code, field string) {
		t.Helper()
		_, err := evaluate(who, score)
		wantAPIError(t, err, status, code, field)
	}

	t.Run("not before the comprehensive review", func(t *testing.T) {
		refused(members[0], 70, 404, "not_found", "")
	})

	must(s.score(t, s.prov, id, "theory", 82))(t)
	must(s.score(t, s.prov2, id, "theory", 82))(t)
	must(s.score(t, s.city, id, "skill", 79))(t)
	if r := must(s.score(t, s.city2, id, "skill", 79))(t); r.Status != "comprehensive_review" {
		t.Fatalf("a 技师 application with passing scores goes to the committee: %+v", r)
	}

	t.Run("refusals", func(t *testing.T) {
		if task := s.openTask(t, late.Token, id, "comprehensive_review"); task == "" {
			t.Fatal("no comprehensive_review task in a committee member's inbox")
		}
		refused(colleague, 90, 403, "forbidden", "")
		refused(s.prov, 90, 403, "forbidden", "")
		refused(supervisor, 90, 403, "forbidden", "")
		refused(staffAccount{Token: owner.Token}, 90, 403, "forbidden", "")
		refused(members[0], 100.5, 422, "invalid", "score")
		refused(members[0], nil, 422, "invalid", "score")
		_, _, e := exchange(t, g.as(members[0].Token), http.MethodPost, "/api/v1/applications/"+id+"/evaluations", "{")
		wantErrorBody(t, e, "malformed", "")
	})

	t.Run("the first three distinct members decide by their mean", func(t *testing.T) {
		steps := []struct {
			who    staffAccount
			score  float64
			status int
			count  int
			state  string
		}{
			{members[0], 70, 200, 1, "comprehensive_review"},
			{members[0], 95, 409, 0, ""}, // a member scores once
			{members[1], 65, 200, 2, "comprehensive_review"},
			{members[2], 61, 200, 3, "certified"},
			{late, 90, 409, 0, ""}, // the panel is complete
		}
		for i, st := range steps {
			if st.status != 200 {
				refused(st.who, st.score, st.status, "conflict", "")
				continue
			}
			r := must(evaluate(st.who, st.score))(t)
			if r.PanelCount != st.count || r.PanelSize != 3 || r.Status != st.state {
				t.Fatalf("step %d: %+v, want panel %v/3 and %s", i, r, st.count, st.state)
			}
		}
		app := must(g.as(owner.Token).Application(t.Context(), id))(t)
		if app.Scores == nil || app.Scores.Comprehensive == nil || *app.Scores.Comprehensive != skillcert.Score(653) { // (70+65+61)/3 = 65.33
			t.Fatalf("comprehensive score %+v, want 65.3", app.Scores)
		}
	})
}
