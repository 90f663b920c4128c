package tracing_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"skillcert"
	"skillcert/gateway"
	"skillcert/internal/devstack"
	"skillcert/internal/tracing"
	"skillcert/worker"
)

func TestMain(m *testing.M) { os.Exit(devstack.Main(m)) }

const adminPassword = "Admin2022trace"

// system is a gateway and a worker running in this process against the test stack, tracing into memory.
type system struct {
	base  string
	spans *tracetest.InMemoryExporter
}

func startSystem(t *testing.T) *system {
	t.Helper()
	stack := devstack.ForTest(t)
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	tracing.UseProvider(tp)
	t.Cleanup(func() { tracing.UseProvider(nil) })

	env := map[string]string{}
	for _, kv := range stack.Env() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	env["DATABASE_URL"] = stack.TestDatabase(t)
	env["SKILLCERT_TASK_QUEUE"] = fmt.Sprintf("trace-test-%d", time.Now().UnixNano())
	env["SKILLCERT_HTTP_ADDR"] = addr
	env["SKILLCERT_ADMIN_PASSWORD"] = adminPassword
	env["SKILLCERT_PAYMENT_SECRET"] = "trace-test-payment-secret"
	env["SKILLCERT_TOKEN_KEY"] = "trace-test-token-key"
	env["SKILLCERT_DEV_SEED"] = "1"
	env["SKILLCERT_LOG_LEVEL"] = "warn"
	getenv := func(k string) string { return env[k] }

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 2)
	go func() { done <- worker.Run(ctx, nil, getenv) }()
	go func() { done <- gateway.Run(ctx, []string{"gateway"}, getenv) }()
	t.Cleanup(func() {
		cancel()
		for range 2 {
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				t.Log("a program did not stop within 30s")
			}
		}
	})
	s := &system{base: "http://" + addr, spans: spans}
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(200 * time.Millisecond) {
		if resp, err := http.Get(s.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		select {
		case err := <-done:
			t.Fatalf("a program exited during start: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the gateway did not become ready")
		}
	}
}

// call sends a JSON request and decodes a JSON answer into out, failing unless the status is want.
func (s *system) call(t *testing.T, want int, method, path, token string, body, out any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, s.base+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, raw)
		}
	}
}

func (s *system) login(t *testing.T, login, password string) string {
	var r struct{ Token string }
	s.call(t, 200, "POST", "/api/v1/auth/login", "", map[string]any{"login": login, "password": password}, &r)
	return r.Token
}

// trace is the spans of one trace ID, by span ID.
type traceSpans map[trace.SpanID]tracetest.SpanStub

// traceOf waits until the trace of the server span named root has every span want names (by prefix) and
// is one connected tree, and returns it. It fails with what was recorded when that does not happen.
func (s *system) traceOf(t *testing.T, root string, want ...string) (tracetest.SpanStub, traceSpans) {
	t.Helper()
	var problem string
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var server tracetest.SpanStub
		for _, sp := range s.spans.GetSpans() {
			if sp.Name == root && sp.SpanKind == trace.SpanKindServer {
				server = sp
			}
		}
		if !server.SpanContext.IsValid() {
			problem = "no server span " + root
			continue
		}
		spans := traceSpans{}
		for _, sp := range s.spans.GetSpans() {
			if sp.SpanContext.TraceID() == server.SpanContext.TraceID() {
				spans[sp.SpanContext.SpanID()] = sp
			}
		}
		if problem = spans.check(server, want); problem == "" {
			return server, spans
		}
	}
	t.Fatalf("trace of %s: %s\nspans:\n%s", root, problem, s.dump())
	return tracetest.SpanStub{}, nil
}

