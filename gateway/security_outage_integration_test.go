package gateway

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// pgCut is a TCP relay between a gateway and the real Postgres that the test can cut: from then on the
// database is unreachable for that gateway (open connections reset, new ones refused), as in an outage.
type pgCut struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
	cut   bool
}

func newPGCut(t *testing.T, upstream string) *pgCut {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &pgCut{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", upstream)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			if p.cut {
				c.Close()
				up.Close()
			} else {
				p.conns = append(p.conns, c, up)
			}
			p.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
	t.Cleanup(func() { p.stop() })
	return p
}

// stop cuts the database off for good.
func (p *pgCut) stop() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = true
	p.ln.Close()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// TestIssue12DatabaseOutageIs503: while Postgres is unreachable every route that needs it answers 503
// with Retry-After: never 401 (a token it cannot check), 404 (a row it cannot read), 422 or 500.
func TestIssue12DatabaseOutageIs503(t *testing.T) {
	g := startGateway(t)
	a := g.registerApplicant(t, "卫十五")
	u, err := url.Parse(g.env["DATABASE_URL"])
	if err != nil {
		t.Fatal(err)
	}
	relay := newPGCut(t, u.Host)
	u.Host = relay.ln.Addr().String()
	down := g.extraGateway(t, map[string]string{"DATABASE_URL": u.String(), "SKILLCERT_REQUEST_TIMEOUT": "5s"})
	admin := down.adminToken(t)
	token := down.login(t, a.Phone, applicantPassword)
	must(down.as(token).Me(t.Context()))(t)
	relay.stop()

	signed := func(body string) []string {
		m := hmac.New(sha256.New, []byte(testPaymentSecret))
		m.Write([]byte(body))
		return []string{"X-Signature", hex.EncodeToString(m.Sum(nil))}
	}
	callback := `{"order_id":"0b7c1f7e-3a37-4a4b-9a55-4f0e3c3a9d11","application_id":"0b7c1f7e-3a37-4a4b-9a55-4f0e3c3a9d12",` +
		`"amount_fen":100,"paid_at":"2026-11-29T10:00:00Z","transaction_id":"t-1"}`
	someID := "0b7c1f7e-3a37-4a4b-9a55-4f0e3c3a9d13"
	for _, rq := range []struct {
		method, path, token string
		body                any
		headers             []string
	}{
		{"GET", "/readyz", "", nil, nil},
		{"GET", "/api/v1/auth/me", token, nil, nil},
		{"POST", "/api/v1/auth/logout", token, nil, nil},
		{"POST", "/api/v1/auth/login", "", map[string]any{"login": a.Phone, "password": applicantPassword}, nil},
		{"POST", "/api/v1/auth/login", "", map[string]any{"login": "nobody", "password": "wrong-Passw0rd"}, nil},
		{"POST", "/api/v1/auth/register", "", map[string]any{"phone": newPhone(), "password": applicantPassword,
			"name": "韩十六", "id_number": newIDNumber()}, nil},
		{"GET", "/api/v1/applications", token, nil, nil},
		{"GET", "/api/v1/applications/" + someID, token, nil, nil},
		{"GET", "/api/v1/occupations", "", nil, nil},
		{"GET", "/api/v1/batches", "", nil, nil},
		{"GET", "/api/v1/certificates/S000015999999265999999", "", nil, nil},
		{"GET", "/api/v1/tasks", admin, nil, nil},
		{"POST", "/api/v1/tasks/" + someID + "/claim", admin, nil, nil},
		{"GET", "/api/v1/admin/applications", admin, nil, nil},
		{"GET", "/api/v1/exam-sessions/" + someID, admin, nil, nil},
		{"POST", "/api/v1/payments/callback", "", callback, signed(callback)},
	} {
		r, raw, _ := down.send(t, rq.token, rq.method, rq.path, rq.body, rq.headers...)
		if r.StatusCode != 503 || r.Header.Get("Retry-After") == "" {
			t.Errorf("%s %s during a database outage: %d (Retry-After %q), want 503 with Retry-After: %s",
				rq.method, rq.path, r.StatusCode, r.Header.Get("Retry-After"), strings.TrimSpace(string(raw)))
		}
	}
	if r, raw, _ := codecSignIn(t, down, "admin", testAdminPassword); r.StatusCode != 503 {
		t.Errorf("codec sign-in during a database outage: %d, want 503: %s", r.StatusCode, raw)
	}
	must(down.as("").Health(t.Context()))(t) // the process itself is up
}
