package web

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"
)

// controlRE finds form controls; idRE their id.
var (
	controlRE = regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`)
	idRE      = regexp.MustCompile(`\bid="([^"]+)"`)
)

// TestTemplatesRender renders every page with typical data, so a missing partial or a wrong field fails
// here rather than in a browser.
func TestTemplatesRender(t *testing.T) {
	a := application{ID: "0b6a7c1e-1111-2222-3333-444455556666", Status: "correction_needed", Level: 5, Pathway: "standard",
		OccupationName: "保安员", Checklist: []checklistItem{{DocType: "photo", Label: "电子照片", Required: true, Status: "bad",
			Reason: "照片不清晰", DocumentID: "d1"}}, History: []event{{Action: "preliminary_review_return", ActorRole: "city_reviewer"}}}
	no, now, bad := false, time.Now(), int64(7)
	data := map[string]any{
		"error": nil, "login": nil, "register": nil,
		"verify":      certificate{Number: "N", Status: "revoked", NameMasked: "李*", NameMatches: &no, RevokedAt: &now},
		"home":        homeData{Applications: []application{a}, Batches: []batch{{ID: "b", Name: "批次", RegistrationOpen: true}}},
		"apply":       &applyData{Pathway: "title", Checked: true, Batches: []batch{{ID: "b", RegistrationOpen: true}}, Regions: []string{"包头市"}},
		"application": a,
		"inbox": inboxData{Items: []task{{ID: "t", Type: "preliminary_review", Status: "open", Role: "city_reviewer"}}, Page: 2,
			Assignees: map[string][]staffUser{"city_reviewer": {{UserID: "u", Name: "初审员"}}}},
		"review":        reviewData{App: a, TaskID: "t", Templates: reasonTemplates, Doc: "d1"},
		"notifications": notificationsData{Items: []notification{{Message: "请缴费"}}},
		"stats": map[string]any{"Charts": []chart{{ID: "chart-region", Title: "按盟市"}},
			"Annex": annexTable{Levels: []int32{5, 4}, Regions: []string{"包头市"}, Counts: map[string]map[int32]int64{"包头市": {5: 2}}, Total: 2}},
		"batches":  []batch{{ID: "b", Name: "批次"}},
		"exams":    map[string]any{"Sessions": []examSession{{ID: "s", Level: 5}}, "Ref": &applyData{}},
		"scores":   nil,
		"late":     []lateItem{{App: a, Overdue: true}},
		"import":   []importRow{{Row: 2, Errors: map[string]string{"score": "超出范围"}}, {Row: 3, Applied: true, StateLabel: "已确认"}},
		"users":    map[string]any{"Users": []staffUser{{Name: "张三", Role: "admin"}}, "Regions": []string{"包头市"}},
		"evaluate": a,
		"search":   searchData{Items: []found{{ID: "x", Level: 3}}, Page: 1},
		"audit": auditData{Items: []auditLogEvent{{auditEvent: auditEvent{Action: "submit"}, ApplicationID: "x"}},
			Verified: &auditVerification{FirstBadSeq: &bad}},
		"incidents":         incidentsData{Items: []task{{ID: "t", Type: "incident", Status: "open"}}, Page: 2, Failed: "t"},
		"admin_application": adminAppData{App: a, Audit: []auditEvent{{Action: "created"}}, TemporalUI: "http://t"},
		"history":           map[string]any{"ID": "x", "WorkflowID": "application-x", "Events": []historyEvent{{ID: "1", Type: "工作流启动", Summary: "{}"}}},
	}
	for name := range templates {
		d, ok := data[name]
		if !ok {
			t.Errorf("no test data for page %s", name)
			continue
		}
		p := page{Title: "标题", Nonce: "n0nce", CSRF: "tok", Assets: loadAssets(), Form: map[string]string{},
			Data: d, Error: &APIError{Message: "错误", Fields: map[string]string{"employer": "请填写工作单位"}}}
		var buf bytes.Buffer
		if err := templates[name].ExecuteTemplate(&buf, "layout", p); err != nil {
			t.Errorf("page %s: %v", name, err)
			continue
		}
		html := buf.String()
		if !strings.Contains(html, `<html lang="zh-CN">`) || !strings.Contains(html, `nonce="n0nce"`) {
			t.Errorf("page %s lacks lang or nonce", name)
		}
		if strings.Contains(html, "<script>") || strings.Contains(html, " onclick=") || strings.Contains(html, " style=") {
			t.Errorf("page %s has an inline script or style the CSP would block", name)
		}
		for _, m := range controlRE.FindAllStringSubmatch(html, -1) {
			tag := m[0]
			if strings.Contains(tag, `type="hidden"`) || strings.Contains(tag, `type="radio"`) {
				continue // radios sit inside their <label>
			}
			id := idRE.FindStringSubmatch(tag)
			if id == nil || !strings.Contains(html, `for="`+id[1]+`"`) {
				t.Errorf("page %s: a form control has no label: %s", name, tag)
			}
		}
	}
}
