package gateway

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"skillcert/api"
	"skillcert/client"
)

func TestSearchTerms(t *testing.T) {
	s := func(p *string) string {
		if p == nil {
			return "-"
		}
		return *p
	}
	cases := []struct{ q, id, phone, name string }{
		{"3F2A9C10", "3f2a9c10", "-", "3F2A9C10"},
		{"13912345678", "13912345678", "13912345678", "13912345678"},
		{"王*明", "-", "-", "王_明"},
		{"王小明", "-", "-", "王小明"},
		{"a_b", "-", "-", "-"}, // LIKE wildcards are not search syntax
		{"***", "-", "-", "-"}, // a mask alone matches nothing
		{"王", "-", "-", "-"},   // one character is too little
		{"50%", "-", "-", "-"}, // nor is %
		{"ab-1", "ab-1", "-", "ab-1"},
	}
	for _, c := range cases {
		id, phone, name, err := searchTerms(c.q)
		if err != nil || s(id) != c.id || s(phone) != c.phone || s(name) != c.name {
			t.Errorf("searchTerms(%q) = %s, %s, %s, %v; want %s, %s, %s", c.q, s(id), s(phone), s(name), err, c.id, c.phone, c.name)
		}
	}
	if _, _, _, err := searchTerms(strings.Repeat("长", 65)); err == nil {
		t.Error("a 65-character q was accepted")
	}
}

// searchIDs returns the application IDs an admin search lists, and next_page.
func searchIDs(t *testing.T, g *testGateway, token, query string) ([]string, any) {
	t.Helper()
	r := g.do(t, "GET", "/api/v1/admin/applications?"+query, token, nil).want(t, 200)
	var ids []string
	for _, it := range r.Body["items"].([]any) {
		ids = append(ids, it.(map[string]any)["id"].(string))
	}
	return ids, r.Body["next_page"]
}

