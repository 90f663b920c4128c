package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// API is what the pages need from the gateway's JSON API. It is kept this small so that a typed client
// can replace it mechanically.
type API interface {
	// Call sends method path with the bearer token (none when empty) and the JSON body in (none when nil),
	// and decodes a successful JSON answer into out (ignored when nil). A non-2xx answer is an *APIError.
	Call(ctx context.Context, token, method, path string, in, out any) error
	// Raw sends the request and returns the answer as is (PDFs, redirects to downloads); the caller closes
	// its body. Errors are *APIError as for Call.
	Raw(ctx context.Context, token, method, path string) (*http.Response, error)
	// Send sends a body that is not JSON (an uploaded file) and decodes the JSON answer into out.
	Send(ctx context.Context, token, method, path, contentType string, body []byte, out any) error
}

// ClientIPHeader carries the browser's address on the UI's API calls; the gateway believes it only on
// its own in-process calls.
const ClientIPHeader = "X-Skillcert-Client-IP"

// clientIPKey is the context key of the browser's address.
type clientIPKey struct{}

// APIError is an error answer of the API: {"error": {"code", "message", "fields"}}.
type APIError struct {
	Status  int               `json:"-"`
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
	Details json.RawMessage   `json:"details,omitempty"` // e.g. the rows of a refused import
}

func (e *APIError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

// httpAPI implements API over an http.RoundTripper (the gateway serves it in process).
type httpAPI struct {
	rt http.RoundTripper
}

// NewAPI returns an API that sends its requests through rt; paths are absolute (/api/v1/...).
func NewAPI(rt http.RoundTripper) API { return httpAPI{rt: rt} }

func (h httpAPI) do(ctx context.Context, token, method, path string, in any) (*http.Response, error) {
	if in == nil {
		return h.send(ctx, token, method, path, "", nil)
	}
	b, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	return h.send(ctx, token, method, path, "application/json", b)
}

// send makes one request with an optional body of the given content type.
func (h httpAPI) send(ctx context.Context, token, method, path, contentType string, b []byte) (*http.Response, error) {
	var body io.Reader = http.NoBody
	if b != nil {
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://skillcert.internal"+path, body)
	if err != nil {
		return nil, err
	}
	req.ContentLength = int64(len(b))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ip, ok := ctx.Value(clientIPKey{}).(string); ok && ip != "" {
		req.Header.Set(ClientIPHeader, ip)
	}
	resp, err := h.rt.RoundTrip(req)
	if err != nil {
		return nil, &APIError{Status: http.StatusServiceUnavailable, Code: "unavailable", Message: "服务暂时不可用，请稍后重试"}
	}
	if resp.StatusCode >= 400 {
		defer resp.Body.Close()
		return nil, decodeError(resp)
	}
	return resp, nil
}

// decodeError reads an error answer; one without the documented body still gets a Chinese message.
func decodeError(resp *http.Response) *APIError {
	var env struct {
		Error APIError `json:"error"`
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	_ = json.Unmarshal(b, &env)
	e := env.Error
	e.Status = resp.StatusCode
	if strings.TrimSpace(e.Message) == "" {
		e.Message = statusMessage(resp.StatusCode)
	}
	return &e
}

// statusMessage is the Chinese message of a status that came without one.
func statusMessage(status int) string {
	switch status {
	case 401:
		return "请先登录"
	case 403:
		return "无权进行此操作"
	case 404:
		return "未找到，或不属于您"
	case 409:
		return "状态已变化，请刷新后重试"
	case 413:
		return "文件过大"
	case 415:
		return "文件类型不符合要求"
	case 422:
		return "填写的信息不符合要求"
	case 429:
		return "请求过于频繁，请稍后再试"
	default:
		return "服务暂时不可用，请稍后重试"
	}
}

// Call implements API.
func (h httpAPI) Call(ctx context.Context, token, method, path string, in, out any) error {
	resp, err := h.do(ctx, token, method, path, in)
	return decodeAnswer(resp, err, method, path, out)
}

// Raw implements API.
func (h httpAPI) Raw(ctx context.Context, token, method, path string) (*http.Response, error) {
	return h.do(ctx, token, method, path, nil)
}

// Send implements API.
func (h httpAPI) Send(ctx context.Context, token, method, path, contentType string, body []byte, out any) error {
	resp, err := h.send(ctx, token, method, path, contentType, body)
	return decodeAnswer(resp, err, method, path, out)
}

// decodeAnswer decodes a successful JSON answer into out (or discards it when out is nil).
func decodeAnswer(resp *http.Response, err error, method, path string, out any) error {
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if out == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("decode %s %s: %w", method, path, err)
	}
	return nil
}
