package gateway

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"skillcert"
	"skillcert/schema/db"
)

// Fuzz targets of the request decoders (issue 11, "Also"). Seed corpora are in testdata/fuzz/<target>/;
// plain `go test` runs them, and a target is fuzzed with, e.g.,
//   go test -run '^$' -fuzz '^FuzzCreatingRoutes$' -fuzztime 60s ./gateway
// These run the real handlers without the database, Temporal or object storage: a request that passes
// a handler's validation reaches one of them, finds it missing and panics there; the test recognises that
// panic as "validated" (sideEffectFrames). Any other panic, or a 500, is a failure.

// sideEffectFrames are functions whose panic on a missing dependency means the request got past validation.
var sideEffectFrames = []string{"skillcert/schema/db.", "(*app).update(", "(*app).startApplication(",
	"(*app).signalBatchChanged(", "(*idCipher)", "(*tokenSigner)", "(*loginThrottle)", "jackc/pgx", "(*app).inTx("}

// reachedSideEffect marks a response whose request passed validation.
const reachedSideEffect = 299

// bareApp is an app without its database, Temporal, object storage and keys.
func bareApp() *app {
	var q *db.Queries // nil: a query panics inside package db, which sideEffectFrames recognises
	return &app{log: slog.New(slog.DiscardHandler), now: time.Now, metrics: newMetrics(), tasks: q}
}

// fuzzApp serves routes with no dependencies, every request signed in as a user of the route's first role.
func fuzzApp(t testing.TB, routes []route) *fiber.App {
	t.Helper()
	a := bareApp()
	f := fiber.New(fiber.Config{ErrorHandler: a.handleError, BodyLimit: 16 << 20})
	for _, r := range routes {
		role := "applicant"
		if len(r.Roles) > 0 {
			role = r.Roles[0]
		}
		handler := r.Handler
		f.Add(r.Method, r.Path, func(c *fiber.Ctx) (err error) {
			c.Locals(localsUser, &principal{ID: "00000000-0000-4000-8000-000000000001", Role: role, Region: "呼和浩特市", Name: "测试"})
			defer func() {
				if p := recover(); p != nil {
					stack := string(debug.Stack())
					for _, frame := range sideEffectFrames {
						if strings.Contains(stack, frame) {
							err = c.SendStatus(reachedSideEffect)
							return
						}
					}
					panic(fmt.Sprintf("%v\n%s", p, stack))
				}
			}()
			return handler(c)
		})
	}
	return f
}

// jsonRoutes are the POST routes that take a JSON body: every creating route and every command.
func jsonRoutes() []route {
	var out []route
	for _, r := range bareApp().allRoutes() {
		if r.Method == "POST" && r.Request != nil {
			out = append(out, r)
		}
	}
	return out
}

// concretePath fills a route's parameters with IDs.
func concretePath(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") {
			parts[i] = "00000000-0000-4000-8000-00000000000a"
		}
	}
	return strings.Join(parts, "/")
}

// checkAnswer fails unless resp is "validated" or a documented error body (never a 500).
func checkAnswer(t *testing.T, resp *http.Response, what string) {
	t.Helper()
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode == reachedSideEffect || resp.StatusCode < 300 {
		return
	}
	var e struct {
		Error struct{ Code, Message string }
	}
	if resp.StatusCode >= 500 || json.Unmarshal(body, &e) != nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("%s: %d %s", what, resp.StatusCode, body)
	}
}

