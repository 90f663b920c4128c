package websec

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"skillcert"
)

// page is a tiny site: GET /form renders a token, POST /form is protected.
func page(t *testing.T) (*fiber.App, *CSRF) {
	t.Helper()
	csrf := NewCSRF([]byte("0123456789abcdef0123456789abcdef"), false)
	f := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		var se *skillcert.Error
		if errors.As(err, &se) && se.Code == skillcert.EFORBIDDEN && se.Fields[FieldName] != "" {
			return c.Status(403).SendString(se.Message)
		}
		return c.Status(500).SendString(err.Error())
	}})
	f.Use(Headers(), csrf.Protect)
	f.Get("/form", func(c *fiber.Ctx) error { return c.SendString(csrf.Token(c) + " " + Nonce(c)) })
	f.Post("/form", func(c *fiber.Ctx) error { return c.SendString("done") })
	return f, csrf
}

func send(t *testing.T, f *fiber.App, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := f.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestHeadersNoncePerAnswer(t *testing.T) {
	f, _ := page(t)
	var nonces []string
	for range 2 {
		resp, body := send(t, f, httptest.NewRequest("GET", "/form", nil))
		nonce := strings.Fields(body)[1]
		csp := resp.Header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self' 'nonce-"+nonce+"'") || !strings.Contains(csp, "frame-ancestors 'none'") ||
			strings.Contains(csp, "unsafe-inline") {
			t.Fatalf("CSP %q does not allow exactly this answer's nonce %q", csp, nonce)
		}
		if resp.Header.Get("Referrer-Policy") != "same-origin" || !strings.Contains(resp.Header.Get("Permissions-Policy"), "camera=()") {
			t.Fatalf("headers %v", resp.Header)
		}
		nonces = append(nonces, nonce)
	}
	if nonces[0] == nonces[1] || len(nonces[0]) < 20 {
		t.Fatalf("nonces %v: must be fresh and long", nonces)
	}
}

func TestCSRFProtectsCookieForms(t *testing.T) {
	f, _ := page(t)
	resp, body := send(t, f, httptest.NewRequest("GET", "/form", nil))
	token := strings.Fields(body)[0]
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		cookie = c
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode {
		t.Fatalf("CSRF cookie %v", cookie)
	}
	post := func(form url.Values, headers ...string) int {
		req := httptest.NewRequest("POST", "/form", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(cookie)
		for i := 0; i+1 < len(headers); i += 2 {
			req.Header.Set(headers[i], headers[i+1])
		}
		resp, _ := send(t, f, req)
		return resp.StatusCode
	}
	if got := post(url.Values{FieldName: {token}}); got != 200 {
		t.Fatalf("form with its token: %d", got)
	}
	if got := post(nil, HeaderName, token); got != 200 {
		t.Fatalf("script request with the header: %d", got)
	}
	// Another browser's token (another cookie) does not fit this cookie.
	_, other := send(t, f, httptest.NewRequest("GET", "/form", nil))
	forged := "x" + token[1:]
	if token[0] == 'x' {
		forged = "y" + token[1:]
	}
	for name, code := range map[string]int{
		"no token":        post(nil),
		"forged token":    post(url.Values{FieldName: {forged}}),
		"another's token": post(url.Values{FieldName: {strings.Fields(other)[0]}}),
		"cross-site":      post(url.Values{FieldName: {token}}, "Sec-Fetch-Site", "cross-site"),
		"foreign origin":  post(url.Values{FieldName: {token}}, "Origin", "https://evil.example"),
	} {
		if code != 403 {
			t.Errorf("%s: %d, want 403", name, code)
		}
	}
	// Without the cookie the token alone proves nothing.
	req := httptest.NewRequest("POST", "/form", strings.NewReader(url.Values{FieldName: {token}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, _ := send(t, f, req); resp.StatusCode != 403 {
		t.Fatalf("token without cookie: %d", resp.StatusCode)
	}
}
