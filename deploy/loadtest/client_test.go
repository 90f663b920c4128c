package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

func TestBusyAnswersAreRetriedOnlyWhenAsked(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1)%3 != 0 { // two 503s, then 201
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	defer srv.Close()
	rec, errs := newRecorder(), newErrorLog()
	api := newAPIClient(srv.URL, 1, rec, errs)
	ctx := context.Background()
	if err := api.do(ctx, call{method: "POST", route: "/r", path: "/r", want: 201, busyRetries: 5}); err != nil {
		t.Fatal(err)
	}
	sum := rec.summary()
	if sum["POST /r → 503 busy, retried"].Count != 2 || sum["POST /r"].Count != 1 || errs.total() != 0 {
		t.Errorf("after two 503s and a 201: %v, errors %v", sum, errs.list())
	}
	calls.Store(0)
	if err := api.do(ctx, call{method: "POST", route: "/r", path: "/r", want: 201}); err == nil || errs.total() != 1 {
		t.Errorf("a 503 without retries: %v, errors %v", err, errs.list())
	}
}
