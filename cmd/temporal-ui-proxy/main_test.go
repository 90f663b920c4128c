package main

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
)

// TestHandler: the UI opened under a loopback alias of its canonical address is redirected there (same
// path and query); the canonical address and other hosts reach ui-server.
func TestHandler(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Upstream", r.URL.RequestURI())
	}))
	defer up.Close()
	u, _ := url.Parse(up.URL)
	h := newHandler("127.0.0.1:8233", u)
	cases := []struct{ host, redirect string }{
		{"localhost:8233", "http://127.0.0.1:8233/namespaces/default/workflows?q=1"},
		{"LOCALHOST:8233", "http://127.0.0.1:8233/namespaces/default/workflows?q=1"},
		{"[::1]:8233", "http://127.0.0.1:8233/namespaces/default/workflows?q=1"},
		{"127.0.0.2:8233", "http://127.0.0.1:8233/namespaces/default/workflows?q=1"},
		{"127.0.0.1:8233", ""},
		{"ui.example.org:8233", ""}, // a real name (behind a tunnel, say) is served as it is
		{"localhost:9999", ""},      // another port is not this UI's alias
	}
	for _, c := range cases {
		req := httptest.NewRequest("GET", "/namespaces/default/workflows?q=1", nil)
		req.Host = c.host
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if c.redirect != "" {
			if rec.Code != http.StatusPermanentRedirect || rec.Header().Get("Location") != c.redirect {
				t.Errorf("%s: %d %q, want a redirect to %s", c.host, rec.Code, rec.Header().Get("Location"), c.redirect)
			}
			continue
		}
		if rec.Code != 200 || rec.Header().Get("X-Upstream") != "/namespaces/default/workflows?q=1" {
			t.Errorf("%s: %d %v, want ui-server's answer", c.host, rec.Code, rec.Header())
		}
	}
}
