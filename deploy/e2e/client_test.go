package e2e

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"testing"
	"time"

	"skillcert/client"
)

// call is one HTTP exchange with the gateway.
type call struct {
	status int
	body   []byte
}

func (c call) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(c.body, v); err != nil {
		t.Fatalf("decode %s: %v", c.body, err)
	}
}

var httpClient = &http.Client{Timeout: 90 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// api sends through the typed client's transport.
var api = &client.Client{HTTP: httpClient}

func (s *system) do(method, path, token string, body any, headers ...string) call {
	s.t.Helper()
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			s.t.Fatal(err)
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.baseURL+path, r)
	if err != nil {
		s.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, b, err := api.Send(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", method, path, err)
	}
	return call{status: resp.StatusCode, body: b}
}

// must performs the request and fails the test unless the status is want.
func (s *system) must(want int, method, path, token string, body any, out any) {
	s.t.Helper()
	c := s.do(method, path, token, body)
	if c.status != want {
		s.t.Fatalf("%s %s: %d %s, want %d", method, path, c.status, c.body, want)
	}
	if out != nil {
		c.decode(s.t, out)
	}
}

func (s *system) login(login, password string) string {
	s.t.Helper()
	var out struct {
		Token string `json:"token"`
	}
	s.must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]string{"login": login, "password": password}, &out)
	return out.Token
}

// callback posts a signed payment notification.
func (s *system) callback(body map[string]any) call {
	s.t.Helper()
	raw, _ := json.Marshal(body)
	mac := hmac.New(sha256.New, []byte(paymentSecret))
	mac.Write(raw)
	req, _ := http.NewRequest("POST", s.baseURL+"/api/v1/payments/callback", bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature", hex.EncodeToString(mac.Sum(nil)))
	resp, b, err := api.Send(req)
	if err != nil {
		s.t.Fatal(err)
	}
	return call{status: resp.StatusCode, body: b}
}

// upload sends data to a presigned upload as API.md describes: multipart POST with the policy fields then
// the file, or a PUT with the given headers.
func upload(t *testing.T, grant uploadGrant, data []byte, filename string) {
	t.Helper()
	var req *http.Request
	if grant.Method == "PUT" {
		req, _ = http.NewRequest("PUT", grant.UploadURL, bytes.NewReader(data))
		for k, v := range grant.Headers {
			req.Header.Set(k, v)
		}
	} else {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, v := range grant.Fields {
			_ = mw.WriteField(k, v)
		}
		fw, _ := mw.CreateFormFile("file", filename)
		_, _ = fw.Write(data)
		_ = mw.Close()
		req, _ = http.NewRequest("POST", grant.UploadURL, &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("upload to storage: %d %s", resp.StatusCode, b)
	}
}

type uploadGrant struct {
	DocumentID string            `json:"document_id"`
	UploadURL  string            `json:"upload_url"`
	Method     string            `json:"method"`
	Fields     map[string]string `json:"fields"`
	Headers    map[string]string `json:"headers"`
}

type application struct {
	ID        string `json:"id"`
	Status    string `json:"status"`
	Level     int    `json:"level"`
	Checklist []struct {
		DocType  string `json:"doc_type"`
		Required bool   `json:"required"`
		Status   string `json:"status"`
	} `json:"checklist"`
	Deadlines struct {
		PaymentDueAt *time.Time `json:"payment_due_at"`
	} `json:"deadlines"`
	CertificateNumber string `json:"certificate_number"`
	History           []struct {
		Action string `json:"action"`
	} `json:"history"`
}