// check reports what is missing: a wanted span, or a parent (the trace must be one tree under root).
func (ts traceSpans) check(root tracetest.SpanStub, want []string) string {
	if root.Parent.IsValid() {
		return "the server span has a parent"
	}
	for _, w := range want {
		if _, ok := ts.find(w); !ok {
			return "no span " + w
		}
	}
	for _, sp := range ts {
		if sp.SpanContext.SpanID() == root.SpanContext.SpanID() {
			continue
		}
		if _, ok := ts[sp.Parent.SpanID()]; !ok {
			return fmt.Sprintf("span %s has a parent outside the trace", sp.Name)
		}
	}
	return ""
}

// find returns a span whose name starts with prefix.
func (ts traceSpans) find(prefix string) (tracetest.SpanStub, bool) {
	for _, sp := range ts {
		if strings.HasPrefix(sp.Name, prefix) {
			return sp, true
		}
	}
	return tracetest.SpanStub{}, false
}

// parentName names the parent of the first span named prefix.
func (ts traceSpans) parentName(prefix string) string {
	sp, _ := ts.find(prefix)
	return ts[sp.Parent.SpanID()].Name
}

func (s *system) dump() string {
	var b strings.Builder
	for _, sp := range s.spans.GetSpans() {
		fmt.Fprintf(&b, "  %s %s parent=%s %s\n", sp.SpanContext.TraceID(), sp.SpanContext.SpanID(), sp.Parent.SpanID(), sp.Name)
	}
	return b.String()
}

// TestOneRequestOneTrace drives two requests through the real gateway, Temporal, worker, Postgres and
// MinIO and checks that each yields one connected trace: the gateway's server span is the root, the
// Temporal client span its child, and the workflow, activity, Postgres and MinIO spans hang below it.
func TestOneRequestOneTrace(t *testing.T) {
	s := startSystem(t)
	admin := s.login(t, "admin", adminPassword)
	batch := fmt.Sprintf("tr-%d", rand.IntN(1_000_000_000))
	now := time.Now()
	at := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339) }
	s.call(t, 201, "POST", "/api/v1/admin/batches", admin, map[string]any{"id": batch, "name": "追踪测试批次",
		"registration_opens_at": at(-time.Hour), "registration_closes_at": at(720 * time.Hour),
		"payment_opens_at": at(-time.Hour), "payment_closes_at": at(960 * time.Hour), "exam_starts_at": at(1200 * time.Hour)}, nil)
	idFirst := fmt.Sprintf("15010219850%d%02d%03d", 1+rand.IntN(9), 1+rand.IntN(28), rand.IntN(1000))
	check, _ := skillcert.IDCheckChar(idFirst)
	phone := fmt.Sprintf("139%08d", rand.IntN(100_000_000))
	s.call(t, 201, "POST", "/api/v1/auth/register", "", map[string]any{"phone": phone, "password": "Passw0rd2022",
		"name": "追踪", "id_number": idFirst + string(check)}, nil)
	applicant := s.login(t, phone, "Passw0rd2022")

	var created struct{ ID string }
	s.call(t, 201, "POST", "/api/v1/applications", applicant, map[string]any{"batch_id": batch, "region": "呼和浩特市",
		"employer": "呼和浩特市某局", "employer_type": "agency", "occupation_code": "4-07-05-01", "level": 5,
		"pathway": "standard", "education": "high_school", "occupation_started_on": "2015-03-01"}, &created)
	server, spans := s.traceOf(t, "POST /api/v1/applications", "UpdateWithStartWorkflow:", "RunWorkflow:ApplicationWorkflow",
		"RunActivity:RecordTransition", "postgres InsertApplication")
	client, _ := spans.find("UpdateWithStartWorkflow:")
	if client.Parent.SpanID() != server.SpanContext.SpanID() {
		t.Errorf("the Temporal client span's parent is %q, not the server span", spans.parentName("UpdateWithStartWorkflow:"))
	}
	if p := spans.parentName("postgres InsertApplication"); p != "RunActivity:RecordTransition" {
		t.Errorf("the projection insert's parent is %q, want the RecordTransition activity", p)
	}

	// An upload's completion reads the object back from MinIO and records the verdict with its step in one
	// activity (RecordStep, fused-2026-11): the inspection and the projection write.
	var up struct {
		DocumentID string            `json:"document_id"`
		UploadURL  string            `json:"upload_url"`
		Fields     map[string]string `json:"fields"`
	}
	photo := portrait()
	s.call(t, 201, "POST", "/api/v1/applications/"+created.ID+"/documents", applicant, map[string]any{
		"doc_type": "photo", "filename": "photo.png", "content_type": "image/png", "size": len(photo)}, &up)
	postObject(t, up.UploadURL, up.Fields, photo)
	req, _ := http.NewRequest("POST", s.base+"/api/v1/applications/"+created.ID+"/documents/"+up.DocumentID+"/complete", nil)
	req.Header.Set("Authorization", "Bearer "+applicant)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	_, spans = s.traceOf(t, "POST /api/v1/applications/:id/documents/:document_id/complete", "UpdateWorkflow:",
		"RunActivity:RecordStep", "minio GET")
	if p := spans.parentName("minio GET"); p != "RunActivity:RecordStep" {
		t.Errorf("the MinIO read's parent is %q, want the RecordStep activity", p)
	}
	for _, q := range []string{"postgres RecordDocumentInspection", "postgres UpdateApplication", "postgres InsertAuditEvent"} {
		if p := spans.parentName(q); p != "RunActivity:RecordStep" {
			t.Errorf("%s's parent is %q, want the RecordStep activity", q, p)
		}
	}
	inspectionWrites := 0
	for _, sp := range spans {
		if strings.HasPrefix(sp.Name, "postgres ") && spans[sp.Parent.SpanID()].Name == "RunActivity:RecordStep" {
			inspectionWrites++
		}
	}
	if inspectionWrites == 0 {
		t.Error("no Postgres span below the RecordStep activity")
	}
	for _, sp := range spans {
		for _, kv := range sp.Attributes {
			if strings.Contains(kv.Value.String(), phone) || strings.Contains(kv.Value.String(), created.ID+"/") {
				t.Errorf("span %s attribute %s carries a phone number or an object key: %s", sp.Name, kv.Key, kv.Value.String())
			}
		}
	}
}

