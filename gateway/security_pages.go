package gateway

import (
	"crypto/hmac"
	"crypto/sha256"
	"strings"

	"skillcert/gateway/websec"
)

// HTML pages of the gateway are routes with HTML set: registerRoutes puts websec.Headers (a content
// security policy with a nonce per answer, Referrer-Policy, Permissions-Policy, no caching) and the CSRF
// check of websec in front of them. A page's template puts websec.Nonce(c) on its inline <style> and
// <script>, and a form carries a.csrf.Token(c) in a hidden csrf_token field.

// newCSRF returns the CSRF protection of the HTML forms, keyed from the token key (so that every gateway
// sharing SKILLCERT_TOKEN_KEY accepts the others' form tokens).
func newCSRF(cfg config) *websec.CSRF {
	m := hmac.New(sha256.New, cfg.TokenKey)
	m.Write([]byte("skillcert csrf key"))
	return websec.NewCSRF(m.Sum(nil), strings.HasPrefix(cfg.PublicURL, "https://"))
}
