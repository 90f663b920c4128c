package gateway

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"skillcert/web"
)

// internalHeader marks the web UI's in-process calls to this API. Its value is random per process, so no
// outside client can send it; such calls are not counted again by the per-IP rate limits (the page request
// that made them already was).
const internalHeader = "X-Skillcert-Internal"

// mountWeb serves the web UI (package web) from this Fiber app. Its pages call this same API in process
// with the user's bearer token, so the UI holds no business logic of its own.
func (a *app) mountWeb(f *fiber.App) {
	before := map[string]bool{}
	for _, r := range f.GetRoutes(true) {
		before[r.Method+" "+r.Path] = true
	}
	defer func() {
		a.webRoutes = map[string]bool{}
		for _, r := range f.GetRoutes(true) {
			if k := r.Method + " " + r.Path; !before[k] {
				a.webRoutes[k] = true
			}
		}
	}()
	mac := hmac.New(sha256.New, a.cfg.TokenKey)
	mac.Write([]byte("skillcert web csrf"))
	web.Mount(f, web.Config{
		API:           web.NewAPI(inProcess{f: f, secret: a.internalSecret}),
		CSRFKey:       mac.Sum(nil),
		Secure:        len(a.cfg.PublicURL) > 8 && a.cfg.PublicURL[:8] == "https://",
		UploadOrigins: uploadOrigins(a),
		Log:           a.log,
		ClientIP:      a.clientIP,
		// The codec's first allowed origin is the Temporal UI (TEMPORAL_UI_URL when set).
		TemporalUIURL:     firstOrEmpty(a.cfg.CodecOrigins),
		TemporalNamespace: a.cfg.TemporalNamespace,
	})
}

// uploadOrigins are the origins the browser uploads documents to and views them from (object storage).
func uploadOrigins(a *app) []string {
	scheme := "http://"
	if a.cfg.MinIO.UseSSL {
		scheme = "https://"
	}
	return []string{scheme + a.cfg.MinIO.Endpoint}
}

// newInternalSecret returns the random value of internalHeader for this process.
func newInternalSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// isInternal reports whether the request is one of the web UI's in-process API calls.
func (a *app) isInternal(c *fiber.Ctx) bool {
	v := c.Get(internalHeader)
	return v != "" && subtle.ConstantTimeCompare([]byte(v), []byte(a.internalSecret)) == 1
}

// inProcess is an http.RoundTripper that serves requests with the Fiber app itself, without a socket.
type inProcess struct {
	f      *fiber.App
	secret string
}

// RoundTrip runs req through the app's middleware and routes.
func (t inProcess) RoundTrip(req *http.Request) (*http.Response, error) {
	req.Header.Set(internalHeader, t.secret)
	return t.f.Test(req, -1)
}

func firstOrEmpty(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}