// TestCallerTraceContinues: a request that carries a W3C traceparent gets its server span in the caller's
// trace, as the child of the caller's span.
func TestCallerTraceContinues(t *testing.T) {
	s := startSystem(t)
	const traceID, parentID = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
	req, _ := http.NewRequest("GET", s.base+"/api/v1/certificates/S000015000001265999999", nil)
	req.Header.Set("Traceparent", "00-"+traceID+"-"+parentID+"-01")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, sp := range s.spans.GetSpans() {
		if sp.SpanKind == trace.SpanKindServer && sp.SpanContext.TraceID().String() == traceID {
			if sp.Parent.SpanID().String() != parentID || !sp.Parent.IsRemote() {
				t.Errorf("server span %s: parent %s, want the caller's %s", sp.Name, sp.Parent.SpanID(), parentID)
			}
			return
		}
	}
	t.Fatalf("no server span in the caller's trace:\n%s", s.dump())
}

// postObject sends data to a presigned POST policy.
func postObject(t *testing.T, url string, fields map[string]string, data []byte) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	part, _ := w.CreateFormFile("file", "photo.png")
	part.Write(data)
	w.Close()
	resp, err := http.Post(url, w.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		raw, _ := io.ReadAll(resp.Body)
		t.Fatalf("upload: %d %s", resp.StatusCode, raw)
	}
}

// portrait is a small head-and-shoulders PNG on white.
func portrait() []byte {
	const w, h = 300, 420
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{255, 255, 255, 255}
			dx, dy := float64(x-w/2)/66, float64(y-160)/92
			if dx*dx+dy*dy <= 1 || (y > 300 && x > 40 && x < w-40) {
				c = color.RGBA{60, 50, 50, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}
