package web

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// Config is what the gateway gives the UI.
type Config struct {
	API           API      // the gateway's JSON API
	CSRFKey       []byte   // HMAC key of the CSRF tokens (stable across restarts, secret)
	Secure        bool     // served over HTTPS: cookies are Secure
	UploadOrigins []string // object storage origins the browser uploads to and views documents from
	// TemporalUIURL and TemporalNamespace make the link from an application to its workflow in the
	// Temporal Web UI (none when the URL is empty).
	TemporalUIURL, TemporalNamespace string
	Log                              *slog.Logger
	// ClientIP is the browser's address as the gateway sees it (behind trusted proxies); the UI's API calls
	// carry it in ClientIPHeader so that rate limits and login throttling count the browser, not the UI.
	ClientIP func(*fiber.Ctx) string
}

// ui holds the configuration; the page handlers are its methods.
type ui struct {
	Config
	assets *assets
}

// Mount adds the UI's routes to f: the applicant portal at /, the staff workbench at /staff/, the
// public verification form at /verify and the static assets at /static/.
func Mount(f *fiber.App, cfg Config) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	u := &ui{Config: cfg, assets: loadAssets()}
	f.Get("/static/:name", u.serveAsset)
	g := f.Group("", u.pageHeaders, u.csrf)
	u.applicantRoutes(g)
	u.staffRoutes(g)
	u.adminRoutes(g)
	u.oversightRoutes(g)
	u.overviewRoutes(g)
	u.examRoutes(g)
	u.verifyRoutes(g)
}

// page is what every template gets.
type page struct {
	Title  string
	Nonce  string
	CSRF   string
	Me     *me
	Assets *assets
	Flash  string
	Error  *APIError
	Form   map[string]string
	Data   any
	Staff  bool
}

// Err returns the API's message for a form field, if any.
func (p page) Err(field string) string {
	if p.Error == nil {
		return ""
	}
	return p.Error.Fields[field]
}

// Val returns the value the user entered in a field.
func (p page) Val(field string) string { return p.Form[field] }

// newPage starts a page with the request's nonce, CSRF token and user.
func (u *ui) newPage(c *fiber.Ctx, title string) page {
	p := page{Title: title, Nonce: nonce(c), CSRF: csrfToken(c), Assets: u.assets, Form: map[string]string{}}
	p.Me, _ = c.Locals(localsMe).(*me)
	return p
}

// render executes the named page template into the answer.
func (u *ui) render(c *fiber.Ctx, status int, name string, p page) error {
	t, ok := templates[name]
	if !ok {
		return errors.New("web: no template " + name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		u.Log.Error("render page", "template", name, "error", err)
		return fiber.NewError(http.StatusInternalServerError, "页面生成失败")
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(buf.Bytes())
}

// fragment executes a template block (an htmx partial) into the answer.
func (u *ui) fragment(c *fiber.Ctx, status int, name, block string, p page) error {
	var buf bytes.Buffer
	if err := templates[name].ExecuteTemplate(&buf, block, p); err != nil {
		u.Log.Error("render fragment", "template", name, "block", block, "error", err)
		return fiber.NewError(http.StatusInternalServerError, "页面生成失败")
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(buf.Bytes())
}

// asAPIError returns err as an *APIError (a failure without one becomes a 503 in Chinese).
func asAPIError(err error) *APIError {
	var e *APIError
	if errors.As(err, &e) {
		return e
	}
	return &APIError{Status: http.StatusServiceUnavailable, Code: "unavailable", Message: "服务暂时不可用，请稍后重试"}
}

// formValues returns the posted form fields (trimmed) that the page echoes back.
func formValues(c *fiber.Ctx, names ...string) map[string]string {
	out := map[string]string{}
	for _, n := range names {
		out[n] = strings.TrimSpace(c.FormValue(n))
	}
	return out
}

// isHTMX reports whether htmx sent the request (the answer is then a fragment).
func isHTMX(c *fiber.Ctx) bool { return c.Get("HX-Request") == "true" }

// redirect sends the browser to path; htmx requests get HX-Redirect.
func redirect(c *fiber.Ctx, path string) error {
	if isHTMX(c) {
		c.Set("HX-Redirect", path)
		return c.SendStatus(http.StatusNoContent)
	}
	return c.Redirect(path, http.StatusSeeOther)
}
