package gateway

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"skillcert/client"
)

// The integration tests call the gateway through the typed client (package client) in its test mode:
// every answer is checked against the OpenAPI document. What the typed methods cannot express (hostile or
// malformed bodies, forged headers, redirects and HTML pages, answers checked byte for byte or for their
// headers) goes through send, still checked against the document.

// as returns the typed client of the gateway, sending token (none when empty).
func (g *testGateway) as(token string) *client.Client {
	if g.api == nil { // a gateway a test started for itself: no document checks
		return &client.Client{BaseURL: g.baseURL, HTTP: g.client, Token: token}
	}
	return g.api.WithToken(token)
}

// must fails the test when the call failed, and returns its answer: must(g.as(token).Me(ctx))(t).
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// wantAPIError fails the test unless err is an error answer with status and code and, when field is
// given, a reason for field.
func wantAPIError(t *testing.T, err error, status int, code, field string) *client.Error {
	t.Helper()
	var e *client.Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v, want an error answer %d %s", err, status, code)
	}
	if e.Status != status || e.Body.Code != code || (field != "" && e.Field(field) == "") || e.Body.Message == "" || e.Body.Fields == nil {
		t.Fatalf("got %d %+v, want %d %s naming %q", e.Status, e.Body, status, code, field)
	}
	return e
}

// must2 is must for calls with two answers.
func must2[T, U any](v T, w U, err error) func(t *testing.T) (T, U) {
	return func(t *testing.T) (T, U) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v, w
	}
}

// errOf drops a call's answer, keeping its error: wantAPIError(t, errOf(g.as(token).Claim(ctx, id)), ...).
func errOf[T any](_ T, err error) error { return err }

// answerStatus is the HTTP status of a call's outcome: 200 without an error, the status of an error answer,
// 0 for any other error.
func answerStatus(err error) int {
	var e *client.Error
	switch {
	case err == nil:
		return 200
	case errors.As(err, &e):
		return e.Status
	}
	return 0
}

// wantStatusError is wantAPIError for the typed error of send (or exchange): e (nil for a 2xx) must be the documented
// error object with status, code and, when field is given, a reason for field.
func wantStatusError(t *testing.T, e *client.Error, status int, code, field string) *client.Error {
	t.Helper()
	if e == nil || e.Status != status {
		t.Fatalf("got %+v, want an error answer %d %s", e, status, code)
	}
	wantErrorBody(t, e, code, field)
	return e
}

// send is the raw request, for what the typed methods cannot express: hostile or malformed bodies, forged
// headers, routes that answer HTML or redirects, and answers checked for their headers. body is sent as is
// when it is a string, encoded as JSON otherwise (none when nil); headers are name, value pairs. The answer
// is still checked against the OpenAPI document. It returns the answer, its body and, for an error answer,
// the typed error (nil for a 2xx).
func (g *testGateway) send(t *testing.T, token, method, path string, body any, headers ...string) (*http.Response, []byte, *client.Error) {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	c := g.as(token)
	req, err := http.NewRequestWithContext(t.Context(), method, c.BaseURL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, raw, err := c.Send(req)
	if resp == nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if err != nil {
		t.Errorf("%v\n%s", err, raw)
	}
	var e *client.Error
	errors.As(client.ErrorOf(resp, raw), &e)
	return resp, raw, e
}

// getRaw reads path as token and returns the answer's body, which must be a 200: for the checks that look
// at every byte of an answer (nothing leaks), which a decoded answer could hide.
func (g *testGateway) getRaw(t *testing.T, token, path string) []byte {
	t.Helper()
	r, raw, _ := g.send(t, token, "GET", path, nil)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s, want 200", path, r.StatusCode, raw)
	}
	return raw
}
