package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"time"

	"skillcert/client"
)

// api drives the gateway over HTTP exactly as a client would.
type api struct {
	base          string
	paymentSecret string
	http          *http.Client
}

func newAPI(base, paymentSecret string) *api {
	return &api{base: base, paymentSecret: paymentSecret, http: &http.Client{Timeout: 2 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// send performs one request and returns the status and body.
func (a *api) send(ctx context.Context, method, path, token string, body any, headers ...string) (int, []byte, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, r)
	if err != nil {
		return 0, nil, err
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
	resp, b, err := (&client.Client{HTTP: a.http}).Send(req)
	if resp == nil {
		return 0, nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	return resp.StatusCode, b, err
}

// call performs a request, fails unless the status is want, and decodes the answer into out (when not nil).
func (a *api) call(ctx context.Context, want int, method, path, token string, body, out any) error {
	status, b, err := a.send(ctx, method, path, token, body)
	if err != nil {
		return err
	}
	if status != want {
		return fmt.Errorf("%s %s: %d %s, want %d", method, path, status, clip(b), want)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("%s %s: decode %s: %w", method, path, clip(b), err)
		}
	}
	return nil
}

// callback posts the payment platform's signed notification and returns its status.
func (a *api) callback(ctx context.Context, body map[string]any) (int, []byte, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return 0, nil, err
	}
	mac := hmac.New(sha256.New, []byte(a.paymentSecret))
	mac.Write(raw)
	req, err := http.NewRequestWithContext(ctx, "POST", a.base+"/api/v1/payments/callback", bytes.NewReader(raw))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Signature", hex.EncodeToString(mac.Sum(nil)))
	resp, b, err := (&client.Client{HTTP: a.http}).Send(req)
	if resp == nil {
		return 0, nil, fmt.Errorf("payment callback: %w", err)
	}
	return resp.StatusCode, b, err
}

// uploadGrant is the answer of POST /api/v1/applications/{id}/documents.
type uploadGrant struct {
	DocumentID string            `json:"document_id"`
	UploadURL  string            `json:"upload_url"`
	Method     string            `json:"method"`
	Fields     map[string]string `json:"fields"`
	Headers    map[string]string `json:"headers"`
}

// upload sends the bytes to object storage as API.md describes: a multipart POST with the policy fields then
// the file, or a PUT with the given headers.
func (a *api) upload(ctx context.Context, g uploadGrant, data []byte, filename string) error {
	var req *http.Request
	var err error
	if g.Method == "PUT" {
		if req, err = http.NewRequestWithContext(ctx, "PUT", g.UploadURL, bytes.NewReader(data)); err != nil {
			return err
		}
		for k, v := range g.Headers {
			req.Header.Set(k, v)
		}
	} else {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, v := range g.Fields {
			_ = mw.WriteField(k, v)
		}
		fw, _ := mw.CreateFormFile("file", filename)
		_, _ = fw.Write(data)
		_ = mw.Close()
		if req, err = http.NewRequestWithContext(ctx, "POST", g.UploadURL, &buf); err != nil {
			return err
		}
		req.Header.Set("Content-Type", mw.FormDataContentType())
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return fmt.Errorf("upload: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		b, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("upload to storage: %d %s", resp.StatusCode, clip(b))
	}
	return nil
}

func clip(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}
