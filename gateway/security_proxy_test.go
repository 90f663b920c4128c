package gateway

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

func randomIP() string {
	return fmt.Sprintf("%d.%d.%d.%d", 1+rand.IntN(220), rand.IntN(256), rand.IntN(256), 1+rand.IntN(250))
}

// TestFinding05ClientAddress: X-Forwarded-For counts only from a trusted proxy, read from the right.
func TestFinding05ClientAddress(t *testing.T) {
	proxies, err := parseTrustedProxies("10.0.0.0/8, 192.168.1.5")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		peer      string
		forwarded []string
		want      string
	}{
		{"203.0.113.9", []string{"1.2.3.4"}, "203.0.113.9"},                  // not from a proxy: header ignored
		{"10.1.1.1", []string{"1.2.3.4"}, "1.2.3.4"},                         // one proxy
		{"10.1.1.1", []string{"6.6.6.6, 1.2.3.4"}, "1.2.3.4"},                // client-sent entry to the left
		{"10.1.1.1", []string{"6.6.6.6", "1.2.3.4, 192.168.1.5"}, "1.2.3.4"}, // two headers, two proxies
		{"10.1.1.1", []string{"garbage, 10.2.2.2"}, "10.2.2.2"},              // stop at what we cannot read
		{"10.1.1.1", nil, "10.1.1.1"},                                        // proxy without header
		{"::ffff:10.1.1.1", []string{"[2001:db8::1]:443"}, "2001:db8::1"},    // mapped peer, v6 hop with port
		{"10.1.1.1", []string{"1.2.3.4:5678"}, "1.2.3.4"},                    // v4 hop with port
		{"10.1.1.1", []string{"10.3.3.3, 10.4.4.4"}, "10.3.3.3"},             // only proxies: the leftmost
	} {
		got := proxies.clientAddr(netip.MustParseAddr(tc.peer), tc.forwarded)
		if got.String() != tc.want {
			t.Errorf("peer %s, X-Forwarded-For %q: client %s, want %s", tc.peer, tc.forwarded, got, tc.want)
		}
	}
	if _, err := parseTrustedProxies("true"); err == nil {
		t.Error(`SKILLCERT_TRUST_PROXY="true" accepted; it must name the proxies`)
	}
}

// TestFinding05RandomForwardedForKeepsRateLimit: behind a trusted proxy, a client that sends a random
// X-Forwarded-For with every request is still one client to the rate limits; without a trusted proxy the
// header is ignored altogether.
func TestFinding05RandomForwardedForKeepsRateLimit(t *testing.T) {
	for _, trust := range []string{"0.0.0.0/32", ""} { // fiber's test connection comes from 0.0.0.0
		a := newOfflineApp(t)
		a.cfg.AuthRateLimit = 3
		a.cfg.TrustProxy, _ = parseTrustedProxies(trust)
		f := a.fiber()
		statuses := []int{}
		for range 6 {
			resp, _ := callApp(t, f, "POST", "/api/v1/auth/login", "", `{}`, "X-Forwarded-For", randomIP()+", 203.0.113.7")
			statuses = append(statuses, resp.StatusCode)
		}
		if statuses[2] != 422 || statuses[3] != 429 || statuses[5] != 429 {
			t.Fatalf("trust %q: statuses %v, want 422 until the limit of 3, then 429", trust, statuses)
		}
		// Another client behind the same proxy has its own budget (only when the proxy is trusted).
		resp, _ := callApp(t, f, "POST", "/api/v1/auth/login", "", `{}`, "X-Forwarded-For", "203.0.113.8")
		if want := map[string]int{"": 429, "0.0.0.0/32": 422}[trust]; resp.StatusCode != want {
			t.Fatalf("trust %q: another client got %d, want %d", trust, resp.StatusCode, want)
		}
	}
}

// callApp is call on one Fiber app, so that its limiters keep their counts between requests.
func callApp(t *testing.T, f *fiber.App, method, path, token, body string, headers ...string) (*http.Response, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := f.Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp, out
}
