package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeExams plays the gateway's exam-session routes for one key: paid applications wait in payment order;
// an assignment seats the earliest ones up to the session's capacity.
type fakeExams struct {
	mu       sync.Mutex
	waiting  []string
	capacity map[string]int
	seatedIn map[string]string // application → session
}

func (f *fakeExams) pay(app string) {
	f.mu.Lock()
	f.waiting = append(f.waiting, app)
	f.mu.Unlock()
}

func (f *fakeExams) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case r.URL.Path == "/api/v1/exam-sessions":
		var body struct {
			Capacity int `json:"capacity"`
		}
		_ = json.NewDecoder(r.Body).Decode(&body)
		id := fmt.Sprintf("session-%d", len(f.capacity)+1)
		f.capacity[id] = body.Capacity
		w.WriteHeader(http.StatusCreated)
		fmt.Fprintf(w, `{"id":%q}`, id)
	case strings.HasSuffix(r.URL.Path, "/assign"):
		id := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/api/v1/exam-sessions/"), "/assign")
		n := min(f.capacity[id], len(f.waiting))
		var seats []string
		for i, app := range f.waiting[:n] {
			f.seatedIn[app] = id
			seats = append(seats, fmt.Sprintf(`{"application_id":%q,"seat":%d}`, app, i+1))
		}
		f.waiting = f.waiting[n:]
		fmt.Fprintf(w, `{"seats":[%s],"skipped":[]}`, strings.Join(seats, ","))
	default:
		http.NotFound(w, r)
	}
}

func TestSeatingSeatsEveryPaidApplicationOnce(t *testing.T) {
	fake := &fakeExams{capacity: map[string]int{}, seatedIn: map[string]string{}}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	errs := newErrorLog()
	s := newSeating(newAPIClient(srv.URL, 4, newRecorder(), errs), account{Token: "t"}, "b", time.Now().Add(time.Hour))
	key := seatKey{region: "包头市", occupation: "6-31-01-03", level: 4}
	const n = 40
	got := make([]string, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		app := fmt.Sprintf("app-%02d", i)
		fake.pay(app) // paid before asking for a seat, as in a lifecycle
		wg.Add(1)
		go func() {
			defer wg.Done()
			sid, err := s.seat(context.Background(), key, app)
			if err != nil {
				t.Errorf("seat %s: %v", app, err)
			}
			got[i] = sid
		}()
	}
	wg.Wait()
	for i, sid := range got {
		app := fmt.Sprintf("app-%02d", i)
		if sid == "" || fake.seatedIn[app] != sid {
			t.Errorf("%s: seat() says %q, the gateway seated it in %q", app, sid, fake.seatedIn[app])
		}
	}
	if len(fake.capacity) > n {
		t.Errorf("%d sessions for %d applications", len(fake.capacity), n)
	}
	if len(fake.waiting) != 0 || errs.total() != 0 {
		t.Errorf("still waiting: %v; errors: %v", fake.waiting, errs.list())
	}
}

func TestSeatingReportsAnApplicationThatNeverGetsASeat(t *testing.T) {
	fake := &fakeExams{capacity: map[string]int{}, seatedIn: map[string]string{}} // nobody paid: nothing to seat
	srv := httptest.NewServer(fake)
	defer srv.Close()
	errs := newErrorLog()
	s := newSeating(newAPIClient(srv.URL, 1, newRecorder(), errs), account{}, "b", time.Now())
	if _, err := s.seat(context.Background(), seatKey{region: "r", occupation: "o", level: 5}, "lost"); err == nil {
		t.Fatal("seat of an application the gateway never seats should fail")
	}
	if errs.total() != 1 || len(fake.capacity) != 5 {
		t.Errorf("errors %v after %d sessions, want 1 error after 5", errs.list(), len(fake.capacity))
	}
}

func TestParseOptionsDefaults(t *testing.T) {
	tests := []struct {
		args                   []string
		n, c, open, apps, sw   int
		wantGatewayEnvMemLimit bool
	}{
		{nil, 400, 8, 10000, 1_000_000, 2, false},
		{[]string{"-quick"}, 30, 8, 500, 50_000, 1, false},
		{[]string{"-quick", "-open", "0", "-n", "5", "-sweep", "4"}, 5, 8, 0, 50_000, 1, false},
		{[]string{"-sweep", "none", "-gateway-env", "GOMEMLIMIT=64MiB"}, 400, 8, 10000, 1_000_000, 0, true},
		{[]string{"-c", "16"}, 400, 16, 10000, 1_000_000, 2, false},
	}
	for _, tt := range tests {
		o, err := parseOptions(tt.args)
		if err != nil {
			t.Fatalf("parseOptions(%v): %v", tt.args, err)
		}
		if o.lifecycles != tt.n || o.concurrency != tt.c || o.open != tt.open || o.projApps != tt.apps || len(o.sweep) != tt.sw ||
			strings.Contains(o.gatewayEnv, "GOMEMLIMIT") != tt.wantGatewayEnvMemLimit {
			t.Errorf("parseOptions(%v) = %+v", tt.args, o)
		}
	}
	if _, err := parseOptions([]string{"-sweep", "8,x"}); err == nil {
		t.Error("a bad sweep should fail")
	}
	if _, err := parseOptions([]string{"-profile", "staging"}); err == nil {
		t.Error("an unknown profile should fail")
	}
	if o, _ := parseOptions([]string{"-quick", "-idle", "0"}); o.idle != 0 {
		t.Errorf("-idle 0 gives %d idle lifecycles", o.idle)
	}
}

// TestSeatingWhenTheLastPaidAsksFirst: the gateway seats in payment order, the applications may ask in any
// order (goroutines on a loaded machine). Before the fix the last paid, asking first, was refused after five
// sessions of one seat each that went to earlier payers: the flake of TestSeatingSeatsEveryPaidApplicationOnce.
func TestSeatingWhenTheLastPaidAsksFirst(t *testing.T) {
	fake := &fakeExams{capacity: map[string]int{}, seatedIn: map[string]string{}}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	errs := newErrorLog()
	s := newSeating(newAPIClient(srv.URL, 1, newRecorder(), errs), account{Token: "t"}, "b", time.Now().Add(time.Hour))
	key := seatKey{region: "包头市", occupation: "6-31-01-03", level: 4}
	const n = 12
	for i := range n {
		fake.pay(fmt.Sprintf("app-%02d", i))
	}
	for i := n - 1; i >= 0; i-- {
		app := fmt.Sprintf("app-%02d", i)
		sid, err := s.seat(context.Background(), key, app)
		if err != nil || sid == "" || fake.seatedIn[app] != sid {
			t.Errorf("%s: seat() = %q, %v; the gateway seated it in %q", app, sid, err, fake.seatedIn[app])
		}
	}
	if len(fake.capacity) > n || errs.total() != 0 {
		t.Errorf("%d sessions for %d applications; errors %v", len(fake.capacity), n, errs.list())
	}
}
