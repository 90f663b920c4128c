// Package client is the typed Go client of the skillcert HTTP API (docs/API.md). It owns speaking HTTP to
// a gateway: one method per operation (Register, Login, CreateApplication, AddDocument and Upload,
// CompleteDocument, Submit, PaymentOrder, PaymentCallback, Tasks, Claim, CompleteTask, exam sessions,
// scores, evaluations, certificates, admin search, revoke, audit, statistics, ...) sending and returning the
// types of package api; every error answer becomes an *Error with the status and the documented error
// object (code, message, fields, details); paged lists are walked by cursor (All). Check is its test mode:
// the gateway's tests validate every answer against the OpenAPI document there. It holds no state but the
// base URL, the bearer token and an optional Idempotency-Key, so a server can make one per user cheaply.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"skillcert/api"
)

// Client calls one gateway.
type Client struct {
	BaseURL string       // e.g. http://127.0.0.1:8080, without a trailing slash
	HTTP    *http.Client // http.DefaultClient when nil
	Token   string       // bearer token; empty for public routes
	// IdempotencyKey, when set, is sent as Idempotency-Key with every POST that does not name its own.
	IdempotencyKey string
	// Check, when set, sees every answer with its body before it is decoded; an error it returns is the
	// call's error. Tests use it to validate answers against the OpenAPI document.
	Check func(req *http.Request, resp *http.Response, body []byte) error
}

// New returns a client of the gateway at baseURL.
func New(baseURL string) *Client { return &Client{BaseURL: strings.TrimRight(baseURL, "/")} }

// WithToken returns a copy of c that sends token.
func (c *Client) WithToken(token string) *Client {
	cp := *c
	cp.Token = token
	return &cp
}

// WithIdempotencyKey returns a copy of c that sends key as the Idempotency-Key of its POSTs: repeating a
// request with the same key and body returns the first outcome.
func (c *Client) WithIdempotencyKey(key string) *Client {
	cp := *c
	cp.IdempotencyKey = key
	return &cp
}

// Error is an error answer: its HTTP status and the documented error object (Body; Body.Code is empty
// when the answer was not one, and Body.Message then holds its text).
type Error struct {
	Status int
	Body   api.Error
}

func (e *Error) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, e.Body.Code, e.Body.Message)
}

// Field returns the reason the error gives for field ("" when none).
func (e *Error) Field(field string) string { return e.Body.Fields[field] }

// Do sends a request with body encoded as JSON (none when nil) and decodes a 2xx answer into out (unless
// out is nil). headers are name, value pairs. A non-2xx answer is an *Error.
func (c *Client) Do(ctx context.Context, method, path string, body, out any, headers ...string) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("encode %s %s: %w", method, path, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if c.IdempotencyKey != "" && method == http.MethodPost {
		req.Header.Set("Idempotency-Key", c.IdempotencyKey)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, data, err := c.Send(req)
	if err != nil {
		return err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return errorOf(resp.StatusCode, data)
	}
	if out == nil || len(data) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decode %s %s: %w", method, path, err)
	}
	return nil
}

// ErrorOf is the error of an answer that Send returned: nil for a 2xx, else an *Error.
func ErrorOf(resp *http.Response, body []byte) error {
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		return nil
	}
	return errorOf(resp.StatusCode, body)
}

// errorOf is the *Error of a non-2xx answer: the documented error object when the body is one, else the
// body's text as the message.
func errorOf(status int, data []byte) *Error {
	e := &Error{Status: status}
	var b api.ErrorBody
	if json.Unmarshal(data, &b) == nil && b.Error.Code != "" {
		e.Body = b.Error
	} else {
		e.Body.Message = strings.TrimSpace(string(data))
	}
	return e
}

// Send sends req as it is, with the bearer token when it has no Authorization header, and returns the
// answer with its whole body (read and closed), after Check.
func (c *Client) Send(req *http.Request) (*http.Response, []byte, error) {
	return c.send(req, true)
}

// send is Send; toGateway false (requests to the object storage) sends no token and skips Check.
func (c *Client) send(req *http.Request, toGateway bool) (*http.Response, []byte, error) {
	if toGateway && c.Token != "" && req.Header.Get("Authorization") == "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp, nil, fmt.Errorf("read %s %s: %w", req.Method, req.URL.Path, err)
	}
	if toGateway && c.Check != nil {
		if err := c.Check(req, resp, data); err != nil {
			return resp, data, fmt.Errorf("%s %s: %w", req.Method, req.URL.Path, err)
		}
	}
	return resp, data, nil
}

// Login signs in (a phone for applicants, a username for staff) and returns the token and who it is for.
func (c *Client) Login(ctx context.Context, login, password string) (api.LoginResponse, error) {
	var out api.LoginResponse
	err := c.Do(ctx, http.MethodPost, "/api/v1/auth/login", api.LoginRequest{Login: login, Password: password}, &out)
	return out, err
}
