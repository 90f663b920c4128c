package gateway

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// loadOpenAPI parses the document the gateway serves with kin-openapi.
func loadOpenAPI(t *testing.T, a *app) *openapi3.T {
	t.Helper()
	raw, err := json.Marshal(a.openAPI())
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		t.Fatalf("load the OpenAPI document: %v", err)
	}
	return doc
}

// TestOpenAPIValidates: the served document is valid OpenAPI 3 for kin-openapi.
func TestOpenAPIValidates(t *testing.T) {
	doc := loadOpenAPI(t, newOfflineApp(t))
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the OpenAPI document is invalid: %v", err)
	}
	create := doc.Components.Schemas["CreateApplicationRequest"]
	if create == nil || len(create.Value.Properties["level"].Value.Enum) != 5 ||
		!slices.Contains(create.Value.Properties["pathway"].Value.Enum, any("lateral")) ||
		create.Value.Properties["education"].Value.Description == "" {
		t.Fatalf("CreateApplicationRequest lacks its enums: %+v", create)
	}
	if task := doc.Components.Schemas["Task"].Value; len(task.Properties["type"].Value.Enum) != 7 ||
		!slices.Contains(doc.Components.Schemas["CompleteTaskRequest"].Value.Properties["decision"].Value.Enum, any("return")) {
		t.Fatalf("task types %v, or decisions, lack their enums", task.Properties["type"].Value.Enum)
	}
	for name, c := range doc.Components.Schemas {
		if c.Value.Description == "" {
			t.Errorf("component %s has no description (componentDocs)", name)
		}
	}
	tasks := doc.Paths.Find("/api/v1/tasks").Get.Responses.Status(200).Value.Content.Get("application/json").Schema
	if tasks.Ref != "#/components/schemas/PageTask" || tasks.Value.Properties["items"].Value.Items.Ref != "#/components/schemas/Task" {
		t.Fatalf("the inbox answers %q of %q, want named components", tasks.Ref, tasks.Value.Properties["items"].Value.Items.Ref)
	}
}

// TestOpenAPICheckerBites: the typed client's test mode refuses answers the document does not allow.
func TestOpenAPICheckerBites(t *testing.T) {
	doc := loadOpenAPI(t, newOfflineApp(t))
	doc.Servers = nil
	check, err := openAPIChecker(doc)
	if err != nil {
		t.Fatal(err)
	}
	task := `{"id":"t","type":"preliminary_review","application_id":"a","status":"%s","role":"city_reviewer",` +
		`"region":"包头市","created_at":"2022-06-21T09:00:00Z","occupation_code":"4-07-05-01","level":%d,"application_status":"draft"}`
	answer := func(status int, body string) error {
		req := httptest.NewRequest("GET", "/api/v1/tasks?page=2", nil)
		resp := &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}}}
		return check(req, resp, []byte(body))
	}
	if err := answer(200, `{"items":[`+fmt.Sprintf(task, "open", 5)+`],"next_page":3,"next_cursor":"x"}`); err != nil {
		t.Fatalf("a valid page was refused: %v", err)
	}
	for name, body := range map[string]string{
		"unknown task status": `{"items":[` + fmt.Sprintf(task, "done", 5) + `]}`,
		"level out of range":  `{"items":[` + fmt.Sprintf(task, "open", 7) + `]}`,
		"items missing":       `{"next_page":2}`,
		"items not a list":    `{"items":{}}`,
	} {
		if answer(200, body) == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	undocumented := httptest.NewRequest("GET", "/api/v1/secret", nil)
	if check(undocumented, &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}}}, []byte(`{}`)) == nil {
		t.Error("an answer on an undocumented path was accepted")
	}
	if answer(418, `{}`) == nil {
		t.Error("an undocumented status was accepted")
	}
	if answer(422, `{"error":{"code":"invalid","message":"页码","fields":{"page":"页码"}}}`) != nil {
		t.Error("a documented 422 was refused")
	}
}

// openAPIChecker is the typed client's test mode (client.Client.Check): every answer must be documented
// (path, method and status) and match its schema in the OpenAPI document.
func openAPIChecker(doc *openapi3.T) (func(*http.Request, *http.Response, []byte) error, error) {
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
	for _, binary := range []string{"application/pdf", xlsxContentType} {
		openapi3filter.RegisterBodyDecoder(binary, openapi3filter.FileBodyDecoder)
	}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, err
	}
	return func(req *http.Request, resp *http.Response, body []byte) error {
		route, params, err := router.FindRoute(req)
		if err != nil {
			// Only "no such route" may answer a path the document does not have, in the error shape.
			var e errorBody
			if (resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed) &&
				json.Unmarshal(body, &e) == nil && e.Error.Code == "not_found" {
				return nil
			}
			return fmt.Errorf("%s %s is not in the OpenAPI document: %w", req.Method, req.URL.Path, err)
		}
		in := &openapi3filter.ResponseValidationInput{
			RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
			Status:                 resp.StatusCode, Header: resp.Header, Body: io.NopCloser(bytes.NewReader(body)),
			Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
		}
		if err := openapi3filter.ValidateResponse(req.Context(), in); err != nil {
			return fmt.Errorf("the answer %d does not match the OpenAPI document: %w", resp.StatusCode, err)
		}
		return nil
	}, nil
}