func FuzzCreatingRoutes(f *testing.F) {
	routes := jsonRoutes()
	if len(routes) < 10 {
		f.Fatalf("only %d JSON routes found", len(routes))
	}
	for i, r := range routes {
		seed, _ := json.Marshal(r.Request)
		f.Add(uint8(i), seed)
		f.Add(uint8(i), []byte(`{"a":1}`))
	}
	f.Add(uint8(0), []byte(`{"phone":"13912345678","password":"Passw0rd2022","name":"张三","id_number":"11010519491231002X"}`))
	f.Add(uint8(1), []byte(`{"size":-1,"doc_type":"photo","filename":"../../x\u0000"}`))
	f.Add(uint8(2), []byte(`[1,2]`))
	f.Add(uint8(3), []byte(`{"level":1e400}`))
	app := fuzzApp(f, routes)
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		r := routes[int(which)%len(routes)]
		req := httptest.NewRequest(r.Method, concretePath(r.Path), bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := app.Test(req, -1)
		if err != nil {
			t.Fatal(err)
		}
		checkAnswer(t, resp, r.Method+" "+r.Path)
	})
}

// FuzzScoreFile feeds any bytes to the score file readers (CSV or XLSX by content): they never panic, refuse
// with a *skillcert.Error, and what they keep stays within the limits.
func FuzzScoreFile(f *testing.F) {
	f.Add([]byte("application_id,component,score\nabc,theory,60\n"))
	f.Add([]byte("\ufeff申报编号,科目,成绩\n\"a,b\",理论,\"6\"\"0\"\n"))
	f.Add([]byte("\xc9\xea\xb1\xa8,\xbf\xc6\xc4\xbf\n"))
	f.Add([]byte(strings.Repeat(",", 70)))
	f.Add(manyRowsWorkbook(f, 3))
	f.Add([]byte("PK\x03\x04\x14\x00\x00\x00\x08\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		format, err := detectFormat(data)
		if err != nil {
			return
		}
		read := csvRecords
		if format == "xlsx" {
			read = xlsxRecords
		}
		records, err := read(data)
		if err != nil {
			if skillcert.ErrorCode(err) == skillcert.EINTERNAL {
				t.Fatalf("unclassified error: %v", err)
			}
			return
		}
		if len(records) > maxImportRecords {
			t.Fatalf("%d records kept", len(records))
		}
		for _, rec := range records {
			if len(rec) > maxImportColumns {
				t.Fatalf("%d cells kept", len(rec))
			}
			for _, cell := range rec {
				if len(cell) > maxImportCellBytes {
					t.Fatalf("a cell of %d bytes kept", len(cell))
				}
			}
		}
		for _, row := range importRows(records) {
			if row.Row < 1 || row.Row > len(records) {
				t.Fatalf("row number %d of %d records", row.Row, len(records))
			}
		}
	})
}

// FuzzImportMultipart sends any multipart body (or any raw body) to the score import handler as the
// provincial reviewer: the upload is read, its format found and its rows validated, and the answer is a
// documented error or reaches the database; never a panic or a 500.
func FuzzImportMultipart(f *testing.F) {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	part, _ := mw.CreateFormFile("file", "成绩.csv")
	part.Write([]byte("application_id,component,score\nabc,theory,60\n"))
	mw.Close()
	f.Add(mw.Boundary(), body.Bytes())
	f.Add("b", []byte("--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.xlsx\"\r\n\r\nPK\x03\x04\r\n--b--\r\n"))
	f.Add("b", []byte("--b\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--b--\r\n"))
	f.Add("", []byte("00000000-0000-4000-8000-00000000000a,skill,60"))
	var routes []route
	for _, r := range bareApp().allRoutes() {
		if r.Path == "/api/v1/scores/import" {
			routes = append(routes, r)
		}
	}
	app := fuzzApp(f, routes)
	f.Fuzz(func(t *testing.T, boundary string, data []byte) {
		req := httptest.NewRequest("POST", "/api/v1/scores/import", bytes.NewReader(data))
		if boundary != "" {
			req.Header.Set("Content-Type", "multipart/form-data; boundary="+boundary)
		}
		resp, err := app.Test(req, -1)
		if err != nil && strings.Contains(err.Error(), "multipart") {
			return // the HTTP server refused the body before any handler ran (400)
		}
		if err != nil {
			t.Fatal(err)
		}
		checkAnswer(t, resp, "score import")
	})
}
