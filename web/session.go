package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"skillcert"
)

// Cookie names. The session cookie holds the API's bearer token; the CSRF cookie holds a random value
// that the forms' tokens are bound to (signed double submit).
const (
	sessionCookie = "skillcert_session"
	csrfCookie    = "skillcert_csrf"
	csrfField     = "_csrf"
	csrfHeader    = "X-CSRF-Token"
)

const (
	localsNonce = "web.nonce"
	localsCSRF  = "web.csrf"
	localsMe    = "web.me"
)

// me is the signed-in user as the API describes them (GET /api/v1/auth/me).
type me struct {
	UserID         string  `json:"user_id"`
	Role           string  `json:"role"`
	Region         *string `json:"region"`
	Name           string  `json:"name"`
	Phone          *string `json:"phone"`
	Username       *string `json:"username"`
	Employer       *string `json:"employer"`
	IDNumberMasked *string `json:"id_number_masked"`
}

// Applicant reports whether the user is an applicant (else staff).
func (m *me) Applicant() bool { return m != nil && m.Role == string(skillcert.RoleApplicant) }

func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func nonce(c *fiber.Ctx) string     { s, _ := c.Locals(localsNonce).(string); return s }
func csrfToken(c *fiber.Ctx) string { s, _ := c.Locals(localsCSRF).(string); return s }

// pageHeaders gives every UI answer a fresh CSP nonce, the policy that admits only scripts carrying it
// (and the same-origin assets), and no caching of pages.
func (u *ui) pageHeaders(c *fiber.Ctx) error {
	if u.ClientIP != nil {
		c.SetUserContext(context.WithValue(c.UserContext(), clientIPKey{}, u.ClientIP(c)))
	}
	n := randomToken(18)
	c.Locals(localsNonce, n)
	objects := strings.Join(u.UploadOrigins, " ")
	c.Set("Content-Security-Policy", "default-src 'self'; script-src 'nonce-"+n+"' 'self'; style-src 'self'; "+
		"img-src 'self' data: blob: "+objects+"; connect-src 'self' "+objects+"; frame-src 'self' "+objects+"; "+
		"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Referrer-Policy", "same-origin")
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Next()
}

// csrf binds a token to the browser's CSRF cookie (creating it when missing) and refuses every unsafe
// request whose form field or header does not carry that token, or that comes from another origin.
func (u *ui) csrf(c *fiber.Ctx) error {
	seed := c.Cookies(csrfCookie)
	if len(seed) < 16 || len(seed) > 64 {
		seed = randomToken(24)
		c.Cookie(&fiber.Cookie{Name: csrfCookie, Value: seed, Path: "/", HTTPOnly: true, Secure: u.Secure,
			SameSite: fiber.CookieSameSiteStrictMode})
	}
	want := u.csrfFor(seed)
	c.Locals(localsCSRF, want)
	switch c.Method() {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return c.Next()
	}
	if o := c.Get(fiber.HeaderOrigin); o != "" && !sameOrigin(o, c) {
		return u.forbidden(c, "请求来源不正确，请刷新页面后重试")
	}
	got := c.Get(csrfHeader)
	if got == "" {
		got = c.FormValue(csrfField)
	}
	if subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1 {
		return u.forbidden(c, "页面已过期或请求无效（CSRF 校验失败），请刷新页面后重试")
	}
	return c.Next()
}

// csrfFor is the CSRF token bound to a CSRF cookie value.
func (u *ui) csrfFor(seed string) string {
	mac := hmac.New(sha256.New, u.CSRFKey)
	mac.Write([]byte(seed))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// sameOrigin reports whether an Origin header names this site.
func sameOrigin(origin string, c *fiber.Ctx) bool {
	o, err := url.Parse(origin)
	return err == nil && o.Host == c.Hostname()
}

func (u *ui) forbidden(c *fiber.Ctx, msg string) error {
	p := u.newPage(c, "请求被拒绝")
	p.Error = &APIError{Status: http.StatusForbidden, Message: msg}
	return u.render(c, http.StatusForbidden, "error", p)
}

// token is the bearer token of the session, or "".
func token(c *fiber.Ctx) string { return c.Cookies(sessionCookie) }

// startSession keeps the API token in the HttpOnly session cookie until it expires.
func (u *ui) startSession(c *fiber.Ctx, tok string, expires time.Time) {
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: tok, Path: "/", Expires: expires, HTTPOnly: true,
		Secure: u.Secure, SameSite: fiber.CookieSameSiteLaxMode})
}

// endSession revokes the token (when the API offers logout) and clears the cookie.
func (u *ui) endSession(c *fiber.Ctx) {
	if t := token(c); t != "" {
		_ = u.API.Call(c.UserContext(), t, http.MethodPost, "/api/v1/auth/logout", nil, nil)
	}
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: "", Path: "/", Expires: time.Unix(0, 0), MaxAge: -1,
		HTTPOnly: true, Secure: u.Secure, SameSite: fiber.CookieSameSiteLaxMode})
}

// loadMe asks the API who the session belongs to; nil when there is no valid session.
func (u *ui) loadMe(c *fiber.Ctx) *me {
	t := token(c)
	if t == "" {
		return nil
	}
	var m me
	if err := u.API.Call(c.UserContext(), t, http.MethodGet, "/api/v1/auth/me", nil, &m); err != nil {
		return nil
	}
	c.Locals(localsMe, &m)
	return &m
}

// requireApplicant lets signed-in applicants through; others are sent to the login page (staff to theirs).
func (u *ui) requireApplicant(c *fiber.Ctx) error {
	m := u.loadMe(c)
	switch {
	case m == nil:
		return redirect(c, "/login?next="+url.QueryEscape(c.OriginalURL()))
	case !m.Applicant():
		return redirect(c, "/staff/")
	}
	return c.Next()
}

// requireStaff lets signed-in staff through; others are sent to the staff login page.
func (u *ui) requireStaff(c *fiber.Ctx) error {
	m := u.loadMe(c)
	if m == nil || m.Applicant() {
		return redirect(c, "/staff/login?next="+url.QueryEscape(c.OriginalURL()))
	}
	return c.Next()
}

// safeNext returns next when it is a local path, else def (no open redirects).
func safeNext(next, def string) string {
	if strings.HasPrefix(next, "/") && !strings.HasPrefix(next, "//") && !strings.Contains(next, "\\") {
		return next
	}
	return def
}
