package gateway

import (
	"errors"
	"testing"

	"skillcert/client"
)

// The integration tests call the gateway through the typed client (package client) in its test mode:
// every answer is checked against the OpenAPI document. Tests not yet moved still use do (harness_test.go).

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
	if e.Status != status || e.Body.Code != code || (field != "" && e.Field(field) == "") || e.Body.Message == "" {
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
