package e2e

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"skillcert/api"
	"skillcert/client"
)

// The tests talk to the gateway with the typed client (package client). A patient system's client retries
// through patientTransport, as a real client facing a restart does.

var httpClient = &http.Client{Timeout: 90 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// as returns a client of the system's gateway sending token (none when empty). A patient system's client
// sends its POSTs with a fresh Idempotency-Key that its retries repeat, so make one per request.
func (s *system) as(token string) *client.Client {
	c := &client.Client{BaseURL: s.baseURL, HTTP: httpClient, Token: token}
	if s.patient != nil {
		// No overall timeout: patientTransport bounds each attempt, and the patience all of them.
		c.HTTP = &http.Client{CheckRedirect: httpClient.CheckRedirect, Transport: patientTransport{p: s.patient}}
		c.IdempotencyKey = uuid.NewString()
	}
	return c
}

// ok fails the test when a call failed.
func (s *system) ok(what string, err error) {
	s.t.Helper()
	if err != nil {
		s.t.Fatalf("%s: %v", what, err)
	}
}

// act performs a command whose answer the test does not need, and fails the test when it fails. A POST
// whose first attempt was cut off may already have been applied; a gateway that does not (yet) replay the
// first outcome for the Idempotency-Key then answers the retry 409. The caller needs no answer, and the
// test's final checks verify the state, so act goes on.
func (s *system) act(what string, f func(ctx context.Context) error) {
	s.t.Helper()
	var o outcome
	err := f(context.WithValue(context.Background(), outcomeKey{}, &o))
	var e *client.Error
	if errors.As(err, &e) && e.Status == http.StatusConflict && o.ambiguous.Load() && s.patient != nil {
		s.patient.conflicts.Add(1)
		s.t.Logf("%s: retried after an unknown outcome, answered %v; state checked at the end", what, err)
		return
	}
	s.ok(what, err)
}

// ignore drops a call's answer, keeping its error (for act).
func ignore[T any](_ T, err error) error { return err }

// outcome records whether an attempt of one call had an unknown outcome (connection lost, or a 5xx: 502
// from the proxy when a gateway died mid-request, 503 when a dependency failed mid-way), so that the
// request may already have been applied.
type outcome struct{ ambiguous atomic.Bool }

type outcomeKey struct{}

// patience makes a system's client patient, as a real one facing a restart is: it retries connection errors
// and 5xx answers for up to limit, sending every POST with an Idempotency-Key that its retries repeat.
type patience struct {
	limit     time.Duration
	retries   atomic.Int64
	conflicts atomic.Int64 // retries answered 409 after an unknown outcome (see act)
}

// patientTransport retries connection errors, 5xx answers and "still in progress" 409s with the same
// request, Idempotency-Key included, until the patience's limit; each attempt has httpClient's timeout.
type patientTransport struct{ p *patience }

func (pt patientTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	deadline := time.Now().Add(pt.p.limit)
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, 2*time.Second) {
		resp, body, err := attempt(req)
		if err != nil && req.Context().Err() != nil {
			return nil, err
		}
		// A 409 naming the Idempotency-Key says the first attempt with this key is still running (or was
		// left unfinished by a gateway that died, until the gateway takes the key over): try again later.
		inProgress := err == nil && resp.StatusCode == http.StatusConflict && bytes.Contains(body, []byte("Idempotency-Key"))
		if err == nil && resp.StatusCode < 500 && !inProgress || time.Now().After(deadline) {
			return resp, err
		}
		pt.p.retries.Add(1)
		if o, ok := req.Context().Value(outcomeKey{}).(*outcome); ok {
			o.ambiguous.Store(true)
		}
		select {
		case <-req.Context().Done():
			return nil, req.Context().Err()
		case <-time.After(wait):
		}
	}
}

// attempt sends req once, within httpClient's timeout, and reads the whole answer.
func attempt(req *http.Request) (*http.Response, []byte, error) {
	ctx, cancel := context.WithTimeout(req.Context(), httpClient.Timeout)
	defer cancel()
	try := req.Clone(ctx)
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, nil, err
		}
		try.Body = body
	}
	resp, err := http.DefaultTransport.RoundTrip(try)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, body, nil
}

func (s *system) login(login, password string) string {
	s.t.Helper()
	res, err := s.as("").Login(context.Background(), login, password)
	s.ok("login "+login, err)
	return res.Token
}

// callback posts the payment platform's signed notification.
func (s *system) callback(cb api.PaymentCallback) error {
	s.t.Helper()
	c := s.as("")
	c.IdempotencyKey = "" // the platform sends none; a repeat is harmless anyway
	_, err := c.PaymentCallback(context.Background(), []byte(paymentSecret), cb)
	return err
}

// statusOf is the HTTP status of a call's outcome: 200 without an error, the status of an error answer,
// 0 for any other error.
func statusOf(err error) int {
	var e *client.Error
	switch {
	case err == nil:
		return http.StatusOK
	case errors.As(err, &e):
		return e.Status
	}
	return 0
}

// inbox reads the first page of token's inbox.
func (s *system) inbox(token string) error {
	_, err := s.as(token).Tasks(context.Background(), client.TaskFilter{}, client.Paging{})
	return err
}
