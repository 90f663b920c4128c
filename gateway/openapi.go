package gateway

import (
	"encoding/json"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"skillcert"
)

// The OpenAPI 3 document is generated from the route table that registers the routes, so every route
// is documented and nothing else is. Schemas are reflected from the request and response types.

var (
	timeType  = reflect.TypeFor[time.Time]()
	dateType  = reflect.TypeFor[skillcert.Date]()
	scoreType = reflect.TypeFor[skillcert.Score]()
	rawType   = reflect.TypeFor[json.RawMessage]()
)

// of returns the JSON schema of t, as encoding/json writes it.
func (g *schemas) of(t reflect.Type) map[string]any {
	switch t {
	case timeType:
		return map[string]any{"type": "string", "format": "date-time", "example": "2022-06-21T09:00:00+08:00"}
	case dateType:
		return map[string]any{"type": "string", "format": "date", "example": "2022-06-21"}
	case scoreType:
		return map[string]any{"type": "number", "minimum": 0, "maximum": 100, "multipleOf": 0.1}
	case rawType:
		return map[string]any{}
	}
	switch t.Kind() {
	case reflect.Pointer:
		s := g.of(t.Elem())
		if _, isRef := s["$ref"]; isRef {
			return map[string]any{"allOf": []any{s}, "nullable": true}
		}
		s["nullable"] = true
		return s
	case reflect.Bool:
		return map[string]any{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}
	case reflect.String:
		return map[string]any{"type": "string"}
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "format": "byte"}
		}
		return map[string]any{"type": "array", "items": g.of(t.Elem())}
	case reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.of(t.Elem())}
	case reflect.Struct:
		if t.Name() != "" {
			return g.ref(t)
		}
		props := map[string]any{}
		var required []string
		g.addStructFields(t, props, &required)
		s := map[string]any{"type": "object", "properties": props}
		if len(required) > 0 {
			s["required"] = required
		}
		return s
	}
	return map[string]any{}
}

// addStructFields adds t's JSON fields (flattening embedded structs) to props.
func (g *schemas) addStructFields(t reflect.Type, props map[string]any, required *[]string) {
	owner := g.names[t]
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			g.addStructFields(f.Type, props, required)
			continue
		}
		if name == "" {
			name = f.Name
		}
		props[name] = g.withEnum(g.of(f.Type), owner, name)
		if !strings.Contains(opts, "omitempty") && !strings.Contains(opts, "omitzero") && f.Type.Kind() != reflect.Pointer {
			*required = append(*required, name)
		}
	}
}

// pagingParams document the query parameters of every list (paging.go); values outside them are a 422.
var pagingParams = map[string]struct {
	schema map[string]any
	doc    string
}{
	"page": {map[string]any{"type": "integer", "minimum": 1, "maximum": maxPage, "default": 1},
		"页码 page number, from 1; deeper positions are read with after"},
	"page_size": {map[string]any{"type": "integer", "minimum": 1, "maximum": maxPageSize, "default": defaultPageSize},
		"每页条数 items per page"},
	"after": {map[string]any{"type": "string", "maxLength": maxCursorLen},
		"翻页游标 keyset paging: the next_cursor of the previous page; the page then starts after its last item"},
}

// operationID names an operation after its method and path: post_api_v1_applications_id_submit.
func operationID(r route) string {
	id := strings.ToLower(r.Method) + strings.NewReplacer("/", "_", ":", "", ".", "_", "-", "_").Replace(r.Path)
	return strings.TrimSuffix(id, "_")
}

// openAPI builds the document from the route table.
func (a *app) openAPI() map[string]any {
	paths, g := map[string]any{}, newSchemas()
	g.componentName(reflect.TypeFor[errorBody]()) // "ErrorBody", referred to by the error responses
	for _, r := range a.routes {
		if r.Hidden {
			continue
		}
		item, _ := paths[r.openAPIPath()].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[r.openAPIPath()] = item
		}
		item[strings.ToLower(r.Method)] = g.operation(r)
	}
	g.of(reflect.TypeFor[errorBody]())
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "skillcert API", "version": "1",
			"description": "职业技能等级认定 (vocational skill-level certification) case management. Errors have the body " +
				`{"error": {"code", "message", "fields"}}; every POST that acts on a case honours Idempotency-Key. Request bodies with a ` +
				"Content-Encoding are refused (415). Tokens end with POST /api/v1/auth/logout or a password change. " +
				"Prometheus metrics are not served here but on a separate listener, SKILLCERT_METRICS_ADDR " +
				"(default 127.0.0.1:9464), at GET /metrics.",
			"x-metrics-listener": map[string]any{"env": "SKILLCERT_METRICS_ADDR", "default": defaultMetricsAddr, "path": "/metrics"}},
		"servers": []any{map[string]any{"url": a.cfg.PublicURL}},
		"paths":   paths,
		"components": map[string]any{
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer"}},
			"schemas":         g.components,
			"responses":       errorResponses(),
		},
	}
}

