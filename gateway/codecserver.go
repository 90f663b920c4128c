package gateway

import (
	"bytes"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"skillcert"
	"skillcert/codec"
	appconfig "skillcert/config"
	"skillcert/gateway/websec"
)

// The codec server lets admins see decrypted workflow histories. The Temporal CLI sends a bearer token
// (`temporal workflow show --codec-endpoint <gateway>/codec --codec-auth "Bearer <token>"`). The Temporal Web
// UI runs in the browser on another origin and cannot send our token, so an admin signs in once at
// /codec/login, which sets an HttpOnly, SameSite=Strict cookie valid for /codec only; the UI that make dev
// starts (deploy/dev/temporal-ui.sh) sends it with every decode call (codec.includeCredentials). Cross-origin
// calls are allowed only from the Web UI's origins (TEMPORAL_UI_URL and its 127.0.0.1/localhost twin, or
// SKILLCERT_CODEC_ORIGINS).

const codecCookie = "skillcert_codec"

// codecHandler serves the Temporal codec-server protocol for c (nil gives nil).
func codecHandler(c *codec.Codec) fiber.Handler {
	if c == nil {
		return nil
	}
	return adaptor.HTTPHandler(codec.NewHTTPHandler(c))
}

// codecOrigins are the browser origins allowed to call the codec endpoints.
func codecOrigins(env appconfig.Env) []string {
	if v := env.String("SKILLCERT_CODEC_ORIGINS"); v != "" {
		var out []string
		for _, o := range strings.Split(v, ",") {
			if o = strings.TrimRight(strings.TrimSpace(o), "/"); o != "" {
				out = append(out, o)
			}
		}
		return out
	}
	ui := strings.TrimRight(env.String("TEMPORAL_UI_URL"), "/")
	if ui == "" {
		ui = "http://127.0.0.1:8233"
	}
	return withLoopbackTwin(ui)
}

// withLoopbackTwin returns origin, and when its host is 127.0.0.1 or localhost also the same origin under the
// other name: a browser on this machine may open the Web UI under either.
func withLoopbackTwin(origin string) []string {
	u, err := url.Parse(origin)
	if err != nil || u.Port() == "" {
		return []string{origin}
	}
	twin := map[string]string{"127.0.0.1": "localhost", "localhost": "127.0.0.1"}[u.Hostname()]
	if twin == "" {
		return []string{origin}
	}
	return []string{origin, u.Scheme + "://" + net.JoinHostPort(twin, u.Port())}
}

// codecCORS answers preflights and marks answers readable by the allowed origins.
func (a *app) codecCORS(c *fiber.Ctx) error {
	origin := c.Get(fiber.HeaderOrigin)
	if origin != "" && slices.Contains(a.cfg.CodecOrigins, origin) {
		c.Set(fiber.HeaderAccessControlAllowOrigin, origin)
		c.Set(fiber.HeaderAccessControlAllowCredentials, "true")
		c.Set(fiber.HeaderAccessControlAllowHeaders, "Content-Type, Authorization, X-Namespace")
		c.Set(fiber.HeaderAccessControlAllowMethods, "POST, OPTIONS")
		c.Set(fiber.HeaderAccessControlMaxAge, "600")
		c.Vary(fiber.HeaderOrigin)
	}
	if c.Method() == fiber.MethodOptions {
		return c.SendStatus(http.StatusNoContent)
	}
	return c.Next()
}

var codecLoginPage = template.Must(template.New("codec").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>工作流数据解密登录</title>
<style nonce="{{.Nonce}}">body{font-family:sans-serif;max-width:30em;margin:3em auto;color:#222}label{display:block;margin:.6em 0}</style>
</head><body><h1>工作流数据解密（管理员）</h1>
{{if .Message}}<p>{{.Message}}</p>{{end}}
{{if not .Done}}<form method="post" action="/codec/login">
<input type="hidden" name="csrf_token" value="{{.CSRF}}">
<label>用户名 <input name="login" autocomplete="username" required></label>
<label>密码 <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">登录</button></form>{{end}}
</body></html>`))

func (a *app) renderCodecLogin(c *fiber.Ctx, status int, msg string, done bool) error {
	var buf bytes.Buffer
	data := map[string]any{"Message": msg, "Done": done, "Nonce": websec.Nonce(c), "CSRF": a.csrf.Token(c)}
	if err := codecLoginPage.Execute(&buf, data); err != nil {
		return fmt.Errorf("render codec login: %w", err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Status(status).Send(buf.Bytes())
}

func (a *app) codecLoginForm(c *fiber.Ctx) error {
	return a.renderCodecLogin(c, http.StatusOK, "", false)
}

// codecLogin checks an admin's credentials (throttled like the API login) and sets the codec cookie.
func (a *app) codecLogin(c *fiber.Ctx) error {
	login, password := strings.TrimSpace(c.FormValue("login")), c.FormValue("password")
	u, err := a.checkLogin(c, login, password)
	switch skillcert.ErrorCode(err) {
	case "":
	case skillcert.ERATELIMIT:
		return a.renderCodecLogin(c, http.StatusTooManyRequests, "登录失败次数过多，请稍后再试", false)
	case skillcert.EUNAUTHORIZED:
		return a.renderCodecLogin(c, http.StatusUnauthorized, "账号或密码错误，或该账号不是管理员", false)
	default:
		return err
	}
	if skillcert.Role(u.Role) != skillcert.RoleAdmin {
		return a.renderCodecLogin(c, http.StatusUnauthorized, "账号或密码错误，或该账号不是管理员", false)
	}
	// The cookie's token is valid on the codec endpoints only: a stolen cookie does not open the API.
	token, exp, err := a.issueToken(c, u, audienceCodec)
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: codecCookie, Value: token, Path: "/codec", Expires: exp, HTTPOnly: true,
		SameSite: fiber.CookieSameSiteStrictMode, Secure: strings.HasPrefix(a.cfg.PublicURL, "https://")})
	return a.renderCodecLogin(c, http.StatusOK, "已登录。请刷新 Temporal Web UI 的工作流页面，历史中的数据即显示为解密后的内容。", true)
}

// codecRoutes expose the payload codec to admins.
func (a *app) codecRoutes() []route {
	if a.codec == nil {
		return nil
	}
	var rs []route
	for _, op := range []string{"encode", "decode"} {
		rs = append(rs,
			route{Method: "OPTIONS", Path: "/codec/" + op, Public: true, Handler: a.codecCORS, Tag: "operations",
				Summary: "CORS preflight of the codec server (Temporal Web UI origins)", Status: 204},
			route{Method: "POST", Path: "/codec/" + op, Roles: rolesAdmin, Handler: a.codec, Tag: "operations",
				Summary:   "Temporal codec server: " + op + " payloads (admins; bearer token or the codec cookie)",
				BodyLimit: 4 << 20, CookieAuth: codecCookie, Before: a.codecCORS})
	}
	return append(rs,
		route{Method: "GET", Path: "/codec/login", Public: true, Handler: a.codecLoginForm, Tag: "operations",
			Summary: "Admin sign-in for the codec server (sets the codec cookie)", ContentType: "text/html", HTML: true},
		route{Method: "POST", Path: "/codec/login", Public: true, Handler: a.codecLogin, Tag: "operations",
			Summary:     "Admin sign-in for the codec server (form: login, password, csrf_token from the sign-in page)",
			ContentType: "text/html", Errors: []int{401, 403, 429}, AuthLimited: true, HTML: true})
}
