// Package websec is the security of the gateway's HTML pages: a content security policy with a fresh
// nonce per answer, strict referrer and permissions policies, and CSRF protection for forms that a cookie
// authenticates. The JSON API needs none of it (bearer tokens are not sent by browsers on their own).
//
// Use:
//
//	csrf := websec.NewCSRF(key, https)
//	pages := router.Group("/", websec.Headers(), csrf.Protect)
//	// in a handler: websec.Nonce(c) for <script nonce> and <style nonce>, csrf.Token(c) for a hidden
//	// <input name="csrf_token"> (or the X-CSRF-Token header of fetch calls).
package websec

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"skillcert"
)

const localsNonce = "websec.nonce"

// Headers sets, on every answer of the pages it guards: a content security policy that runs only scripts
// and styles carrying this answer's nonce (Nonce) or loaded from the gateway itself, forms that post only
// to the gateway, no framing and no plugins; Referrer-Policy same-origin; a Permissions-Policy without
// camera, microphone, geolocation, payment or USB; and no caching (pages may carry CSRF tokens).
func Headers() fiber.Handler {
	return func(c *fiber.Ctx) error {
		nonce := random(18)
		c.Locals(localsNonce, nonce)
		c.Set("Content-Security-Policy", fmt.Sprintf("default-src 'none'; script-src 'self' 'nonce-%[1]s'; "+
			"style-src 'self' 'nonce-%[1]s'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "+
			"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'", nonce))
		c.Set("Referrer-Policy", "same-origin")
		c.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()")
		c.Set("X-Content-Type-Options", "nosniff")
		c.Set("X-Frame-Options", "DENY")
		c.Set("Cross-Origin-Opener-Policy", "same-origin")
		c.Set(fiber.HeaderCacheControl, "no-store")
		return c.Next()
	}
}

// Nonce is the nonce of this answer's content security policy (empty outside Headers): put it in the
// nonce attribute of inline <script> and <style> elements.
func Nonce(c *fiber.Ctx) string {
	n, _ := c.Locals(localsNonce).(string)
	return n
}

// CSRF protects forms of cookie-authenticated pages with signed double-submit tokens: the browser holds a
// random ID in an HttpOnly cookie, and a form carries the HMAC of that ID. Another site can make the
// browser send the cookie, but can neither read it nor compute the HMAC, so its forged form is refused.
type CSRF struct {
	key    []byte
	cookie string
	secure bool
}

// FieldName and HeaderName carry the token: a hidden form field, or a header of script requests.
const (
	FieldName  = "csrf_token"
	HeaderName = "X-CSRF-Token"
)

// NewCSRF returns the protection with an HMAC key of at least 32 bytes. With https the cookie is Secure
// and named with the __Host- prefix (bound to this host, path /).
func NewCSRF(key []byte, https bool) *CSRF {
	if len(key) < 32 {
		panic("websec: the CSRF key must have at least 32 bytes")
	}
	name := "skillcert_csrf"
	if https {
		name = "__Host-skillcert_csrf"
	}
	return &CSRF{key: key, cookie: name, secure: https}
}

// Token returns the token to put in a form of this page, setting the browser's CSRF cookie when it has
// none yet.
func (x *CSRF) Token(c *fiber.Ctx) string {
	id := c.Cookies(x.cookie)
	if !validID(id) {
		id = random(32)
		c.Cookie(&fiber.Cookie{Name: x.cookie, Value: id, Path: "/", HTTPOnly: true, Secure: x.secure,
			SameSite: fiber.CookieSameSiteLaxMode})
		c.Request().Header.SetCookie(x.cookie, id) // later Token calls of this request see it
	}
	return x.sign(id)
}

func (x *CSRF) sign(id string) string {
	m := hmac.New(sha256.New, x.key)
	m.Write([]byte("skillcert csrf\x00" + id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Protect refuses (403, field csrf_token) a POST, PUT, PATCH or DELETE that comes from another site or
// lacks the token of its cookie. Safe methods pass.
func (x *CSRF) Protect(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	if c.Get("Sec-Fetch-Site") == "cross-site" {
		return refused("跨站提交的表单已被拒绝")
	}
	if origin := c.Get(fiber.HeaderOrigin); origin != "" && origin != c.BaseURL() {
		return refused("跨站提交的表单已被拒绝")
	}
	id := c.Cookies(x.cookie)
	token := c.Get(HeaderName)
	if token == "" {
		token = c.FormValue(FieldName)
	}
	if !validID(id) || token == "" || !hmac.Equal([]byte(token), []byte(x.sign(id))) {
		return refused("页面已过期或来源不明，请刷新页面后重新提交")
	}
	return c.Next()
}

func refused(msg string) error {
	return skillcert.FieldError(skillcert.EFORBIDDEN, FieldName, msg)
}

// validID reports whether s looks like an ID this package made (43 base64url characters).
func validID(s string) bool {
	if len(s) != 43 {
		return false
	}
	_, err := base64.RawURLEncoding.DecodeString(s)
	return err == nil
}

// random returns n random bytes as base64url without padding.
func random(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
