package gateway

import (
	"bytes"
	"encoding/json"
	"image/color"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"skillcert/api"
	"skillcert/client"
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

	ctx := t.Context()
	created := must(g.as(a.Token).CreateApplication(ctx, applicationRequest(batch, "呼和浩特市")))(t)
	appID := created.ID
	if created.Status != "draft" || appID == "" || created.BatchID != batch {
		t.Fatalf("created %+v", created)
	}
	// Raw, to see that deadlines is an object even with no deadline yet.
	resp, raw, _ := g.send(t, a.Token, "GET", "/api/v1/applications/"+appID, nil)
	var app api.Application
	var fields map[string]json.RawMessage
	if resp.StatusCode != 200 || json.Unmarshal(raw, &app) != nil || json.Unmarshal(raw, &fields) != nil {
		t.Fatalf("draft: %d %s", resp.StatusCode, raw)
	}
	checklist, history := app.Checklist, app.History
	if app.Status != "draft" || len(checklist) < 6 || len(history) == 0 {
		t.Fatalf("draft %s", raw)
	}
	if d := fields["deadlines"]; len(d) == 0 || d[0] != '{' {
		t.Fatalf("no deadlines object: %s", raw)
	}
	if first := history[0]; first.Action == "" || first.ActorRole != roleApplicant || first.At.IsZero() {
		t.Fatalf("history[0] = %+v", first)
	}

	t.Run("not yours is 404", func(t *testing.T) {
		ctx := t.Context()
		wantAPIError(t, errOf(g.as(other.Token).Application(ctx, appID)), 404, "not_found", "")
		wantAPIError(t, errOf(g.as(other.Token).Submit(ctx, appID)), 404, "not_found", "")
		wantAPIError(t, errOf(g.as(a.Token).Application(ctx, "not-a-uuid")), 404, "not_found", "")
		wantAPIError(t, errOf(g.as("").Application(ctx, appID)), 401, "unauthorized", "")
		if mine := must(g.as(other.Token).Applications(ctx))(t); len(mine) != 0 {
			t.Fatalf("another applicant lists %+v", mine)
		}
		if list := must(g.as(a.Token).Applications(ctx))(t); len(list) != 1 || list[0].ID != appID {
			t.Fatalf("my list %+v", list)
		}
	})

	t.Run("duplicate is 409 naming the existing application", func(t *testing.T) {
		e := wantAPIError(t, errOf(g.as(a.Token).CreateApplication(t.Context(), applicationRequest(batch, "呼和浩特市"))), 409, "conflict", "")
		if raw, _ := json.Marshal(e.Body); !strings.Contains(string(raw), appID) {
			t.Fatalf("409 does not name %s: %s", appID, raw)
		}
	})

	t.Run("creation refusals", func(t *testing.T) {
		ineligible := applicationRequest(batch, "呼和浩特市")
		ineligible.Level, ineligible.OccupationStartedOn = 4, time.Now().AddDate(-2, 0, 0).Format(time.DateOnly)
		e := wantAPIError(t, errOf(g.as(a.Token).CreateApplication(t.Context(), ineligible)), 422, "invalid", "")
		if rules, _ := e.Body.Details["rules"].([]any); len(rules) == 0 {
			t.Fatalf("422 without the failed rules: %+v", e.Body)
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
				// A map: some values are of the wrong type ("level": "five").
				wantAPIError(t, g.as(other.Token).Do(t.Context(), "POST", "/api/v1/applications", body, nil), 422, "invalid", field)
			})
		}
		_, _, e = g.send(t, other.Token, "POST", "/api/v1/applications", `{"batch_id":`)
		wantStatusError(t, e, 400, "malformed", "")
	})

	t.Run("upload refusals", func(t *testing.T) {
		add := func(token string, req api.UploadRequest) error {
			return errOf(g.as(token).AddDocument(t.Context(), appID, req))
		}
		wantAPIError(t, add(a.Token, api.UploadRequest{DocType: "photo", Filename: "p.png",
			ContentType: "image/png", Size: 3 << 20}), 413, "too_large", "size")
		wantAPIError(t, add(a.Token, api.UploadRequest{DocType: "photo", Filename: "p.gif",
			ContentType: "image/gif", Size: 1000}), 415, "unsupported", "content_type")
		wantAPIError(t, add(a.Token, api.UploadRequest{DocType: "technical_paper", Filename: "p.pdf",
			ContentType: "application/pdf", Size: 1000}), 422, "invalid", "doc_type")
		wantAPIError(t, add(other.Token, api.UploadRequest{DocType: "photo", Filename: "p.png",
			ContentType: "image/png", Size: 1000}), 404, "not_found", "")
	})

	t.Run("submit before the checklist is complete", func(t *testing.T) {
		wantAPIError(t, errOf(g.as(a.Token).Submit(t.Context(), appID)), 422, "invalid", "")
	})

	t.Run("a photo that is not white-backed is refused", func(t *testing.T) {
		_, err := g.uploadDocument(t, a.Token, appID, "photo", "image/png", portraitPNG(t, color.RGBA{67, 142, 219, 255}))
		wantAPIError(t, err, 422, "invalid", "")
	})

	var photoID string
	for _, it := range checklist {
		if !it.Required {
			continue
		}
		docType := string(it.DocType)
		data := scanPNG(t)
		if docType == "photo" {
			data = photoPNG(t)
		}
		r := must(g.uploadDocument(t, a.Token, appID, docType, "image/png", data))(t)
		if r.Status != "accepted" || r.Size != int64(len(data)) {
			t.Fatalf("%s: %+v", docType, r)
		}
		if docType == "photo" {
			photoID = r.DocumentID
		}
	}

	t.Run("photo downloads as name_ID.png", func(t *testing.T) {
		// The name is stored on the object, not put in the URL (finding 10): the download carries it.
		_, _, disp := g.download(t, a.Token, appID, photoID)
		if !strings.Contains(disp, url.PathEscape("张三_"+a.IDNumber+".png")) {
			t.Fatalf("content disposition %q does not name 张三_%s.png", disp, a.IDNumber)
		}
		_, _, err := g.as(other.Token).Download(t.Context(), "/api/v1/applications/"+appID+"/documents/"+photoID)
		wantAPIError(t, err, 404, "not_found", "")
	})

	t.Run("form.pdf", func(t *testing.T) {
		pdf, ctype, err := g.as(a.Token).Download(t.Context(), "/api/v1/applications/"+appID+"/form.pdf")
		if _, noFont := pdfdoc.FindFont(func(k string) string { return g.env[k] }); noFont != nil {
			wantAPIError(t, err, 503, "unavailable", "")
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(pdf, []byte("%PDF")) || ctype != "application/pdf" {
			t.Fatalf("form.pdf is not a PDF: %q", pdf[:min(20, len(pdf))])
		}
	})

	if submitted := must(g.as(a.Token).Submit(ctx, appID))(t); submitted.Status != "preliminary_review" {
		t.Fatalf("after submit: %+v", submitted)
	}

	t.Run("task in the region's inbox only", func(t *testing.T) {
		_, hohhot := g.newStaff(t, roleCityReviewer, "呼和浩特市")
		_, baotou := g.newStaff(t, roleCityReviewer, "包头市")
		inbox := func(token string) []string {
			r := must(g.as(token).Tasks(t.Context(), client.TaskFilter{ApplicationID: appID}, client.Paging{}))(t)
			var types []string
			for _, it := range r.Items {
				if it.ApplicationID == appID && it.Status == "open" {
					types = append(types, it.Type)
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
		ctx := t.Context()
		must(g.as(hohhot).Application(ctx, appID))(t)
		wantAPIError(t, errOf(g.as(baotou).Application(ctx, appID)), 404, "not_found", "")
		wantAPIError(t, errOf(g.as(a.Token).Tasks(ctx, client.TaskFilter{}, client.Paging{})), 403, "forbidden", "")
		wantAPIError(t, errOf(g.as(hohhot).Tasks(ctx, client.TaskFilter{Status: "bogus"}, client.Paging{})), 422, "invalid", "status")
	})

	t.Run("idempotent creation", func(t *testing.T) {
		key := "create-" + appID
		first := must(g.as(other.Token).WithIdempotencyKey(key).CreateApplication(t.Context(), applicationRequest(batch, "包头市")))(t)
		again, raw, _ := g.send(t, other.Token, "POST", "/api/v1/applications", applicationRequest(batch, "包头市"), "Idempotency-Key", key) // for its headers
		var repeat api.Application
		if again.StatusCode != 201 || json.Unmarshal(raw, &repeat) != nil || repeat.ID != first.ID || again.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("repeat with the same key: %d %s, first %+v", again.StatusCode, raw, first)
		}
		wantAPIError(t, errOf(g.as(other.Token).WithIdempotencyKey(key+"-new").CreateApplication(t.Context(), applicationRequest(batch, "包头市"))),
			409, "conflict", "")
	})

	t.Run("withdraw", func(t *testing.T) {
		ctx := t.Context()
		if r := must(g.as(a.Token).Withdraw(ctx, appID, "个人原因"))(t); r.Status != "withdrawn" {
			t.Fatalf("after withdraw: %+v", r)
		}
		wantAPIError(t, errOf(g.as(a.Token).Withdraw(ctx, appID, "")), 409, "conflict", "")
		if again := must(g.as(a.Token).CreateApplication(ctx, applicationRequest(batch, "呼和浩特市")))(t); again.ID == appID {
			t.Fatal("a new application reused the withdrawn one's ID")
		}
	})
}