// errorDescriptions are the documented meanings of the error statuses (API.md, Conventions).
var errorDescriptions = map[int]string{
	400: "malformed body", 401: "no or invalid token", 403: "role, scope or separation of duties",
	404: "not found or not yours", 409: "duplicate or stale", 413: "too large", 415: "wrong file type, or a compressed request body (Content-Encoding)",
	422: "valid JSON but breaks a rule", 429: "rate limited", 503: "a dependency is down (nothing was lost; retry)",
}

func errorResponses() map[string]any {
	out := map[string]any{}
	for status, desc := range errorDescriptions {
		out["E"+strconv.Itoa(status)] = map[string]any{"description": desc, "content": map[string]any{
			"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/ErrorBody"}}}}
	}
	return out
}

// operation describes one route.
func (g *schemas) operation(r route) map[string]any {
	op := map[string]any{"operationId": operationID(r), "summary": r.Summary}
	if r.Tag != "" {
		op["tags"] = []string{r.Tag}
	}
	var params []any
	for _, p := range strings.Split(r.Path, "/") {
		if name, ok := strings.CutPrefix(p, ":"); ok {
			params = append(params, map[string]any{"name": name, "in": "path", "required": true,
				"schema": map[string]any{"type": "string"}})
		}
	}
	for _, q := range r.Query {
		p := map[string]any{"name": q, "in": "query", "schema": map[string]any{"type": "string"}}
		if d, ok := pagingParams[q]; ok {
			p["schema"], p["description"] = d.schema, d.doc
		}
		params = append(params, p)
	}
	if r.honoursIdempotencyKey() {
		params = append(params, map[string]any{"name": "Idempotency-Key", "in": "header",
			"description": "a repeat with the same key and body returns the first outcome (status and body); another body → 422",
			"schema":      map[string]any{"type": "string"}})
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	if r.Request != nil {
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			"application/json": map[string]any{"schema": g.of(reflect.TypeOf(r.Request))}}}
	}
	statuses := slices.Clone(r.Errors)
	if r.Public {
		op["security"] = []any{}
	} else {
		op["security"] = []any{map[string]any{"bearer": []string{}}}
		statuses = append(statuses, 401, 403)
		if len(r.Roles) > 0 {
			op["x-roles"] = r.Roles
		}
	}
	if r.Request != nil {
		statuses = append(statuses, 400, 413)
	}
	if r.Method == "POST" || r.Method == "PUT" || r.Method == "PATCH" {
		statuses = append(statuses, 415) // a body with a Content-Encoding (API.md, Additions)
	}
	statuses = append(statuses, 429)
	responses := map[string]any{}
	html := strings.HasPrefix(r.ContentType, "text/html")
	for _, s := range statuses {
		desc, ok := errorDescriptions[s]
		switch {
		case !ok:
		case html: // pages answer their errors as pages, or in the JSON error shape before the page's handler
			responses[strconv.Itoa(s)] = map[string]any{"description": desc, "content": map[string]any{
				r.ContentType:      map[string]any{"schema": map[string]any{"type": "string"}},
				"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/ErrorBody"}}}}
		default:
			responses[strconv.Itoa(s)] = map[string]any{"$ref": "#/components/responses/E" + strconv.Itoa(s)}
		}
	}
	responses[strconv.Itoa(successStatus(r))] = g.successResponse(r)
	op["responses"] = responses
	return op
}

func successStatus(r route) int {
	if r.Status != 0 {
		return r.Status
	}
	return 200
}

func (g *schemas) successResponse(r route) map[string]any {
	switch {
	case r.Status == 302:
		return map[string]any{"description": "redirect to a short-lived URL",
			"headers": map[string]any{"Location": map[string]any{"schema": map[string]any{"type": "string"}}}}
	case r.ContentType != "":
		return map[string]any{"description": "success", "content": map[string]any{
			r.ContentType: map[string]any{"schema": map[string]any{"type": "string", "format": "binary"}}}}
	case r.Response == nil:
		return map[string]any{"description": "success"}
	}
	return map[string]any{"description": "success", "content": map[string]any{
		"application/json": map[string]any{"schema": g.of(reflect.TypeOf(r.Response))}}}
}

func (a *app) serveOpenAPI(c *fiber.Ctx) error {
	return c.JSON(a.openAPI())
}

// openAPIRoutes publish the document (which documents itself).
func (a *app) openAPIRoutes() []route {
	return []route{
		{Method: "GET", Path: "/api/v1/openapi.json", Public: true, Handler: a.serveOpenAPI, Tag: "operations",
			Summary: "This OpenAPI 3 document", Response: map[string]any{}},
	}
}
