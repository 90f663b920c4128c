package gateway

import (
	"bytes"
	"image/color"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"skillcert/pdfdoc"
)

// TestApplicationSliceIntegration is the vertical slice of API.md: register → login → create → draft →
// upload every required document straight to MinIO → complete → submit → preliminary_review, and the
// task in the inbox of the region's city reviewer only.
func TestApplicationSliceIntegration(t *testing.T) {
	g := startGateway(t)
	batch := g.newBatch(t)
	a := g.registerApplicant(t, "张三")
	other := g.registerApplicant(t, "李四")

	created := g.do(t, "POST", "/api/v1/applications", a.Token, applicationBody(batch, "呼和浩特市")).want(t, 201)
	appID := created.str("id")
	if created.str("status") != "draft" || appID == "" || created.str("batch_id") != batch {
		t.Fatalf("created %s", created.Raw)
	}
	app := g.do(t, "GET", "/api/v1/applications/"+appID, a.Token, nil).want(t, 200)
	checklist, _ := app.Body["checklist"].([]any)
	history, _ := app.Body["history"].([]any)
	if app.str("status") != "draft" || len(checklist) < 6 || len(history) == 0 {
		t.Fatalf("draft %s", app.Raw)
	}
	if _, ok := app.Body["deadlines"].(map[string]any); !ok {
		t.Fatalf("no deadlines object: %s", app.Raw)
	}
	first := history[0].(map[string]any)
	if first["action"] == "" || first["actor_role"] != roleApplicant || first["at"] == "" {
		t.Fatalf("history[0] = %v", first)
	}

	t.Run("not yours is 404", func(t *testing.T) {
		g.do(t, "GET", "/api/v1/applications/"+appID, other.Token, nil).wantError(t, 404, "not_found", "")
		g.do(t, "POST", "/api/v1/applications/"+appID+"/submit", other.Token, nil).wantError(t, 404, "not_found", "")
		g.do(t, "GET", "/api/v1/applications/not-a-uuid", a.Token, nil).wantError(t, 404, "not_found", "")
		g.do(t, "GET", "/api/v1/applications/"+appID, "", nil).wantError(t, 401, "unauthorized", "")
		mine := g.do(t, "GET", "/api/v1/applications", other.Token, nil).want(t, 200)
		if len(mine.List) != 0 {
			t.Fatalf("another applicant lists %s", mine.Raw)
		}
		list := g.do(t, "GET", "/api/v1/applications", a.Token, nil).want(t, 200)
		if len(list.List) != 1 || list.List[0].(map[string]any)["id"] != appID {
			t.Fatalf("my list %s", list.Raw)
		}
	})

	t.Run("duplicate is 409 naming the existing application", func(t *testing.T) {
		r := g.do(t, "POST", "/api/v1/applications", a.Token, applicationBody(batch, "呼和浩特市")).wantError(t, 409, "conflict", "")
		if !strings.Contains(string(r.Raw), appID) {
			t.Fatalf("409 does not name %s: %s", appID, r.Raw)
		}
	})

	t.Run("creation refusals", func(t *testing.T) {
		ineligible := applicationBody(batch, "呼和浩特市")
		ineligible["level"], ineligible["occupation_started_on"] = 4, time.Now().AddDate(-2, 0, 0).Format(time.DateOnly)
		r := g.do(t, "POST", "/api/v1/applications", a.Token, ineligible).wantError(t, 422, "invalid", "")
		details, _ := r.Body["error"].(map[string]any)["details"].(map[string]any)
		if rules, _ := details["rules"].([]any); len(rules) == 0 {
			t.Fatalf("422 without the failed rules: %s", r.Raw)
		}
		cases := map[string]map[string]any{
			"batch_id":              {"batch_id": "no-such-batch"},
			"region":                {"region": "北京市"},
			"occupation_code":       {"occupation_code": "9-99-99-99"},
			"occupation_started_on": {"occupation_started_on": "2015/03/01"},
			"employer_type":         {"employer_type": "company"},
			"pathway":               {"pathway": "magic"},
			"level":                 {"level": "five"},
		}
		for field, change := range cases {
			t.Run(field, func(t *testing.T) {
				body := applicationBody(batch, "呼和浩特市")
				for k, v := range change {
					body[k] = v
				}
				g.do(t, "POST", "/api/v1/applications", other.Token, body).wantError(t, 422, "invalid", field)
			})
		}
		g.do(t, "POST", "/api/v1/applications", other.Token, `{"batch_id":`).wantError(t, 400, "malformed", "")
	})

	t.Run("upload refusals", func(t *testing.T) {
		path := "/api/v1/applications/" + appID + "/documents"
		g.do(t, "POST", path, a.Token, map[string]any{"doc_type": "photo", "filename": "p.png",
			"content_type": "image/png", "size": 3 << 20}).wantError(t, 413, "too_large", "size")
		g.do(t, "POST", path, a.Token, map[string]any{"doc_type": "photo", "filename": "p.gif",
			"content_type": "image/gif", "size": 1000}).wantError(t, 415, "unsupported", "content_type")
		g.do(t, "POST", path, a.Token, map[string]any{"doc_type": "technical_paper", "filename": "p.pdf",
			"content_type": "application/pdf", "size": 1000}).wantError(t, 422, "invalid", "doc_type")
		g.do(t, "POST", path, other.Token, map[string]any{"doc_type": "photo", "filename": "p.png",
			"content_type": "image/png", "size": 1000}).wantError(t, 404, "not_found", "")
	})

	t.Run("submit before the checklist is complete", func(t *testing.T) {
		g.do(t, "POST", "/api/v1/applications/"+appID+"/submit", a.Token, nil).wantError(t, 422, "invalid", "")
	})

	t.Run("a photo that is not white-backed is refused", func(t *testing.T) {
		r := g.uploadDocument(t, a.Token, appID, "photo", "image/png", portraitPNG(t, color.RGBA{67, 142, 219, 255}))
		r.wantError(t, 422, "invalid", "")
	})

	var photoID string
	for _, item := range checklist {
		it := item.(map[string]any)
		if it["required"] != true {
			continue
		}
		docType := it["doc_type"].(string)
		data := scanPNG(t)
		if docType == "photo" {
			data = photoPNG(t)
		}
		r := g.uploadDocument(t, a.Token, appID, docType, "image/png", data).want(t, 200)
		if r.str("status") != "accepted" || r.Body["size"].(float64) != float64(len(data)) {
			t.Fatalf("%s: %s", docType, r.Raw)
		}
		if docType == "photo" {
			photoID = r.str("document_id")
		}
	}

	t.Run("photo downloads as name_ID.png", func(t *testing.T) {
		// The name is stored on the object, not put in the URL (finding 10): the download carries it.
		_, _, disp := g.download(t, a.Token, appID, photoID)
		if !strings.Contains(disp, url.PathEscape("张三_"+a.IDNumber+".png")) {
			t.Fatalf("content disposition %q does not name 张三_%s.png", disp, a.IDNumber)
		}
		g.do(t, "GET", "/api/v1/applications/"+appID+"/documents/"+photoID, other.Token, nil).wantError(t, 404, "not_found", "")
	})

	t.Run("form.pdf", func(t *testing.T) {
		r := g.do(t, "GET", "/api/v1/applications/"+appID+"/form.pdf", a.Token, nil)
		if _, err := pdfdoc.FindFont(func(k string) string { return g.env[k] }); err != nil {
			r.wantError(t, 503, "unavailable", "")
			return
		}
		r.want(t, 200)
		if !bytes.HasPrefix(r.Raw, []byte("%PDF")) || r.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("form.pdf is not a PDF: %q", r.Raw[:min(20, len(r.Raw))])
		}
	})

	submitted := g.do(t, "POST", "/api/v1/applications/"+appID+"/submit", a.Token, nil).want(t, 200)
	if submitted.str("status") != "preliminary_review" {
		t.Fatalf("after submit: %s", submitted.Raw)
	}

	t.Run("task in the region's inbox only", func(t *testing.T) {
		_, hohhot := g.newStaff(t, roleCityReviewer, "呼和浩特市")
		_, baotou := g.newStaff(t, roleCityReviewer, "包头市")
		inbox := func(token string) []string {
			r := g.do(t, "GET", "/api/v1/tasks?application_id="+appID, token, nil).want(t, 200)
			var types []string
			items, _ := r.Body["items"].([]any)
			for _, it := range items {
				m := it.(map[string]any)
				if m["application_id"] == appID && m["status"] == "open" {
					types = append(types, m["type"].(string))
				}
			}
			return types
		}
		if got := inbox(hohhot); !slices.Contains(got, "preliminary_review") {
			t.Fatalf("呼和浩特市 reviewer's inbox has %v, want preliminary_review", got)
		}
		if got := inbox(baotou); len(got) != 0 {
			t.Fatalf("包头市 reviewer sees %v", got)
		}
		g.do(t, "GET", "/api/v1/applications/"+appID, hohhot, nil).want(t, 200)
		g.do(t, "GET", "/api/v1/applications/"+appID, baotou, nil).wantError(t, 404, "not_found", "")
		g.do(t, "GET", "/api/v1/tasks", a.Token, nil).wantError(t, 403, "forbidden", "")
		g.do(t, "GET", "/api/v1/tasks?status=bogus", hohhot, nil).wantError(t, 422, "invalid", "status")
	})

	t.Run("idempotent creation", func(t *testing.T) {
		key := "create-" + appID
		first := g.do(t, "POST", "/api/v1/applications", other.Token, applicationBody(batch, "包头市"), "Idempotency-Key", key).want(t, 201)
		again := g.do(t, "POST", "/api/v1/applications", other.Token, applicationBody(batch, "包头市"), "Idempotency-Key", key).want(t, 201)
		if again.str("id") != first.str("id") || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("repeat with the same key: %s, first %s", again.Raw, first.Raw)
		}
		g.do(t, "POST", "/api/v1/applications", other.Token, applicationBody(batch, "包头市"), "Idempotency-Key", key+"-new").
			wantError(t, 409, "conflict", "")
	})

	t.Run("withdraw", func(t *testing.T) {
		r := g.do(t, "POST", "/api/v1/applications/"+appID+"/withdraw", a.Token, map[string]any{"reason": "个人原因"}).want(t, 200)
		if r.str("status") != "withdrawn" {
			t.Fatalf("after withdraw: %s", r.Raw)
		}
		g.do(t, "POST", "/api/v1/applications/"+appID+"/withdraw", a.Token, nil).wantError(t, 409, "conflict", "")
		again := g.do(t, "POST", "/api/v1/applications", a.Token, applicationBody(batch, "呼和浩特市")).want(t, 201)
		if again.str("id") == appID {
			t.Fatal("a new application reused the withdrawn one's ID")
		}
	})
}
