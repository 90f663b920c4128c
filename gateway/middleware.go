package gateway

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
	"github.com/google/uuid"

	"skillcert"
)

const localsRequestID = "skillcert.request_id"

// requestID returns the ID of the request (set by observe).
func requestID(c *fiber.Ctx) string {
	id, _ := c.Locals(localsRequestID).(string)
	return id
}

// observe is the outermost middleware: it assigns the request ID, turns errors into error bodies (so the
// status is final here), then records metrics and writes the access log.
func (a *app) observe(c *fiber.Ctx) error {
	start := time.Now()
	id := c.Get(fiber.HeaderXRequestID)
	if id == "" || len(id) > 64 || strings.ContainsFunc(id, func(r rune) bool { return r < 0x21 || r > 0x7e }) {
		id = uuid.NewString()
	}
	c.Locals(localsRequestID, id)
	c.Set(fiber.HeaderXRequestID, id)
	ctx, cancel := context.WithTimeout(c.UserContext(), a.cfg.RequestTimeout)
	defer cancel()
	c.SetUserContext(ctx)

	if err := c.Next(); err != nil {
		if herr := a.handleError(c, err); herr != nil {
			c.Status(http.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	pattern := c.Route().Path
	if status == http.StatusNotFound && pattern == "/" {
		pattern = "unmatched"
	}
	elapsed := time.Since(start)
	a.metrics.observe(c.Method(), pattern, status, elapsed)

	level := slog.LevelInfo
	switch {
	case status >= 500:
		level = slog.LevelError
	case pattern == "/healthz" || pattern == "/readyz":
		level = slog.LevelDebug
	}
	attrs := []slog.Attr{
		slog.String("request_id", id), slog.String("method", c.Method()), slog.String("route", pattern),
		slog.Int("status", status), slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
		slog.String("ip", a.clientIP(c)),
	}
	if p := user(c); p != nil {
		attrs = append(attrs, slog.String("user_id", p.ID), slog.String("role", string(p.Role)))
	}
	a.log.LogAttrs(c.UserContext(), level, "http request", attrs...)
	return nil
}

// securityHeaders sets the headers every answer carries. HTML pages relax the content security policy to
// their own inline styles.
func (a *app) securityHeaders(c *fiber.Ctx) error {
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Referrer-Policy", "no-referrer")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	c.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'")
	if strings.HasPrefix(a.cfg.PublicURL, "https://") {
		c.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	}
	if strings.HasPrefix(c.Path(), "/api/") {
		c.Set(fiber.HeaderCacheControl, "no-store")
	}
	return c.Next()
}

// rateLimits returns the per-IP limiters: one for every route, a stricter one for the routes marked
// AuthLimited (login, registration).
func (a *app) rateLimits() []fiber.Handler {
	reached := func(c *fiber.Ctx) error {
		return &skillcert.Error{Code: skillcert.ERATELIMIT, Message: "请求过于频繁，请稍后再试"}
	}
	authLimited := map[string]bool{}
	for _, r := range a.routes {
		if r.AuthLimited {
			authLimited[r.Path] = true
		}
	}
	return []fiber.Handler{
		limiter.New(limiter.Config{
			Max: a.cfg.RateLimit, Expiration: time.Minute, LimitReached: reached, KeyGenerator: a.clientIP,
			Next: func(c *fiber.Ctx) bool {
				return c.Path() == "/healthz" || c.Path() == "/readyz" || a.isInternal(c)
			},
		}),
		limiter.New(limiter.Config{
			Max: a.cfg.AuthRateLimit, Expiration: time.Minute, LimitReached: reached, KeyGenerator: a.clientIP,
			Next: func(c *fiber.Ctx) bool { return !authLimited[c.Path()] || a.isInternal(c) },
		}),
	}
}

// bodyLimit refuses bodies larger than the route admits with 413 (Fiber's global limit is the largest).
func (a *app) bodyLimit(r route) fiber.Handler {
	limit := r.BodyLimit
	if limit == 0 {
		limit = defaultBodyLimit
	}
	return func(c *fiber.Ctx) error {
		if len(rawBody(c)) > limit {
			return &skillcert.Error{Code: skillcert.ETOOLARGE,
				Message: "请求体过大（上限 " + strconv.Itoa(limit) + " 字节）"}
		}
		return c.Next()
	}
}
