package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"skillcert/client"
)

// apiClient drives the gateway over HTTP through the typed client (client.Client.Exchange) and
// records every request's latency under its route template.
type apiClient struct {
	api    *client.Client
	rec    *recorder
	errors *errorLog
}

func newAPIClient(base string, conns int, rec *recorder, errs *errorLog) *apiClient {
	tr := &http.Transport{MaxIdleConns: conns * 2, MaxIdleConnsPerHost: conns * 2, IdleConnTimeout: time.Minute}
	api := client.New(base)
	api.HTTP = &http.Client{Transport: tr, Timeout: 2 * time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &apiClient{api: api, rec: rec, errors: errs}
}

// call is one request: the route template names it in the report, path is the concrete path (with query).
type call struct {
	method, route, path string
	token               string
	body                any               // JSON-encoded unless raw is set (encoding errors are the caller's bug)
	raw                 []byte            // sent as is
	headers             map[string]string // extra headers
	want                int               // expected status
	busyRetries         int               // a 503 (server busy, e.g. the argon2id budget) is retried this often after a second
	out                 any               // decoded from a JSON answer when non-nil
}

// do sends c through the typed client (client.Client.Exchange) and checks the status. Every unexpected
// status is an error, recorded in the error log with the answer's body; every answer's time is recorded
// under the route template.
func (a *apiClient) do(ctx context.Context, c call) error {
	var body any = c.body
	if c.raw != nil {
		body = c.raw
	}
	var headers []string
	if c.token != "" {
		headers = append(headers, "Authorization", "Bearer "+c.token)
	}
	for k, v := range c.headers {
		headers = append(headers, k, v)
	}
	endpoint := c.method + " " + c.route
	start := time.Now()
	status, data, err := a.api.Exchange(ctx, c.method, c.path, body, headers...)
	for try := 0; status == http.StatusServiceUnavailable && err == nil && try < c.busyRetries && ctx.Err() == nil; try++ {
		a.rec.add(endpoint+" → 503 busy, retried", time.Since(start)) // shown in the report, not an error
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
		start = time.Now()
		status, data, err = a.api.Exchange(ctx, c.method, c.path, body, headers...)
	}
	if status == 0 {
		a.errors.add(endpoint, 0, err.Error())
		return fmt.Errorf("%s: %w", endpoint, err)
	}
	a.rec.add(endpoint, time.Since(start))
	if err != nil {
		a.errors.add(endpoint, status, err.Error())
		return fmt.Errorf("%s: read answer: %w", endpoint, err)
	}
	want := c.want
	if want == 0 {
		want = http.StatusOK
	}
	if status != want {
		a.errors.add(endpoint, status, string(data))
		return fmt.Errorf("%s %s: status %d, want %d: %s", c.method, c.path, status, want, clip(string(data), 300))
	}
	if c.out != nil {
		if err := json.Unmarshal(data, c.out); err != nil {
			a.errors.add(endpoint, status, "undecodable answer: "+err.Error())
			return fmt.Errorf("%s: decode answer: %w", endpoint, err)
		}
	}
	return nil
}

// clip shortens s to at most n bytes (on a rune boundary) for messages.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

// ErrorEntry is one kind of error seen during the run: the endpoint, the status (0 when no answer came) and
// the first answer, with how often it happened.
type ErrorEntry struct {
	Endpoint string `json:"endpoint"`
	Status   int    `json:"status"`
	Message  string `json:"message"`
	Count    int    `json:"count"`
}

// errorLog collects errors, grouped by endpoint and status; it is safe for concurrent use.
type errorLog struct {
	mu      sync.Mutex
	entries map[string]*ErrorEntry
	order   []string
}

func newErrorLog() *errorLog { return &errorLog{entries: map[string]*ErrorEntry{}} }

// add records an error.
func (l *errorLog) add(endpoint string, status int, message string) {
	key := fmt.Sprintf("%s|%d", endpoint, status)
	l.mu.Lock()
	defer l.mu.Unlock()
	if e, ok := l.entries[key]; ok {
		e.Count++
		return
	}
	l.entries[key] = &ErrorEntry{Endpoint: endpoint, Status: status, Message: clip(message, 500), Count: 1}
	l.order = append(l.order, key)
}

// list returns the errors in the order first seen.
func (l *errorLog) list() []ErrorEntry {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := make([]ErrorEntry, 0, len(l.order))
	for _, k := range l.order {
		out = append(out, *l.entries[k])
	}
	return out
}

// total is the number of errors.
func (l *errorLog) total() int {
	n := 0
	for _, e := range l.list() {
		n += e.Count
	}
	return n
}
