package client

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestExchangeReturnsEveryStatusWithItsBody(t *testing.T) {
	var got struct{ method, path, auth, sig, ctype, body string }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.method, got.path, got.auth, got.sig, got.ctype, got.body = r.Method, r.URL.RequestURI(), r.Header.Get("Authorization"),
			r.Header.Get("X-Signature"), r.Header.Get("Content-Type"), string(b)
		w.WriteHeader(http.StatusConflict)
		_, _ = io.WriteString(w, `{"error":{"code":"conflict","message":"已被认领"}}`)
	}))
	defer srv.Close()
	c := New(srv.URL).WithToken("tok")
	ctx := context.Background()

	status, body, err := c.Exchange(ctx, "POST", "/api/v1/tasks/t1/claim?x=1", map[string]int{"a": 1})
	if err != nil || status != 409 || string(body) != `{"error":{"code":"conflict","message":"已被认领"}}` {
		t.Fatalf("Exchange = %d, %q, %v", status, body, err)
	}
	if got.method != "POST" || got.path != "/api/v1/tasks/t1/claim?x=1" || got.auth != "Bearer tok" || got.body != `{"a":1}` ||
		got.ctype != "application/json" {
		t.Errorf("request: %+v", got)
	}

	raw := []byte(`{"order_id":"o"}`)
	if _, _, err := c.Exchange(ctx, "POST", "/api/v1/payments/callback", raw, "X-Signature", "abc"); err != nil {
		t.Fatal(err)
	}
	if got.body != string(raw) || got.sig != "abc" {
		t.Errorf("raw body or header lost: %+v", got)
	}

	if _, _, err := c.Exchange(ctx, "GET", "/x", nil); err != nil || got.body != "" || got.ctype != "" {
		t.Errorf("a request without body: %+v, %v", got, err)
	}

	srv.Close()
	if status, _, err := c.Exchange(ctx, "GET", "/x", nil); err == nil || status != 0 {
		t.Errorf("no answer: status %d, err %v", status, err)
	}
}