func TestAdminIntegration(t *testing.T) {
	s := newStaffCase(t, "阿拉善盟")
	g := s.g
	shen, id5 := s.submitted(t, "沈七", 5)
	_, id4 := s.submitted(t, "韩八", 4)
	local := s.staff(t, roleSupervisor, s.region, "")
	elsewhere := s.staff(t, roleSupervisor, "包头市", "")
	batch := "batch_id=" + s.batch

	t.Run("search", func(t *testing.T) {
		cases := []struct {
			token, query string
			want         []string
		}{
			{s.admin, batch, []string{id4, id5}},
			{s.admin, batch + "&level=4", []string{id4}},
			{s.admin, batch + "&status=preliminary_review&region=" + url.QueryEscape(s.region), []string{id4, id5}},
			{s.admin, batch + "&status=draft", nil},
			{s.admin, batch + "&q=" + id5[:8], []string{id5}},
			{s.admin, batch + "&q=" + shen.Phone, []string{id5}},
			{s.admin, batch + "&q=" + url.QueryEscape("沈*"), []string{id5}},
			{s.admin, batch + "&q=" + url.QueryEscape("沈七"), []string{id5}},
			{s.admin, batch + "&q=" + url.QueryEscape("七"), nil},
			{s.prov.Token, batch, []string{id4, id5}},
			{local.Token, batch, []string{id4, id5}},
			{elsewhere.Token, batch, nil},
		}
		for _, c := range cases {
			got, _ := searchIDs(t, g, c.token, c.query)
			slices.Sort(got)
			slices.Sort(c.want)
			if !slices.Equal(got, c.want) {
				t.Errorf("search %q: %v, want %v", c.query, got, c.want)
			}
		}
		r := g.do(t, "GET", "/api/v1/admin/applications?"+batch+"&q="+shen.Phone, s.admin, nil).want(t, 200)
		if strings.Contains(string(r.Raw), "沈七") || !strings.Contains(string(r.Raw), `"applicant_name_masked":"沈*"`) {
			t.Fatalf("the search shows the name unmasked: %s", r.Raw)
		}
		first, next := searchIDs(t, g, s.admin, batch+"&page_size=1")
		second, last := searchIDs(t, g, s.admin, batch+"&page_size=1&page=2")
		if len(first) != 1 || len(second) != 1 || first[0] == second[0] || next != 2.0 || last != nil {
			t.Fatalf("paging: %v (next %v), %v (next %v)", first, next, second, last)
		}
		for field, query := range map[string]string{"status": "status=bogus", "level": "level=7", "region": "region=%E7%81%AB%E6%98%9F", "page": "page=0"} {
			g.do(t, "GET", "/api/v1/admin/applications?"+query, s.admin, nil).wantError(t, 422, "invalid", field)
		}
		g.do(t, "GET", "/api/v1/admin/applications?region="+url.QueryEscape(s.region), elsewhere.Token, nil).wantError(t, 403, "forbidden", "")
		g.do(t, "GET", "/api/v1/admin/applications", s.city.Token, nil).wantError(t, 403, "forbidden", "")
		g.do(t, "GET", "/api/v1/admin/applications", shen.Token, nil).wantError(t, 403, "forbidden", "")
	})

	t.Run("audit", func(t *testing.T) {
		var actions []string
		for _, e := range must(g.as(local.Token).Audit(t.Context(), id5, client.Paging{}))(t).Items {
			actions = append(actions, e.Action)
			if e.ApplicationID != id5 || e.ActorRole == "" || e.At.IsZero() {
				t.Fatalf("audit event %+v", e)
			}
		}
		if len(actions) < 3 || actions[0] != "created" || !slices.Contains(actions, "submit") || !slices.Contains(actions, "document_accepted") {
			t.Fatalf("audit trail %v", actions)
		}
		g.do(t, "GET", "/api/v1/admin/audit?application_id="+id5, elsewhere.Token, nil).wantError(t, 404, "not_found", "")
		g.do(t, "GET", "/api/v1/admin/audit?application_id=nope", s.admin, nil).wantError(t, 422, "invalid", "application_id")
		g.do(t, "GET", "/api/v1/admin/audit?application_id=00000000-0000-0000-0000-000000000000", s.admin, nil).wantError(t, 404, "not_found", "")
		g.do(t, "GET", "/api/v1/admin/audit?application_id="+id5, s.city.Token, nil).wantError(t, 403, "forbidden", "")
		recent := must(g.as(s.prov.Token).Audit(t.Context(), "", client.Paging{PageSize: 5}))(t)
		if len(recent.Items) != 5 || recent.NextPage == nil || *recent.NextPage != 2 {
			t.Fatalf("recent audit events: %+v", recent)
		}
	})

	t.Run("stats", func(t *testing.T) {
		stats := func(token, query string) api.Stats {
			t.Helper()
			var out api.Stats
			if err := g.as(token).Do(t.Context(), "GET", "/api/v1/admin/stats?"+query, nil, &out); err != nil {
				t.Fatal(err)
			}
			return out
		}
		r := stats(s.admin, "group_by=region,level,status&"+batch)
		if len(r.Rows) != 2 || r.Total != 2 {
			t.Fatalf("stats %+v", r)
		}
		for i, level := range []int32{5, 4} { // 初级工 before 中级工, as the 附件2 table lists levels
			if row := r.Rows[i]; row.Region != s.region || row.Level != level || row.Status != "preliminary_review" || row.Count != 1 {
				t.Fatalf("stats row %d: %+v", i, row)
			}
		}
		if byStatus := stats(local.Token, "group_by=status&"+batch); len(byStatus.Rows) != 1 || byStatus.Rows[0].Count != 2 || byStatus.Rows[0].Region != "" {
			t.Fatalf("stats by status %+v", byStatus)
		}
		if none := stats(elsewhere.Token, batch); none.Total != 0 || none.Scope != "包头市" {
			t.Fatalf("another region's supervisor counts %+v", none)
		}
		g.do(t, "GET", "/api/v1/admin/stats?group_by=region,salary", s.admin, nil).wantError(t, 422, "invalid", "group_by")
		g.do(t, "GET", "/api/v1/admin/stats?group_by=level,level", s.admin, nil).wantError(t, 422, "invalid", "group_by")
		g.do(t, "GET", "/api/v1/admin/stats", s.city.Token, nil).wantError(t, 403, "forbidden", "")
	})

	t.Run("history decoded for admins", func(t *testing.T) {
		r := g.do(t, "GET", "/api/v1/admin/applications/"+id5+"/history", s.admin, nil).want(t, 200)
		events := r.Body["events"].([]any)
		if len(events) < 5 || r.str("workflow_id") != "application-"+id5 {
			t.Fatalf("history %s", r.Raw[:min(len(r.Raw), 500)])
		}
		started := events[0].(map[string]any)
		attrs, _ := started["workflow_execution_started_event_attributes"].(map[string]any)
		input, _ := attrs["input"].(map[string]any)["payloads"].([]any)
		if started["event_type"] != "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED" || len(input) != 1 {
			t.Fatalf("first event %v", started)
		}
		in := input[0].(map[string]any)
		if in["occupation_code"] != caseOccupation || in["application_id"] != id5 || in["region"] != s.region {
			t.Fatalf("decoded workflow input %v", in)
		}
		if strings.Contains(string(r.Raw), "binary/encrypted") {
			t.Fatal("the history still holds encrypted payloads")
		}
		g.do(t, "GET", "/api/v1/admin/applications/"+id5+"/history", s.prov.Token, nil).wantError(t, 403, "forbidden", "")
		g.do(t, "GET", "/api/v1/admin/applications/"+id5+"/history", local.Token, nil).wantError(t, 403, "forbidden", "")
		g.do(t, "GET", "/api/v1/admin/applications/00000000-0000-0000-0000-000000000000/history", s.admin, nil).wantError(t, 404, "not_found", "")
	})
}
