package gateway

import (
	"encoding/json"
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
func searchIDs(t *testing.T, g *testGateway, token string, f client.ApplicationFilter, pg client.Paging) ([]string, *int) {
	t.Helper()
	r := must(g.as(token).SearchApplications(t.Context(), f, pg))(t)
	var ids []string
	for _, it := range r.Items {
		ids = append(ids, it.ID)
	}
	return ids, r.NextPage
}

func TestAdminIntegration(t *testing.T) {
	s := newStaffCase(t, "阿拉善盟")
	g := s.g
	shen, id5 := s.submitted(t, "沈七", 5)
	_, id4 := s.submitted(t, "韩八", 4)
	local := s.staff(t, roleSupervisor, s.region, "")
	elsewhere := s.staff(t, roleSupervisor, "包头市", "")
	batch := "batch_id=" + s.batch
	inBatch := func(f client.ApplicationFilter) client.ApplicationFilter { f.BatchID = s.batch; return f }

	t.Run("search", func(t *testing.T) {
		type filter = client.ApplicationFilter
		cases := []struct {
			token string
			f     filter
			want  []string
		}{
			{s.admin, inBatch(filter{}), []string{id4, id5}},
			{s.admin, inBatch(filter{Level: 4}), []string{id4}},
			{s.admin, inBatch(filter{Status: "preliminary_review", Region: s.region}), []string{id4, id5}},
			{s.admin, inBatch(filter{Status: "draft"}), nil},
			{s.admin, inBatch(filter{Q: id5[:8]}), []string{id5}},
			{s.admin, inBatch(filter{Q: shen.Phone}), []string{id5}},
			{s.admin, inBatch(filter{Q: "沈*"}), []string{id5}},
			{s.admin, inBatch(filter{Q: "沈七"}), []string{id5}},
			{s.admin, inBatch(filter{Q: "七"}), nil},
			{s.admin, inBatch(filter{Q: "沈*", Level: 5}), []string{id5}}, // q and filters together
			{s.admin, inBatch(filter{Q: "沈*", Level: 4}), nil},
			{s.admin, inBatch(filter{Q: "沈*", Region: "包头市"}), nil},
			{s.admin, inBatch(filter{Q: "*八"}), []string{id4}}, // each * one character
			{local.Token, inBatch(filter{Q: "韩*"}), []string{id4}},
			{elsewhere.Token, inBatch(filter{Q: "韩*"}), nil}, // outside the scope
			{elsewhere.Token, filter{Q: id4[:8]}, nil},
			{s.prov.Token, inBatch(filter{}), []string{id4, id5}},
			{local.Token, inBatch(filter{}), []string{id4, id5}},
			{elsewhere.Token, inBatch(filter{}), nil},
		}
		for _, c := range cases {
			got, _ := searchIDs(t, g, c.token, c.f, client.Paging{})
			slices.Sort(got)
			slices.Sort(c.want)
			if !slices.Equal(got, c.want) {
				t.Errorf("search %+v: %v, want %v", c.f, got, c.want)
			}
		}
		// The raw answer: the name is nowhere unmasked.
		r, raw, _ := g.send(t, s.admin, "GET", "/api/v1/admin/applications?"+batch+"&q="+shen.Phone, nil)
		if r.StatusCode != 200 || strings.Contains(string(raw), "沈七") || !strings.Contains(string(raw), `"applicant_name_masked":"沈*"`) {
			t.Fatalf("the search shows the name unmasked: %d %s", r.StatusCode, raw)
		}
		first, next := searchIDs(t, g, s.admin, inBatch(filter{}), client.Paging{PageSize: 1})
		second, last := searchIDs(t, g, s.admin, inBatch(filter{}), client.Paging{PageSize: 1, Page: 2})
		if len(first) != 1 || len(second) != 1 || first[0] == second[0] || next == nil || *next != 2 || last != nil {
			t.Fatalf("paging: %v (next %v), %v (next %v)", first, next, second, last)
		}
		for field, query := range map[string]string{"status": "status=bogus", "level": "level=7", "region": "region=%E7%81%AB%E6%98%9F", "page": "page=0"} {
			// As sent, bad values included (page=0 the typed paging cannot express).
			wantAPIError(t, g.as(s.admin).Do(t.Context(), "GET", "/api/v1/admin/applications?"+query, nil, nil), 422, "invalid", field)
		}
		search := func(token string, f client.ApplicationFilter) error {
			return errOf(g.as(token).SearchApplications(t.Context(), f, client.Paging{}))
		}
		wantAPIError(t, search(elsewhere.Token, filter{Region: s.region}), 403, "forbidden", "")
		wantAPIError(t, search(s.city.Token, filter{}), 403, "forbidden", "")
		wantAPIError(t, search(shen.Token, filter{}), 403, "forbidden", "")
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
		audit := func(token, appID string) error {
			return errOf(g.as(token).Audit(t.Context(), appID, client.Paging{}))
		}
		wantAPIError(t, audit(elsewhere.Token, id5), 404, "not_found", "")
		wantAPIError(t, audit(s.admin, "nope"), 422, "invalid", "application_id")
		wantAPIError(t, audit(s.admin, "00000000-0000-0000-0000-000000000000"), 404, "not_found", "")
		wantAPIError(t, audit(s.city.Token, id5), 403, "forbidden", "")
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
		wantAPIError(t, errOf(g.as(s.admin).Statistics(t.Context(), "region", "salary")), 422, "invalid", "group_by")
		wantAPIError(t, errOf(g.as(s.admin).Statistics(t.Context(), "level", "level")), 422, "invalid", "group_by")
		wantAPIError(t, errOf(g.as(s.city.Token).Statistics(t.Context())), 403, "forbidden", "")
	})

	t.Run("history decoded for admins", func(t *testing.T) {
		r := must(g.as(s.admin).WorkflowHistory(t.Context(), id5))(t)
		raw, _ := json.Marshal(r) // the events are kept as sent
		if len(r.Events) < 5 || r.WorkflowID != "application-"+id5 {
			t.Fatalf("history %s", raw[:min(len(raw), 500)])
		}
		var started map[string]any
		if err := json.Unmarshal(r.Events[0], &started); err != nil {
			t.Fatal(err)
		}
		attrs, _ := started["workflow_execution_started_event_attributes"].(map[string]any)
		input, _ := attrs["input"].(map[string]any)["payloads"].([]any)
		if started["event_type"] != "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED" || len(input) != 1 {
			t.Fatalf("first event %v", started)
		}
		in := input[0].(map[string]any)
		if in["occupation_code"] != caseOccupation || in["application_id"] != id5 || in["region"] != s.region {
			t.Fatalf("decoded workflow input %v", in)
		}
		if strings.Contains(string(raw), "binary/encrypted") {
			t.Fatal("the history still holds encrypted payloads")
		}
		wantAPIError(t, errOf(g.as(s.prov.Token).WorkflowHistory(t.Context(), id5)), 403, "forbidden", "")
		wantAPIError(t, errOf(g.as(local.Token).WorkflowHistory(t.Context(), id5)), 403, "forbidden", "")
		wantAPIError(t, errOf(g.as(s.admin).WorkflowHistory(t.Context(), "00000000-0000-0000-0000-000000000000")), 404, "not_found", "")
	})
}
